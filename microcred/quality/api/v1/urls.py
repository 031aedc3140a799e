from django.urls import path

from . import views

urlpatterns = [
    path("micro-credentials/<slug:slug>/quality/", views.quality_record, name="api-mc-quality"),
    path("quality/framework/", views.framework, name="api-quality-framework"),
    path("quality/micro-credentials/<slug:slug>/versions/<int:number>/checks/", views.version_checks, name="api-quality-checks"),
    path("quality/micro-credentials/<slug:slug>/versions/<int:number>/pilot/", views.pilot, name="api-quality-pilot"),
    path("quality/micro-credentials/<slug:slug>/versions/<int:number>/pilot/close/", views.close_pilot, name="api-quality-pilot-close"),
    path("quality/reviews/", views.submit, name="api-quality-submit"),
    path("quality/reviews/<int:pk>/", views.review, name="api-quality-review"),
    path("quality/reviews/<int:pk>/ratings/", views.rate, name="api-quality-rate"),
    path("quality/reviews/<int:pk>/decision/", views.decide, name="api-quality-decide"),
]
