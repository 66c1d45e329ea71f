from __future__ import annotations

from django.apps import AppConfig


class PlanningConfig(AppConfig):
    name = "dbv.web.planning"
    label = "planning"
