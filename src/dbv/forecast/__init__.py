"""Module 1 forecasts: one small model interface, naive baselines, an orchestrator over long
frames, backtesting and evaluation."""
