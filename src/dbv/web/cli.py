"""`dbv serve`, `dbv createadmin` and `dbv web ...` (Django's manage commands). Django is
imported only when one of these runs, so the rest of the CLI never loads it."""

from __future__ import annotations

import getpass
import os
from typing import Annotated

import typer

from dbv.cli.common import app, boundary, console, err_console
from dbv.errors import UsageError


def setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dbv.web.settings")
    import django

    django.setup()


def migrate() -> None:
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)


@app.command("serve")
def serve(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port.")] = 8000,
    no_migrate: Annotated[bool, typer.Option("--no-migrate", help="Skip migrations.")] = False,
) -> None:
    """Start the web app (workshops, surveys, planning) on this machine: SQLite in the user
    data folder unless DATABASE_URL names PostgreSQL; migrations apply themselves. For a
    server, use gunicorn behind HTTPS (see docs/deploy.md)."""
    setup()
    from django.conf import settings
    from django.core.management import call_command

    if not no_migrate:
        migrate()
    engine = settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1]
    err_console.print(f"dbv web app on http://{host}:{port}/ (database: {engine}); Ctrl+C stops")
    call_command("runserver", f"{host}:{port}", use_reloader=False, use_threading=True)


@app.command("createadmin")
def createadmin(
    username: Annotated[str, typer.Option(help="The administrator's username.")],
    council_code: Annotated[str, typer.Option("--council-code", help="Short code, e.g. derby.")],
    council_name: Annotated[str, typer.Option("--council-name", help="e.g. Derby City Council.")],
    la_code: Annotated[str, typer.Option("--la-code", help="DfE LA code, e.g. 831.")] = "",
) -> None:
    """Create a council and its first administrator (password from DBV_ADMIN_PASSWORD or a
    prompt; 12 characters or more)."""
    setup()
    migrate()
    from django.core.exceptions import ValidationError

    from dbv.web.core.services import create_organisation

    password = os.environ.get("DBV_ADMIN_PASSWORD") or getpass.getpass("Password: ")
    with boundary():
        try:
            org = create_organisation(council_code, council_name, username, password, la_code)
        except ValidationError as exc:
            codes = {e.code for e in exc.error_list}
            fix = "choose another council code" if "not_a_council" in codes else None
            fix = fix or "choose a longer password"
            raise UsageError("; ".join(exc.messages), fix=fix) from None
    console.print(f"{username} is the administrator of {org.name}: sign in at /sign-in/")


@app.command(
    "web",
    context_settings={"allow_extra_args": True, "ignore_unknown_options": True},
)
def web(ctx: typer.Context) -> None:
    """Django's management commands for the web app, e.g. `dbv web migrate`,
    `dbv web collectstatic`, `dbv web purge` (delete data past each council's retention),
    `dbv web insightbody dfe --name "Department for Education" --member alex` (an insight body
    and its read-only members)."""
    setup()
    from django.core.management import execute_from_command_line

    execute_from_command_line(["dbv web", *ctx.args])
