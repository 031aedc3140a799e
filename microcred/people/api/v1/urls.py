from django.urls import path

from . import views

urlpatterns = [
    path("", views.people, name="api-people"),
    path("<int:pk>/", views.person, name="api-people-person"),
    path("<int:pk>/roles/", views.roles, name="api-people-roles"),
    path("<int:pk>/deactivate/", views.deactivate, name="api-people-deactivate"),
    path("<int:pk>/reactivate/", views.reactivate, name="api-people-reactivate"),
]
