from django.urls import path

from . import views

app_name = "credentials"

urlpatterns = [
    path("issuers/<slug:slug>", views.issuer, name="issuer"),
    path("issuers/<slug:slug>/", views.issuer),
    path("issuers/<slug:slug>/did.json", views.did, name="did"),
    path("issuers/<slug:slug>/keys/<uuid:key_id>", views.key, name="key"),
    path("status/<slug:slug>/<str:purpose>/<int:list_id>", views.status_list, name="status_list"),
    path("credentials/verify", views.verify, name="verify"),
    path("credentials/mine/", views.mine, name="mine"),
    path("credentials/mine/clr", views.my_clr, name="clr"),
    path("credentials/import/", views.import_credential, name="import"),
    path("credentials/<uuid:credential_id>", views.credential, name="credential"),
    path("credentials/<uuid:credential_id>/revoke", views.revoke, name="revoke"),
    path("credentials/<uuid:credential_id>/visibility", views.set_visibility, name="visibility"),
]
