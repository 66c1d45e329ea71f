"""`dbv data status` and `dbv data download`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from dbv.cli.common import (
    CacheDir,
    DataDir,
    boundary,
    console,
    data_app,
    emit_json,
    err_console,
    progress_bar,
)
from dbv.errors import DbvError


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
