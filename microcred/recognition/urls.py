from django.urls import path

from . import views

app_name = "recognition"
urlpatterns = [
    path("", views.worth, name="worth"),
    path("portability/", views.portability, name="portability"),
    path("manage/", views.manage, name="manage"),
    path("manage/<slug:recognizer>/new/", views.policy_new, name="policy_new"),
    path("manage/<slug:recognizer>/facts/", views.facts, name="facts"),
    path("manage/<slug:recognizer>/awards.csv", views.awards_csv, name="awards_csv"),
    path("policies/<slug:slug>/", views.policy, name="policy"),
    path("policies/<slug:slug>/v<int:version>/dry-run/", views.dry_run, name="dry_run"),
    path("policies/<slug:slug>/v<int:version>/publish/", views.publish, name="publish"),
    path("policies/<slug:slug>/qualifiers/", views.qualifiers, name="qualifiers"),
]
