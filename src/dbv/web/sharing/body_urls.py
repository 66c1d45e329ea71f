"""An insight body's pages: /i/<body>/."""

from __future__ import annotations

from django.urls import path

from dbv.web.sharing import views

app_name = "insight"
urlpatterns = [
    path("", views.body_home, name="home"),
    path("build/", views.body_build, name="build"),
    path("audit/", views.body_audit, name="audit"),
    path("pack/<int:pk>/<slug:kind>/", views.body_file, name="file"),
]
