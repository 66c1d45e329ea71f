"""What a council shares with an insight body, and the insight packs an insight body builds.

A :class:`SharedExport` holds the pack's ``insight-export.json`` exactly as written (counts
only, already suppressed: ``docs/insight-export.md``), checked by
:func:`dbv.insight.read.parse_export` before it is stored. It is the council's record: the
council sees it, exports it and deletes it; the recipient sees it only while it is current (not
withdrawn). A council has at most one current share with each body: sharing a newer pack
withdraws the older share, so an insight pack never counts a council twice.
"""

from __future__ import annotations

from django.db import models

from dbv.web.core.models import Organisation
from dbv.web.planning.models import Pack


class SharedExport(models.Model):
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE,
                                     related_name="shares_made")  # fmt: skip
    recipient = models.ForeignKey(Organisation, on_delete=models.CASCADE,
                                  related_name="shares_received")  # fmt: skip
    pack = models.ForeignKey(Pack, null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="+")  # fmt: skip
    content = models.JSONField(help_text="insight-export.json exactly as the pack wrote it")
    schema_version = models.CharField(max_length=10)
    council_name = models.CharField(max_length=200, help_text="the council as the export names it")
    diagnostic_date = models.DateField()
    shared_by = models.CharField(max_length=150)
    shared_at = models.DateTimeField()
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawn_by = models.CharField(max_length=150, blank=True)
    withdrawn_why = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["-shared_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "recipient"],
                condition=models.Q(withdrawn_at__isnull=True),
                name="one_current_share_per_council_and_body",
            )
        ]

    @property
    def current(self) -> bool:
        return self.withdrawn_at is None

    def __str__(self) -> str:
        return f"{self.organisation} to {self.recipient}, {self.diagnostic_date}"


class InsightPack(models.Model):
    """One build of an insight body's pack from the exports shared with it at the time."""

    BUILT, FAILED = "built", "failed"
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    built_at = models.DateTimeField()
    built_by = models.CharField(max_length=150, blank=True)
    folder = models.CharField(max_length=500)
    status = models.CharField(max_length=10, choices=[(BUILT, "Built"), (FAILED, "Failed")])
    error = models.TextField(blank=True)
    allow_mixed_years = models.BooleanField(default=False)
    sources = models.JSONField(default=list, help_text="the shares used: id, council, date")

    class Meta:
        ordering = ["-built_at", "-id"]

    def __str__(self) -> str:
        return f"insight pack {self.built_at:%Y-%m-%d %H:%M} ({self.status})"
