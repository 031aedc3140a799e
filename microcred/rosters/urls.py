from django.urls import path

from . import views

app_name = "rosters"
urlpatterns = [
    path("", views.index, name="index"),
    path("sync/", views.sync, name="sync"),
    path("runs/<int:pk>/", views.run_detail, name="run"),
    path("runs/<int:pk>/progress/", views.run_progress, name="progress"),
    path("runs/<int:pk>/problems.csv", views.problems_csv, name="problems_csv"),
]
