from __future__ import annotations

from django.urls import path

from dbv.web.planning import views

app_name = "planning"
urlpatterns = [
    path("", views.plan_home, name="home"),
    path("gantt/", views.gantt_view, name="gantt"),
    path("risks/", views.risks_view, name="risks"),
    path("governance/", views.governance_view, name="governance"),
    path("checklist/", views.checklist_view, name="checklist"),
    path("grant/", views.grant_view, name="grant"),
    path("import/", views.import_view, name="import"),
    path("export/", views.export_view, name="export"),
    path("pack/", views.pack_view, name="pack"),
    path("pack/<int:pk>/<slug:kind>/", views.pack_download, name="pack_file"),
    path("t/<slug:table>/", views.table_list, name="table"),
    path("t/<slug:table>/add/", views.edit_row, name="add"),
    path("t/<slug:table>/<int:pk>/edit/", views.edit_row, name="edit"),
    path("t/<slug:table>/<int:pk>/delete/", views.delete_row, name="delete"),
]
