from django.urls import path

from . import views
from .api.v1 import views as api_views

app_name = "credentials"

urlpatterns = [
    path("issuers/<slug:slug>", views.issuer, name="issuer"),
    path("issuers/<slug:slug>/", views.issuer),
    path("issuers/<slug:slug>/did.json", views.did, name="did"),
    path("issuers/<slug:slug>/keys/<uuid:key_id>", views.key, name="key"),
    path("status/<slug:slug>/<str:purpose>/<int:list_id>", views.status_list, name="status_list"),
    path("credentials/badges/<slug:slug>/v<int:number>.<str:ext>", views.badge_image, name="badge_image"),
    path("credentials/verify", views.verify, name="verify"),
    path("credentials/mine/", views.mine, name="mine"),
    path("credentials/mine/clr", views.my_clr, name="clr"),
    path("credentials/import/", views.import_credential, name="import"),
    path("credentials/issued/", views.issued, name="issued"),
    path("api/v1/credentials/issued/", api_views.issued, name="api-issued"),
    path("credentials/known-issuers/", views.known_issuers, name="known-issuers"),
    path("credentials/known-issuers/<int:pk>/remove", views.remove_known_issuer, name="known-issuer-remove"),
    path("api/v1/known-issuers/", api_views.known_issuers, name="api-known-issuers"),
    path("api/v1/known-issuers/<int:pk>/", api_views.known_issuer, name="api-known-issuer"),
    path("credentials/<uuid:credential_id>", views.credential, name="credential"),
    path("credentials/<uuid:credential_id>/revoke", views.revoke, name="revoke"),
    path("credentials/<uuid:credential_id>/suspend", views.suspend, name="suspend"),
    path("credentials/<uuid:credential_id>/unsuspend", views.unsuspend, name="unsuspend"),
    # JSON API (DRF) for issuers' integrations: the same services as the buttons on the credential page.
    path("api/v1/credentials/import/", api_views.import_credential, name="api-import"),
    path("api/v1/credentials/<uuid:credential_id>/", api_views.credential_status, name="api-credential"),
    path("api/v1/credentials/<uuid:credential_id>/<str:action>/", api_views.change_status,
         name="api-credential-status"),
    path("credentials/<uuid:credential_id>/visibility", views.set_visibility, name="visibility"),
]
