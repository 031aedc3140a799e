from django.urls import path

from . import views

urlpatterns = [
    path("webhooks/", views.subscriptions, name="api-interop-webhooks"),
    path("webhooks/<int:pk>/", views.subscription, name="api-interop-webhook"),
    path("webhooks/<int:pk>/disable/", views.disable, name="api-interop-webhook-disable"),
    path("webhooks/<int:pk>/enable/", views.enable, name="api-interop-webhook-enable"),
    path("webhooks/<int:pk>/deliveries/", views.deliveries, name="api-interop-webhook-deliveries"),
    path("deliveries/<int:pk>/replay/", views.replay, name="api-interop-webhook-replay"),
]
