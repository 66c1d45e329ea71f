from __future__ import annotations

from django.urls import path

from dbv.web.surveys import views

app_name = "surveys"
urlpatterns = [path("", views.survey_list, name="list")]
