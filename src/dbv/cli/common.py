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


def _progress() -> Progress:
    """The one style of progress bar: stage text, bar, done/total, elapsed; on stderr."""
    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        TextColumn("{task.completed}/{task.total}"),
        TimeElapsedColumn(),
        console=err_console,
        transient=True,
    )


@contextmanager
def progress_bar(enabled: bool) -> Iterator[Callable[[str, int, int], None]]:
    if not enabled:
        yield lambda stage, i, n: None
        return
    with _progress() as bar:
        tasks: dict[str, Any] = {}

        def update(stage: str, i: int, n: int) -> None:
            if stage not in tasks:
                tasks[stage] = bar.add_task(stage, total=n)
            bar.update(tasks[stage], completed=i + 1, total=n)

        yield update


@contextmanager
def stage_bar(enabled: bool, title: str) -> Iterator[Callable[[str, int, int], None]]:
    """One bar for the whole run; its text says which stage is running."""
    if not enabled:
        yield lambda stage, i, n: None
        return
    with _progress() as bar:
        task = bar.add_task(title, total=1)

        def update(stage: str, i: int, n: int) -> None:
            bar.update(task, description=f"{title}: {stage}", completed=i, total=n)

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
