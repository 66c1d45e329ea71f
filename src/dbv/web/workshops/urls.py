from __future__ import annotations

from django.urls import path

from dbv.web.workshops import views

app_name = "workshops"
urlpatterns = [
    path("", views.workshop_list, name="list"),
    path("return/", views.upload, name="upload"),
    path("return/<int:pk>/", views.upload_detail, name="upload_detail"),
    path("new/", views.workshop_new, name="new"),
    path("my-cases/", views.my_cases, name="my_cases"),
    path("<int:pk>/", views.workshop_detail, name="detail"),
    path("<int:pk>/sample/", views.workshop_sample, name="sample"),
    path("<int:pk>/hand-pick/", views.workshop_hand_pick, name="hand_pick"),
    path("<int:pk>/results/", views.workshop_results, name="results"),
    path("case/<int:pk>/", views.case_detail, name="case"),
    path("case/<int:pk>/review/", views.case_review, name="review"),
    path("case/<int:pk>/consensus/", views.case_consensus, name="consensus"),
    path("case/<int:pk>/voice/", views.case_voice, name="voice"),
    path("case/<int:pk>/share/", views.case_share, name="share"),
    path("case/<int:pk>/close/", views.case_close, name="close"),
]
