from __future__ import annotations

from django.urls import path

from dbv.web.surveys import views

app_name = "surveys"
urlpatterns = [
    path("", views.survey_list, name="list"),
    path("new/", views.create, name="create"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/links/", views.issue, name="issue"),
    path("<int:pk>/links.csv", views.links_csv, name="links_csv"),
    path("<int:pk>/close/", views.close, name="close"),
    path("<int:pk>/import/", views.import_view, name="import"),
    path("<int:pk>/export/", views.export, name="export"),
    path("<int:pk>/results/", views.results_view, name="results"),
]
