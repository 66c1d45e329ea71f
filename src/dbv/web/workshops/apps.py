from __future__ import annotations

from django.apps import AppConfig


class WorkshopsConfig(AppConfig):
    name = "dbv.web.workshops"
    label = "workshops"
