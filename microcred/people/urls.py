from django.urls import path

from . import views

app_name = "people"
urlpatterns = [
    path("", views.search, name="search"),
    path("<int:pk>/", views.person, name="person"),
    path("<int:pk>/roles/", views.roles, name="roles"),
    path("<int:pk>/coaches/", views.coaches, name="coaches"),
    path("<int:pk>/cohorts/", views.cohorts, name="cohorts"),
    path("<int:pk>/deactivate/", views.deactivate, name="deactivate"),
    path("<int:pk>/reactivate/", views.reactivate, name="reactivate"),
]
