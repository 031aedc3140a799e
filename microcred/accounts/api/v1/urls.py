from django.urls import path

from . import views

urlpatterns = [
    path("invitations/", views.invitations, name="api-accounts-invitations"),
    path("invitations/<int:pk>/revoke/", views.revoke, name="api-accounts-invitation-revoke"),
]
