"""Delete workshop, survey and plan data older than each council's retention period."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from dbv.web.core.models import AuditLog, Organisation
from dbv.web.core.retention import purge_expired


class Command(BaseCommand):
    help = "Delete data older than each council's retention period (run it daily)."

    def handle(self, *args: Any, **options: Any) -> None:
        for org in Organisation.objects.all():
            removed = purge_expired(org)
            if removed:
                AuditLog.objects.create(organisation=org, actor="dbv web purge",
                                        action="org.purge", target=org.code,
                                        after={"records": removed})  # fmt: skip
                self.stdout.write(f"{org.code}: {removed} records past retention deleted")
