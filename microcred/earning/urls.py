from django.urls import path

from . import views, views_files, views_plans

app_name = "earning"
urlpatterns = [
    path("", views.home, name="home"),
    path("earned/", views.earned, name="earned"),
    path("start/<slug:slug>/", views.start, name="start"),
    path("attempts/<int:pk>/", views.attempt, name="attempt"),
    path("attempts/<int:pk>/answer/<int:prompt_id>/", views.save_answer, name="save_answer"),
    path("attempts/<int:pk>/upload/<int:prompt_id>/", views.upload, name="upload"),
    path("attempts/<int:pk>/evidence/<int:evidence_id>/remove/", views.remove_evidence, name="remove_evidence"),
    path("attempts/<int:pk>/evidence/<int:evidence_id>/public/", views.evidence_public, name="evidence_public"),
    path("attempts/<int:pk>/<str:action>/", views.attempt_action, name="attempt_action"),
    path("files/<uuid:file_id>/", views_files.download_evidence, name="evidence_file"),
    path("coaching/", views.coaching, name="coaching"),
    path("notifications/", views.notifications, name="notifications"),
    path("notifications/preferences/", views.notification_preferences, name="notification_preferences"),
    path("plan/", views_plans.my_plan, name="plan"),
    path("plan/<int:earner_id>/", views_plans.plan_for_earner, name="plan_for_earner"),
    path("priorities/", views_plans.priorities, name="priorities"),
    path("sponsorship/", views_plans.sponsorship, name="sponsorship"),
    path("sponsorship/fees.csv", views_plans.fees_csv, name="fees_csv"),
]
