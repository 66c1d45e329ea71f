"""Speed and memory of the data-return pipeline on the synthetic LA.

Run: python benchmarks/bench_data_return.py [--sizes 1 10] [--repeat 3]

For each size, the synthetic LA is generated once (timed too), then `validate` + `derive`
(snapshots for every January, transitions, funnel) run in a fresh child process; the figure is
that process's wall time and peak resident memory.
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

CHILD = """
import sys, time
from pathlib import Path
from dbv.checks import validate
from dbv.dataret.derive import funnel, snapshots, transitions
from dbv.dataret.reader import read_return
from dbv.dataret.years import census_years
start = time.perf_counter()
folder = Path(sys.argv[1])
report = validate(folder)
ret = read_return(folder)
snaps = snapshots(ret, census_years(ret, first=2016, last=2025))
trans = transitions(snaps, ret)
fun = funnel(ret)
assert report.exit_code == 0, report.summary()
print(f"{time.perf_counter() - start:.3f} {snaps.height} {trans.height}")
"""


def child(folder: Path) -> tuple[float, float, float, str]:
    start = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, "-c", CHILD, str(folder)], stdout=subprocess.PIPE, text=True
    )
    assert proc.stdout is not None
    out = proc.stdout.read()
    _, status, usage = os.wait4(proc.pid, 0)  # reap it ourselves to read its peak memory
    proc.returncode = os.waitstatus_to_exitcode(status)
    wall = time.perf_counter() - start
    if proc.returncode:
        raise SystemExit(f"benchmark child failed ({proc.returncode})")
    inner, rows, trans = out.split()
    rss = usage.ru_maxrss / 1024
    return wall, float(inner), rss, f"{int(rows):,} snapshot rows, {int(trans):,} transitions"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", type=float, nargs="+", default=[1.0, 10.0])
    parser.add_argument("--repeat", type=int, default=3)
    a = parser.parse_args()
    from dbv.synth import generate

    print(
        "| size | plans Jan 2025 | generate s | validate+derive s (process) | in-process s "
        "| peak MB | rows |"
    )
    print("|---|---|---|---|---|---|---|")
    with tempfile.TemporaryDirectory() as tmp:
        for size in a.sizes:
            folder = Path(tmp) / f"size{size}"
            t0 = time.perf_counter()
            summary = generate(folder, seed=2025, size=size, defects=False)
            gen = time.perf_counter() - t0
            runs = [child(folder) for _ in range(a.repeat)]
            wall = statistics.median(r[0] for r in runs)
            inner = statistics.median(r[1] for r in runs)
            peak = max(r[2] for r in runs)
            plans = summary.active_plans[max(summary.active_plans)]
            print(
                f"| {size:g} | {plans:,} | {gen:.2f} | {wall:.2f} | {inner:.2f} | {peak:.0f} "
                f"| {runs[0][3]} |"
            )


if __name__ == "__main__":
    main()
