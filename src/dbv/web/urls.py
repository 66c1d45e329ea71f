from __future__ import annotations

from django.urls import include, path

from dbv.web.core import views

urlpatterns = [
    path("", views.home, name="home"),
    path("sign-in/", views.login_view, name="login"),
    path("sign-out/", views.logout_view, name="logout"),
    path("o/<slug:org>/", views.dashboard, name="dashboard"),
    path("o/<slug:org>/members/", views.members, name="members"),
    path("o/<slug:org>/audit/", views.audit, name="audit"),
    path("o/<slug:org>/export/", views.export, name="export"),
    path("o/<slug:org>/delete/", views.delete_data, name="delete_data"),
    path("o/<slug:org>/workshops/", include("dbv.web.workshops.urls")),
    path("o/<slug:org>/surveys/", include("dbv.web.surveys.urls")),
    path("o/<slug:org>/plan/", include("dbv.web.planning.urls")),
    path("o/<slug:org>/shares/", include("dbv.web.sharing.urls")),
    path("i/<slug:body>/", include("dbv.web.sharing.body_urls")),
    path("s/", include("dbv.web.surveys.public_urls")),
]
