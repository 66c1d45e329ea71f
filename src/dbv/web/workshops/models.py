"""Data returns, case-review workshops, their sample, reviews, consensus and family voice.

Only pseudonymous IDs are kept: the data return's ``person_id`` (it has no names), and a
reviewer ID made from the user's number. Every field of the engagement tables keeps the code of
``dbv/schemas/engagement.yaml`` so that the export is in the import format.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from dbv.web.core.models import Membership, Organisation


class ReturnUpload(models.Model):
    """One upload of the council's data return (a zip of CSV files or one workbook)."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="return_uploads"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True, db_index=True)
    file_name = models.CharField(max_length=200)
    kind = models.CharField(max_length=10, help_text="zip or xlsx")
    size_bytes = models.PositiveBigIntegerField(default=0)
    sha256 = models.CharField(max_length=64)
    return_path = models.CharField(
        max_length=300, blank=True, help_text="folder of the CSV files, relative to the upload"
    )
    census_year = models.PositiveIntegerField(null=True, blank=True)
    exit_code = models.PositiveSmallIntegerField(default=2)
    validation = models.JSONField(default=dict)

    class Meta:
        ordering = ["-uploaded_at", "-id"]

    def __str__(self) -> str:
        return f"{self.file_name} ({self.uploaded_at:%Y-%m-%d})"

    @property
    def usable(self) -> bool:
        return self.exit_code < 2 and bool(self.return_path)


class Workshop(models.Model):
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="workshops"
    )
    name = models.CharField(max_length=200)
    date = models.DateField()
    created = models.DateTimeField(auto_now_add=True, db_index=True)
    upload = models.ForeignKey(
        ReturnUpload, null=True, blank=True, on_delete=models.SET_NULL, related_name="workshops"
    )
    census_year = models.PositiveIntegerField(null=True, blank=True)
    sample_size = models.PositiveIntegerField(null=True, blank=True)
    seed = models.PositiveIntegerField(null=True, blank=True)
    strata = models.CharField(max_length=100, blank=True)
    min_per_stratum = models.PositiveSmallIntegerField(default=1)
    sampled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-date", "-id"]

    def __str__(self) -> str:
        return self.name


class Case(models.Model):
    """One row of the sampling log (``case_sample``), with a pseudonymised summary."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="review_cases"
    )
    workshop = models.ForeignKey(Workshop, on_delete=models.CASCADE, related_name="cases")
    case_id = models.CharField(max_length=40)
    person_id = models.CharField(max_length=60)
    census_year = models.PositiveIntegerField()
    setting_group = models.CharField(max_length=40)
    primary_need = models.CharField(max_length=10, blank=True)
    age_band = models.CharField(max_length=20)
    tenure = models.CharField(max_length=20)
    stratum = models.CharField(max_length=120)
    stratum_size = models.PositiveIntegerField()
    selection_probability = models.FloatField(null=True, blank=True)
    hand_picked = models.BooleanField(default=False)
    seed = models.PositiveIntegerField()
    selected_on = models.DateField()
    summary = models.JSONField(default=dict)
    closed_at = models.DateTimeField(null=True, blank=True)
    shared_with = models.ManyToManyField(Membership, blank=True, related_name="shared_cases")

    class Meta:
        ordering = ["case_id"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "case_id"], name="one_case_id"),
        ]

    def __str__(self) -> str:
        return self.case_id


class Review(models.Model):
    """One reviewer's own judgement of a case (``case_review``)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="reviews")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL)
    reviewer_id = models.CharField(max_length=40)
    reviewer_role = models.CharField(max_length=40)
    review_date = models.DateField()
    ideal_outcome = models.CharField(max_length=20)
    needs_met_effectively = models.CharField(max_length=20)
    met_without_ehcp = models.CharField(max_length=20)
    different_provision = models.CharField(max_length=20)
    ideal_provision = models.CharField(max_length=40, blank=True)
    decision_point = models.CharField(max_length=40, blank=True)
    smart_goals = models.BooleanField()
    confidence = models.PositiveSmallIntegerField()
    dissent = models.BooleanField(default=False)
    submitted_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["reviewer_id"]
        constraints = [
            models.UniqueConstraint(fields=["case", "reviewer_id"], name="one_review_each"),
        ]


class ReviewReason(models.Model):
    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="reasons")
    reason = models.CharField(max_length=40)
    is_primary = models.BooleanField(default=False)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["-is_primary", "reason"]


class Consensus(models.Model):
    """The panel's agreed answers (``case_consensus``)."""

    case = models.OneToOneField(Case, on_delete=models.CASCADE, related_name="consensus")
    agreed_on = models.DateField()
    reviewers = models.PositiveSmallIntegerField()
    dissenting = models.PositiveSmallIntegerField(default=0)
    ideal_outcome = models.CharField(max_length=20)
    needs_met_effectively = models.CharField(max_length=20)
    met_without_ehcp = models.CharField(max_length=20)
    different_provision = models.CharField(max_length=20)
    ideal_provision = models.CharField(max_length=40, blank=True)
    primary_reason = models.CharField(max_length=40, blank=True)
    decision_point = models.CharField(max_length=40, blank=True)
    smart_goals = models.BooleanField()
    confidence = models.PositiveSmallIntegerField()


class Voice(models.Model):
    """A parent/carer's or young person's own view (``case_voice``)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="voices")
    voice = models.CharField(max_length=20)
    status = models.CharField(max_length=20)
    decline_reason = models.CharField(max_length=40, blank=True)
    ideal_outcome = models.CharField(max_length=20, blank=True)
    agrees_with_panel = models.CharField(max_length=20, blank=True)
    recorded_on = models.DateField()

    class Meta:
        ordering = ["voice"]
        constraints = [models.UniqueConstraint(fields=["case", "voice"], name="one_view_each")]
