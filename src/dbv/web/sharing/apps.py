from __future__ import annotations

from django.apps import AppConfig


class SharingConfig(AppConfig):
    name = "dbv.web.sharing"
    label = "sharing"
    verbose_name = "Insight sharing"
