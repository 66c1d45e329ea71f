from __future__ import annotations

from django.urls import path

from dbv.web.planning import views

app_name = "planning"
urlpatterns = [path("", views.plan_home, name="home")]
