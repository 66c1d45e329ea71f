"""The dbv command line: a thin boundary that turns typed errors into clear messages."""

from __future__ import annotations

import json
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
)
data_app = typer.Typer(help="The official data files: what is there, and fetching them.")
app.add_typer(data_app, name="data")

err_console = Console(stderr=True)
console = Console()

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


def main() -> None:
    app()


if __name__ == "__main__":  # pragma: no cover
    main()
