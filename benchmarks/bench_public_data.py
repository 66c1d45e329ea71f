"""Speed and memory of the public-data layer and the Module 1 baseline.

Run: python benchmarks/bench_public_data.py [--data-dir DIR] [--repeat N] [--la NAME]

Each figure is a whole `dbv` command run in a fresh process (what a user waits for), timed with
wall-clock seconds; peak memory is the child's maximum resident set size.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def run(args: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Wall seconds and peak RSS (MB) of one `dbv` command in a child process."""
    start = time.perf_counter()
    child = subprocess.Popen(
        [sys.executable, "-m", "dbv.cli", *args], env=env, stdout=subprocess.DEVNULL
    )
    _, status, usage = os.wait4(child.pid, 0)
    elapsed = time.perf_counter() - start
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode != 0:
        raise SystemExit(f"dbv {' '.join(args)} failed with exit code {child.returncode}")
    return elapsed, usage.ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    default = os.environ.get("DBV_DATA_DIR", str(REPO.parent / "shared" / "data" / "raw"))
    parser.add_argument("--data-dir", default=default)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--la", default="Derby")
    a = parser.parse_args()
    with tempfile.TemporaryDirectory() as cache:
        env = {**os.environ, "DBV_DATA_DIR": a.data_dir, "DBV_CACHE_DIR": cache}
        rows = []
        cold = [run(["data", "status", "--json"], env)]
        rows.append(("first parse of the data directory (cold cache)", cold))
        for _ in range(a.repeat - 1):  # each repeat needs a fresh cache
            with tempfile.TemporaryDirectory() as fresh:
                cold.append(run(["data", "status", "--json"], {**env, "DBV_CACHE_DIR": fresh}))
        warm = [run(["baseline", "--la", a.la, "--json"], env) for _ in range(a.repeat)]
        rows.append((f"warm `dbv baseline --la {a.la}`", warm))
        every = [run(["baseline", "--all", "--json"], env) for _ in range(a.repeat)]
        rows.append(("warm `dbv baseline --all --json` (153 LAs)", every))
    print("| step | median s | max s | peak MB | runs |\n|---|---|---|---|---|")
    for label, results in rows:
        secs = [r[0] for r in results]
        mem = max(r[1] for r in results)
        med = statistics.median(secs)
        print(f"| {label} | {med:.2f} | {max(secs):.2f} | {mem:.0f} | {len(secs)} |")


if __name__ == "__main__":
    main()
