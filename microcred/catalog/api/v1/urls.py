from django.urls import path

from . import views

urlpatterns = [
    path("catalog/", views.catalog_search, name="api-catalog-search"),
    path("micro-credentials/<slug:slug>/", views.micro_credential_detail, name="api-mc-detail"),
    path("micro-credentials/<slug:slug>/versions/<int:number>/", views.micro_credential_version, name="api-mc-version"),
    path("stacks/", views.stack_list, name="api-stack-list"),
    path("stacks/<slug:slug>/", views.stack_detail, name="api-stack-detail"),
    path("authoring/import/", views.authoring_import, name="api-authoring-import"),
    path("authoring/micro-credentials/<slug:slug>/versions/<int:number>/definition/", views.authoring_definition, name="api-authoring-definition"),
    path("authoring/micro-credentials/<slug:slug>/versions/<int:number>/transition/", views.authoring_transition, name="api-authoring-transition"),
]
