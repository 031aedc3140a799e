from django.urls import path

from . import views

urlpatterns = [
    path("attempts/", views.attempts, name="api-earning-attempts"),
    path("attempts/<int:pk>/", views.attempt_detail, name="api-earning-attempt"),
    path("attempts/<int:pk>/answers/", views.answer, name="api-earning-answer"),
    path("attempts/<int:pk>/files/", views.upload, name="api-earning-upload"),
    path("attempts/<int:pk>/evidence/<int:evidence_id>/", views.remove_evidence, name="api-earning-evidence"),
    path("attempts/<int:pk>/submit/", views.submit, name="api-earning-submit"),
    path("attempts/<int:pk>/withdraw/", views.withdraw, name="api-earning-withdraw"),
    path("recommendations/", views.recommendations, name="api-earning-recommendations"),
    path("notifications/", views.notifications, name="api-earning-notifications"),
    path("notification-preferences/", views.notification_preferences, name="api-earning-notification-preferences"),
]
