from django.urls import path

from . import views

urlpatterns = [
    path("runs/", views.runs, name="api-rosters-runs"),
    path("runs/<int:pk>/", views.run_detail, name="api-rosters-run"),
]
