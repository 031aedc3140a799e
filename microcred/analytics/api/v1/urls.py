from django.urls import path

from . import views

urlpatterns = [
    path("", views.dashboards, name="api-analytics-dashboards"),
    path("platform/", views.platform, name="api-analytics-platform"),
    path("<str:kind>/<slug:slug>/", views.dashboard, name="api-analytics-dashboard"),
]
