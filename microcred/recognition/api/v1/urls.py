from django.urls import path

from . import views

urlpatterns = [
    path("me/progress/", views.my_progress, name="api-recognition-progress"),
    path("me/awards/", views.my_awards, name="api-recognition-awards"),
    path("me/portability/", views.my_portability, name="api-recognition-portability"),
    path("policies/", views.policies, name="api-recognition-policies"),
    path("policies/<slug:slug>/", views.policy_detail, name="api-recognition-policy"),
    path("policies/<slug:slug>/dry-run/", views.dry_run, name="api-recognition-dry-run"),
    path("policies/<slug:slug>/publish/", views.publish, name="api-recognition-publish"),
    path("policies/<slug:slug>/qualifiers/", views.qualifiers, name="api-recognition-qualifiers"),
    path("awards/", views.awards, name="api-recognition-export"),
    path("facts/", views.facts, name="api-recognition-facts"),
]
