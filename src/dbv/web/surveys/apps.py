from __future__ import annotations

from django.apps import AppConfig


class SurveysConfig(AppConfig):
    name = "dbv.web.surveys"
    label = "surveys"
