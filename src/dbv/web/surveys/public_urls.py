"""Survey links for respondents: /s/<token>/ (no sign-in)."""

from __future__ import annotations

from django.urls import path

from dbv.web.surveys import views

app_name = "respond"
urlpatterns = [
    path("thank-you/", views.thanks, name="thanks"),
    path("<slug:token>/", views.answer, name="answer"),
]
