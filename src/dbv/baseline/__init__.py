"""Module 1 baselines from public data: caseload history, flows, benchmarks."""
