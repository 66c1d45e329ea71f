"""`dbv baseline` and `dbv las`: Module 1 baselines from public data."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from dbv.cli.common import (
    CacheDir,
    DataDir,
    app,
    boundary,
    console,
    emit_json,
    err_console,
    progress_bar,
)
from dbv.errors import DbvError

LAOption = Annotated[
    str | None,
    typer.Option("--la", help="LA name (any case), 3-digit DfE code (e.g. 831) or E-code."),
]


@app.command("baseline")
def baseline_cmd(
    la: LAOption = None,
    all_las: Annotated[bool, typer.Option("--all", help="Every current LA, in one table.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Machine-readable output.")] = False,
    out: Annotated[
        Path | None, typer.Option("--out", help="Also write CSV tables, JSON and charts here.")
    ] = None,
    chart_format: Annotated[
        str, typer.Option("--chart-format", help="Chart file format: svg or png.")
    ] = "svg",
    data_dir: DataDir = None,
    cache_dir: CacheDir = None,
) -> None:
    """Module 1 baseline from public data: caseload, settings, growth, flows, benchmarks."""
    from dbv.baseline import all_las as all_mod
    from dbv.baseline import outputs, render
    from dbv.baseline.build import Context, baseline
    from dbv.errors import UnknownLAError
    from dbv.store import open_store

    with boundary(as_json):
        if (la is None) == (not all_las):
            raise UnknownLAError(
                "choose one LA with --la, or every LA with --all",
                fix="e.g. dbv baseline --la Derby, or dbv baseline --all --json",
            )
        if chart_format not in ("svg", "png"):
            raise DbvError(f"unknown chart format '{chart_format}'", fix="use svg or png")
        with progress_bar(not as_json and err_console.is_terminal) as bar:
            store = open_store(data_dir, cache_dir, progress=bar)
        ctx = Context.build(store)
        if all_las:
            results = all_mod.baselines(ctx)
            payload = all_mod.payload(ctx, results)
            if out is not None:
                written = all_mod.write_outputs(payload, out)
                err_console.print(f"Wrote {len(written)} files to {out}")
            if as_json:
                emit_json(payload)
            else:
                all_mod.print_table(console, payload)
            return
        assert la is not None
        target = ctx.geo.resolve(la)
        result = baseline(ctx, target)
        if out is not None:
            written = outputs.write_outputs(ctx, target, result, out, chart_format)
            err_console.print(f"Wrote {len(written)} files to {out}")
        if as_json:
            emit_json(result)
        else:
            render.print_baseline(console, result)


@app.command("las")
def las_cmd(
    data_dir: DataDir = None,
    cache_dir: CacheDir = None,
    as_json: Annotated[bool, typer.Option("--json", help="Machine-readable output.")] = False,
) -> None:
    """List the current local authorities (name, 3-digit code, E-code, region)."""
    from dbv.geography import Geography
    from dbv.store import open_store

    with boundary(as_json):
        geo = Geography(open_store(data_dir, cache_dir).areas)
    rows = [la.as_dict() for la in sorted(geo.current(), key=lambda x: x.name)]
    if as_json:
        emit_json(rows)
        return
    table = Table(title=f"{len(rows)} local authorities in January {geo.latest_year}")
    for c in ("name", "old_code", "code", "region"):
        table.add_column(c)
    for r in rows:
        table.add_row(r["name"], r["old_code"], r["code"], r["region"])
    console.print(table)
