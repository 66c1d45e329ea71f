"""`dbv demo` from cold: the whole diagnostic on the synthetic LA, as a user runs it.

Run: python benchmarks/bench_demo.py [--repeat 1] [--sims 1000]

Each run is a fresh process (`dbv demo --out <tmp>`) in an empty folder: generate the synthetic
LA, validate, derive, forecast with the demo scenario (1,000 simulations, tornado, goal seek),
Module 2 and 3 analytics, and write report.html, report.xlsx, report.pdf and run.json. Reported:
wall time, peak memory of the process (`os.wait4` ru_maxrss) and the PDF's page count. Goal:
under 60 s on this machine.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def one(sims: int) -> tuple[float, float, int]:
    out = Path(tempfile.mkdtemp(prefix="dbv-demo-bench-"))
    dbv = shutil.which("dbv") or "dbv"
    t0 = time.perf_counter()
    proc = subprocess.Popen([dbv, "demo", "--out", str(out), "--sims", str(sims)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - t0
    if status != 0:
        sys.exit(f"dbv demo failed (status {status}); run it by hand to see why")
    pages = 0
    try:
        from pypdf import PdfReader

        pages = len(PdfReader(out / "report.pdf").pages)
    except ImportError:
        pass
    shutil.rmtree(out, ignore_errors=True)
    return seconds, usage.ru_maxrss / 1024, pages


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=1)
    ap.add_argument("--sims", type=int, default=1000)
    a = ap.parse_args()
    runs = [one(a.sims) for _ in range(a.repeat)]
    secs = [r[0] for r in runs]
    print(f"dbv demo ({a.sims:,} simulations), {a.repeat} run(s) from cold")
    print(
        f"  wall time: median {statistics.median(secs):.1f} s (min {min(secs):.1f} s); goal < 60 s"
    )
    print(f"  peak memory: {max(r[1] for r in runs):.0f} MB")
    print(f"  report.pdf pages: {runs[-1][2]}")


if __name__ == "__main__":
    main()
