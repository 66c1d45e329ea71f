"""The dbv command line: a thin boundary that turns typed errors into clear messages."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from dbv import __version__
from dbv.errors import DbvError

app = typer.Typer(
    help="dbv: run the Delivering Better Value in SEND diagnostic on your own and public data.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
data_app = typer.Typer(help="The official data files: what is there, and fetching them.")
app.add_typer(data_app, name="data")

err_console = Console(stderr=True, soft_wrap=True)
# Wide enough for the baseline tables when output goes to a file or a pipe.
console = Console(width=None if sys.stdout.isatty() else 160)

T = TypeVar("T")

DataDir = Annotated[
    Path | None,
    typer.Option(
        "--data-dir",
        help="Folder holding the official DfE files (default: $DBV_DATA_DIR, else a user folder).",
    ),
]
CacheDir = Annotated[
    Path | None,
    typer.Option("--cache-dir", help="Where parsed files are cached (default: $DBV_CACHE_DIR)."),
]


def fail(exc: DbvError, as_json: bool = False) -> None:
    """Print a typed error for a person (or as the canonical JSON shape) and exit 2."""
    if as_json:
        sys.stdout.write(json.dumps(exc.as_dict(), indent=2) + "\n")
    else:
        err_console.print(f"[bold red]Error:[/] {exc.message}")
        where = exc.where()
        if where:
            err_console.print(f"  where: {where}")
        if exc.fix:
            err_console.print(f"  fix:   {exc.fix}")
    raise typer.Exit(2)


@contextmanager
def boundary(as_json: bool = False) -> Iterator[None]:
    try:
        yield
    except DbvError as exc:
        fail(exc, as_json)
    except (typer.Exit, typer.Abort, KeyboardInterrupt):
        raise
    except Exception as exc:
        if os.environ.get("DBV_DEBUG"):
            raise
        fail(
            DbvError(
                f"internal error ({type(exc).__name__}: {exc}); this is a bug in dbv",
                fix="rerun with DBV_DEBUG=1 to see the traceback and report it",
            ),
            as_json,
        )


@contextmanager
def progress_bar(enabled: bool) -> Iterator[Callable[[str, int, int], None]]:
    if not enabled:
        yield lambda stage, i, n: None
        return
    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        TextColumn("{task.completed}/{task.total}"),
        TimeElapsedColumn(),
        console=err_console,
        transient=True,
    ) as bar:
        tasks: dict[str, Any] = {}

        def update(stage: str, i: int, n: int) -> None:
            if stage not in tasks:
                tasks[stage] = bar.add_task(stage, total=n)
            bar.update(tasks[stage], completed=i + 1, total=n)

        yield update


def emit_json(payload: Any) -> None:
    sys.stdout.write(json.dumps(payload, indent=2, default=str) + "\n")


@app.callback(invoke_without_command=True)
def _root(
    version: Annotated[bool, typer.Option("--version", help="Show the version and exit.")] = False,
) -> None:
    if version:
        console.print(f"dbv {__version__}")
        raise typer.Exit(0)


@data_app.command("status")
def data_status(
    data_dir: DataDir = None,
    cache_dir: CacheDir = None,
    as_json: Annotated[bool, typer.Option("--json", help="Machine-readable output.")] = False,
) -> None:
    """List each recognised dataset, each missing one and where it is published."""
    from dbv.store import open_store

    with boundary(as_json), progress_bar(not as_json and err_console.is_terminal) as bar:
        store = open_store(data_dir, cache_dir, progress=bar)
    if as_json:
        emit_json(
            {
                "data_dir": str(store.root),
                "datasets": [s.as_dict() for s in store.sources],
                "missing": [
                    {"dataset": m.name, "title": m.title, "published_at": m.landing_page}
                    for m in store.missing
                ],
                "damaged": [b.error.as_dict() for b in store.bad],
                "overlaps": store.resolution,
            }
        )
        return
    table = Table(title=f"Datasets in {store.root}")
    for col in ("dataset", "publisher", "years", "LAs", "rows", "file"):
        table.add_column(col, overflow="fold")
    for s in sorted(store.sources, key=lambda s: s.dataset):
        years = "" if s.first_year is None else f"{s.first_year}-{s.last_year}"
        table.add_row(
            s.title, s.publisher, years, str(s.n_las or ""), f"{s.rows:,}", str(s.path.name)
        )
    console.print(table)
    if store.missing:
        miss = Table(title="Missing datasets")
        miss.add_column("dataset")
        miss.add_column("needed?")
        miss.add_column("published at", overflow="fold")
        for m in store.missing:
            miss.add_row(m.title, "optional" if m.optional else "yes", m.landing_page)
        console.print(miss)
    for b in store.bad:
        err_console.print(f"[yellow]Damaged file skipped:[/] {b.error}")


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


@data_app.command("download")
def data_download(
    dest: Annotated[
        Path | None,
        typer.Option(
            "--data-dir", help="Where to save (default: $DBV_DATA_DIR, else user folder)."
        ),
    ] = None,
    only: Annotated[
        list[str] | None, typer.Option("--only", help="Only this source (repeatable).")
    ] = None,
    base_url: Annotated[
        str | None, typer.Option("--base-url", help="Fetch from a mirror with the same paths.")
    ] = None,
) -> None:
    """Fetch the official files from their publishers (needs a network connection)."""
    from dbv.io import download
    from dbv.store import default_data_dir

    target = dest or default_data_dir()
    with boundary():
        sources = download.load_sources()
        names = only or [s.name for s in sources]
        failures = 0
        with progress_bar(err_console.is_terminal) as bar:
            for name in names:
                try:
                    results = download.download(
                        sources,
                        target,
                        only=[name],
                        base_url=base_url,
                        progress=lambda label, done, total: bar(label, done - 1, total or done),
                    )
                except DbvError as exc:
                    failures += 1
                    err_console.print(f"[red]Failed:[/] {name}: {exc}")
                    continue
                for line in download.iter_results_text(results):
                    console.print(line)
    console.print(f"Data directory: {target}")
    if failures:
        raise typer.Exit(1)


def main() -> None:
    app()


if __name__ == "__main__":  # pragma: no cover
    main()
