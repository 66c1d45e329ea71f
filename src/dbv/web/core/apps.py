from __future__ import annotations

from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "dbv.web.core"
    label = "core"
    verbose_name = "Councils, roles and audit"
