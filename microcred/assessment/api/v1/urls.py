from django.urls import path

from . import views

urlpatterns = [
    path("queue/", views.queue, name="api-assessment-queue"),
    path("next/", views.next_item, name="api-assessment-next"),
    path("items/<int:pk>/", views.item, name="api-assessment-item"),
    path("items/<int:pk>/scores/", views.scores, name="api-assessment-scores"),
    path("reliability/", views.reliability, name="api-assessment-reliability"),
]
