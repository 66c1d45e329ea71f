"""The council's side: /o/<org>/shares/."""

from __future__ import annotations

from django.urls import path

from dbv.web.sharing import views

app_name = "sharing"
urlpatterns = [
    path("", views.share_list, name="list"),
    path("pack/<int:pk>/", views.share_pack, name="share"),
    path("<int:pk>/withdraw/", views.withdraw, name="withdraw"),
]
