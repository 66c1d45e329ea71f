"""Retention: each app's ``exports.purge(org, before)`` deletes its records created before the
cut-off (records without a date are kept)."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from dbv.web.core.exports import exporters
from dbv.web.core.models import Organisation


def purge_expired(org: Organisation) -> int:
    before = timezone.now() - timedelta(days=org.retention_days)
    total = 0
    for e in exporters():
        purge = getattr(e, "purge", None)
        if purge is not None:
            total += int(purge(org, before))
    return total
