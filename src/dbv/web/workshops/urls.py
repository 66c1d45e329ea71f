from __future__ import annotations

from django.urls import path

from dbv.web.workshops import views

app_name = "workshops"
urlpatterns = [path("", views.workshop_list, name="list")]
