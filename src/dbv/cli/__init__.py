"""The dbv command line: a thin boundary that turns typed errors into clear messages.

Each sub-module registers its commands on the one Typer app.
"""

from __future__ import annotations

from dbv.cli import baseline, data, dataret, diagnose, forecast, insight  # noqa: F401 - registers the commands
from dbv.cli.common import app
from dbv.web import cli as _web_cli  # noqa: F401 - registers serve, createadmin, web

__all__ = ["app", "main"]


def main() -> None:
    app()


if __name__ == "__main__":  # pragma: no cover
    main()
