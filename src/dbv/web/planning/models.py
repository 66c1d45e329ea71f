"""The implementation plan and grant (module 3), one model per table of ``dbv/schemas/plan.yaml``.

Each model has exactly the schema's columns (same names, same types, the schema's code lists as
choices, its descriptions as hints) plus the council and timestamps, so the app reads and
writes the plan's CSV import formats unchanged. Roles only, never the names of people. IDs that
refer to another table (an activity's ``workstream_id``) stay text, as in the CSV files; the
plan checks of :mod:`dbv.module3` report the ones that point nowhere.
"""

from __future__ import annotations

from typing import Any

from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models

from dbv.module3.load import plan_schema
from dbv.web.core.models import Organisation

# Free-text columns that can run to a sentence or more (the rest are short).
LONG = {
    "objective", "mitigation", "description", "evidence", "title", "purpose",
    "role_in_programme", "members", "channels", "depends_on", "opportunity", "evidence_link",
}  # fmt: skip


def label(column: str) -> str:
    """'residual_likelihood' -> 'Residual likelihood'."""
    text = column.replace("_", " ")
    return text[:1].upper() + text[1:]


def col(table: str, column: str) -> Any:
    """The Django field for one schema column: type, required, codes, min/max and pattern."""
    c = plan_schema().tables[table].column(column)
    common: dict[str, Any] = {"verbose_name": label(column), "help_text": c.description}
    validators: list[Any] = []
    if c.min is not None:
        validators.append(MinValueValidator(int(c.min)))
    if c.max is not None:
        validators.append(MaxValueValidator(int(c.max)))
    if c.pattern is not None:
        validators.append(RegexValidator(c.pattern, f"Write it like 2025-26 ({column})"))
    if validators:
        common["validators"] = validators
    if c.type == "code":
        assert c.codes is not None
        choices = list(plan_schema().code_list(c.codes).items())
        return models.CharField(max_length=60, choices=choices, blank=not c.required, **common)
    if c.type == "int":
        return models.IntegerField(null=not c.required, blank=not c.required, **common)
    if c.type == "decimal":
        return models.DecimalField(
            max_digits=14, decimal_places=2, null=not c.required, blank=not c.required, **common
        )
    if c.type == "date":
        return models.DateField(null=not c.required, blank=not c.required, **common)
    if column in LONG:
        return models.TextField(blank=not c.required, **common)
    return models.CharField(max_length=200, blank=not c.required, **common)


class PlanRow(models.Model):
    """What every plan table has besides its schema columns."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)
    objects = models.Manager()

    table: str = ""

    class Meta:
        abstract = True
        ordering = ["id"]

    def key(self) -> str:
        k = plan_schema().tables[self.table].key[0]
        return str(getattr(self, k))

    def __str__(self) -> str:
        return f"{self.table} {self.key()}"


def unique(table: str, *fields: str) -> list[models.BaseConstraint]:
    return [
        models.UniqueConstraint(
            fields=["organisation", f],
            name=f"plan_{table}_unique_{f}",
            violation_error_message=f"There is already a record with this {label(f).lower()}",
        )
        for f in fields
    ]


class Workstream(PlanRow):
    table = "workstream"
    workstream_id = col("workstream", "workstream_id")
    name = col("workstream", "name")
    lead_role = col("workstream", "lead_role")
    opportunity = col("workstream", "opportunity")
    objective = col("workstream", "objective")
    reports_to = col("workstream", "reports_to")

    class Meta(PlanRow.Meta):
        constraints = unique("workstream", "workstream_id")


class Activity(PlanRow):
    table = "activity"
    activity_id = col("activity", "activity_id")
    workstream_id = col("activity", "workstream_id")
    name = col("activity", "name")
    owner_role = col("activity", "owner_role")
    start = col("activity", "start")
    end = col("activity", "end")
    status = col("activity", "status")
    depends_on = col("activity", "depends_on")

    class Meta(PlanRow.Meta):
        constraints = unique("activity", "activity_id")
        verbose_name_plural = "activities"


class Milestone(PlanRow):
    table = "milestone"
    milestone_id = col("milestone", "milestone_id")
    activity_id = col("milestone", "activity_id")
    name = col("milestone", "name")
    due = col("milestone", "due")
    achieved_on = col("milestone", "achieved_on")

    class Meta(PlanRow.Meta):
        constraints = unique("milestone", "milestone_id")


class Risk(PlanRow):
    table = "risk"
    risk_id = col("risk", "risk_id")
    title = col("risk", "title")
    category = col("risk", "category")
    workstream_id = col("risk", "workstream_id")
    likelihood = col("risk", "likelihood")
    impact = col("risk", "impact")
    owner_role = col("risk", "owner_role")
    mitigation = col("risk", "mitigation")
    residual_likelihood = col("risk", "residual_likelihood")
    residual_impact = col("risk", "residual_impact")
    status = col("risk", "status")
    review_on = col("risk", "review_on")

    class Meta(PlanRow.Meta):
        constraints = unique("risk", "risk_id")


class Governance(PlanRow):
    table = "governance"
    body = col("governance", "body")
    role_in_programme = col("governance", "role_in_programme")
    chair_role = col("governance", "chair_role")
    meets = col("governance", "meets")
    reports_to = col("governance", "reports_to")
    members = col("governance", "members")

    class Meta(PlanRow.Meta):
        constraints = unique("governance", "body")
        verbose_name = "governance body"


class Phase1Criterion(PlanRow):
    table = "phase1_criterion"
    criterion_id = col("phase1_criterion", "criterion_id")
    criterion = col("phase1_criterion", "criterion")
    status = col("phase1_criterion", "status")
    evidence = col("phase1_criterion", "evidence")
    evidence_link = col("phase1_criterion", "evidence_link")
    signed_off_by_role = col("phase1_criterion", "signed_off_by_role")

    class Meta(PlanRow.Meta):
        constraints = unique("phase1_criterion", "criterion_id", "criterion")
        verbose_name = "End of Phase 1 criterion"
        verbose_name_plural = "End of Phase 1 criteria"


class GrantLine(PlanRow):
    table = "grant_line"
    line_id = col("grant_line", "line_id")
    initiative = col("grant_line", "initiative")
    category = col("grant_line", "category")
    financial_year = col("grant_line", "financial_year")
    amount = col("grant_line", "amount")
    opportunity = col("grant_line", "opportunity")
    description = col("grant_line", "description")

    class Meta(PlanRow.Meta):
        constraints = unique("grant_line", "line_id")


class Stakeholder(PlanRow):
    table = "stakeholder"
    stakeholder_id = col("stakeholder", "stakeholder_id")
    name = col("stakeholder", "name")
    kind = col("stakeholder", "kind")
    interest = col("stakeholder", "interest")
    influence = col("stakeholder", "influence")
    engagement = col("stakeholder", "engagement")
    lead_role = col("stakeholder", "lead_role")
    channels = col("stakeholder", "channels")

    class Meta(PlanRow.Meta):
        constraints = unique("stakeholder", "stakeholder_id")


class EngagementEvent(PlanRow):
    table = "engagement_event"
    event_id = col("engagement_event", "event_id")
    stakeholder_id = col("engagement_event", "stakeholder_id")
    activity = col("engagement_event", "activity")
    purpose = col("engagement_event", "purpose")
    date = col("engagement_event", "date")
    status = col("engagement_event", "status")
    reached = col("engagement_event", "reached")

    class Meta(PlanRow.Meta):
        constraints = unique("engagement_event", "event_id")


MODELS: dict[str, type[PlanRow]] = {
    m.table: m
    for m in (
        Workstream, Activity, Milestone, Risk, Governance, Phase1Criterion, GrantLine,
        Stakeholder, EngagementEvent,
    )
}  # fmt: skip
TITLES = {
    "workstream": "Workstreams",
    "activity": "Activities",
    "milestone": "Milestones",
    "risk": "Risk register",
    "governance": "Governance bodies",
    "phase1_criterion": "End of Phase 1 criteria",
    "grant_line": "Grant lines",
    "stakeholder": "Stakeholder map",
    "engagement_event": "Engagement plan",
}


def columns(table: str) -> list[str]:
    """The schema's columns of ``table``, in the schema's order."""
    return plan_schema().tables[table].names


class Pack(models.Model):
    """One build of the diagnostic pack: where its files are, and whether it worked."""

    BUILT, FAILED = "built", "failed"
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    built_at = models.DateTimeField()
    built_by = models.CharField(max_length=150, blank=True)
    folder = models.CharField(max_length=500)
    status = models.CharField(max_length=10, choices=[(BUILT, "Built"), (FAILED, "Failed")])
    error = models.TextField(blank=True)
    with_return = models.BooleanField(default=False)

    class Meta:
        ordering = ["-built_at", "-id"]

    def __str__(self) -> str:
        return f"pack {self.built_at:%Y-%m-%d %H:%M} ({self.status})"
