"""Surveys, their one-use links (tokens), responses and the answers, in the engagement formats.

A token is a random 32-byte URL-safe string given to one respondent; only its SHA-256 is kept.
In an anonymous survey the response keeps no link to its token, and the token keeps only the
day it was used.
"""

from __future__ import annotations

import hashlib

from django.db import models
from django.utils import timezone

from dbv.web.core.models import Organisation
from dbv.web.surveys.codes import choices


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


class Survey(models.Model):
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="surveys")
    kind = models.CharField(max_length=30, choices=choices("survey"))
    title = models.CharField(max_length=200)
    anonymous = models.BooleanField(default=True)
    opens = models.DateField(null=True, blank=True)
    closes = models.DateField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created", "-id"]

    def __str__(self) -> str:
        return self.title

    @property
    def is_open(self) -> bool:
        today = timezone.localdate()
        return (
            self.closed_at is None
            and (self.opens is None or self.opens <= today)
            and (self.closes is None or today <= self.closes)
        )

    @property
    def status(self) -> str:
        today = timezone.localdate()
        if self.closed_at is not None or (self.closes is not None and self.closes < today):
            return "closed"
        if self.opens is not None and today < self.opens:
            return "not yet open"
        return "open"


class Token(models.Model):
    """A one-use link. ``token_hash`` is the SHA-256 of the token; the token is never kept."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="tokens")
    token_hash = models.CharField(max_length=64, unique=True)
    respondent_group = models.CharField(
        max_length=30, blank=True, choices=choices("respondent_group")
    )
    respondent_org = models.CharField(max_length=30, blank=True, choices=choices("organisation"))
    created = models.DateTimeField(auto_now_add=True)
    used_on = models.DateField(null=True, blank=True)


class Response(models.Model):
    """One row of engagement/survey_response. ``token`` is null in an anonymous survey."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="survey_responses"
    )
    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="responses")
    response_id = models.CharField(max_length=40)
    respondent_group = models.CharField(max_length=30, choices=choices("respondent_group"))
    respondent_org = models.CharField(max_length=30, blank=True, choices=choices("organisation"))
    submitted_on = models.DateField()
    token = models.OneToOneField(
        Token, null=True, blank=True, on_delete=models.SET_NULL, related_name="response"
    )

    class Meta:
        ordering = ["response_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "response_id"], name="survey_response_id_unique_in_council"
            )
        ]


class AwarenessAnswer(models.Model):
    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="awareness")
    service = models.CharField(max_length=40, choices=choices("service"))
    awareness = models.CharField(max_length=20, choices=choices("awareness"))

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["response", "service"], name="awareness_once")
        ]


class LikertAnswer(models.Model):
    """``agreement`` is the engagement column ``response`` (a field cannot share the name of
    the link to its response)."""

    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="likert")
    statement = models.CharField(max_length=40, choices=choices("statement"))
    agreement = models.CharField(max_length=20, choices=choices("likert"))

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["response", "statement"], name="likert_once")
        ]


class ReadinessAnswer(models.Model):
    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="readiness")
    area = models.CharField(max_length=40, choices=choices("readiness_area"))
    rating = models.PositiveSmallIntegerField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["response", "area"], name="readiness_once")]


class PartnershipAnswer(models.Model):
    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="partnership")
    partner = models.CharField(max_length=30, choices=choices("organisation"))
    aspect = models.CharField(max_length=30, choices=choices("partnership_aspect"))
    rating = models.PositiveSmallIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["response", "partner", "aspect"], name="partnership_once"
            )
        ]
