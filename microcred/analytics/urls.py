from django.urls import path

from . import views

app_name = "analytics"
urlpatterns = [
    path("", views.index, name="index"),
    path("schools/", views.schools, name="schools"),
    path("me/", views.me, name="me"),
    path("research/", views.research, name="research"),
    path("expertise/", views.expertise, name="expertise"),
    path("research/<uuid:export_id>/download/", views.research_download, name="research_download"),
    path("impact/", views.impact, name="impact"),
    path("snapshots/<int:snapshot_id>/progress/", views.snapshot_progress, name="snapshot_progress"),
    path("platform/", views.dashboard, name="platform"),
    path("platform/demand/", views.dashboard, {"section": "demand"}, name="platform_demand"),
    path("platform/refresh/", views.refresh, name="platform_refresh"),
    path("platform/<slug:table>.csv", views.dashboard_csv, name="platform_csv"),
    path("<str:kind>/<slug:slug>/", views.dashboard, name="dashboard"),
    path("<str:kind>/<slug:slug>/demand/", views.dashboard, {"section": "demand"}, name="dashboard_demand"),
    path("<str:kind>/<slug:slug>/refresh/", views.refresh, name="dashboard_refresh"),
    path("<str:kind>/<slug:slug>/<slug:table>.csv", views.dashboard_csv, name="dashboard_csv"),
]
