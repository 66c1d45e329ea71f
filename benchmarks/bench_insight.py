"""`dbv insight`: the demo from cold, and pooling many councils' exports.

Run: python benchmarks/bench_insight.py [--councils 150] [--skip-demo]

1. `dbv insight --demo` in a fresh process and an empty folder: 8 synthetic councils generated
   and diagnosed (100 simulations each), then pooled into insight.html/xlsx/pdf.
2. `dbv insight --exports DIR` on ``--councils`` exports: the demo's 8 exports copied under new
   council names (the work grows with councils, not with their content), in a fresh process.

Reported: wall time and peak memory (`os.wait4` ru_maxrss). Goals: the demo under 2 minutes;
150 councils (every LA in England) pooled under 60 s and 2 GB.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def run(args: list[str]) -> tuple[float, float]:
    dbv = shutil.which("dbv") or "dbv"
    t0 = time.perf_counter()
    proc = subprocess.Popen([dbv, *args], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - t0
    if status != 0:
        err = proc.stderr.read().decode() if proc.stderr else ""
        sys.exit(f"dbv {' '.join(args)} failed (status {status}): {err[-500:]}")
    return seconds, usage.ru_maxrss / 1024


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--councils", type=int, default=150)
    ap.add_argument("--skip-demo", action="store_true")
    a = ap.parse_args()
    work = Path(tempfile.mkdtemp(prefix="dbv-insight-bench-"))
    demo = work / "demo"
    if a.skip_demo:
        run(["insight", "--demo", "--out", str(demo), "--outputs", "html"])
    else:
        s, mb = run(["insight", "--demo", "--out", str(demo)])
        print(f"dbv insight --demo (8 councils, html+xlsx+pdf): {s:.1f} s, {mb:,.0f} MB peak")
    sources = sorted((demo / "councils" / "exports").glob("insight-export-*.json"))
    many = work / "many"
    many.mkdir()
    for i in range(a.councils):
        data = json.loads(sources[i % len(sources)].read_text("utf-8"))
        data["council"] = f"Council {i + 1:03d}"
        (many / f"insight-export-{i + 1:03d}.json").write_text(json.dumps(data), "utf-8")
    s, mb = run(["insight", "--exports", str(many), "--out", str(work / "pooled")])
    print(f"dbv insight --exports ({a.councils} councils, html+xlsx+pdf): {s:.1f} s, "
          f"{mb:,.0f} MB peak")  # fmt: skip
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
