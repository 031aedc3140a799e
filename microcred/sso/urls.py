from django.urls import path

from . import views

app_name = "sso"
urlpatterns = [
    path("", views.find, name="find"),
    path("logout/", views.logout, name="logout"),
    path("providers/", views.index, name="index"),
    path("providers/new/", views.create, name="create"),
    path("providers/<int:pk>/", views.provider_detail, name="provider"),
    path("providers/<int:pk>/edit/", views.edit, name="edit"),
    path("providers/<int:pk>/test/", views.test, name="test"),
    path("providers/<int:pk>/enabled/", views.toggle, name="toggle"),
    path("<slug:slug>/login/", views.login, name="login"),
    path("<slug:slug>/callback/", views.oidc_callback, name="oidc_callback"),
    path("<slug:slug>/saml/acs/", views.saml_acs, name="saml_acs"),
    path("<slug:slug>/saml/metadata/", views.saml_metadata, name="saml_metadata"),
]
