"""Create an insight body (DfE, a regional team, a group of councils) and add its readers."""

from __future__ import annotations

import getpass
import os
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from dbv.web.core.models import Organisation
from dbv.web.core.services import add_insight_reader, create_insight_body


class Command(BaseCommand):
    help = (
        "Create an insight body (or use the existing one of that code) and add readers: "
        "dbv web insightbody dfe --name 'Department for Education' --member alice. A new "
        "member's password comes from DBV_ADMIN_PASSWORD or a prompt. Readers see only the "
        "exports councils share with the body, and build its insight pack."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("code", help="short code, e.g. dfe or east-midlands")
        parser.add_argument("--name", default="", help="e.g. 'Department for Education'")
        parser.add_argument("--member", action="append", default=[],
                            help="username of a reader (repeat for more)")  # fmt: skip

    def handle(self, *args: Any, **options: Any) -> None:
        code: str = options["code"]
        existing = Organisation.objects.filter(code=code).first()
        name: str = options["name"] or (existing.name if existing else "")
        if not name:
            raise CommandError("give the body's name with --name for a new insight body")
        try:
            body = create_insight_body(code, name)
            for username in options["member"]:
                password = ""
                if not get_user_model().objects.filter(username=username).exists():
                    password = os.environ.get("DBV_ADMIN_PASSWORD") or getpass.getpass(
                        f"Password for {username}: "
                    )
                add_insight_reader(body, username, password)
                self.stdout.write(f"{username} reads {body.name}'s insight: sign in at /sign-in/")
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from None
        self.stdout.write(f"{body.name} ({body.code}) is an insight body; councils can now "
                          "share their insight export with it")  # fmt: skip
