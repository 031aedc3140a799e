from django.urls import path
from oauth2_provider import views as oauth_views

from . import api, oauth, views

app_name = "interop"

urlpatterns = [
    # Open Badges 3.0 API (1EdTech): discovery is public; the rest need a bearer token with the operation's scope.
    path("ims/ob/v3p0/discovery", views.discovery, name="discovery"),
    path("ims/ob/v3p0/credentials", api.CredentialsView.as_view(), name="ob-credentials"),
    path("ims/ob/v3p0/profile", api.ProfileView.as_view(), name="ob-profile"),
    # OAuth 2.0 authorization server (django-oauth-toolkit): registration (RFC 7591), consent, token, revocation.
    path("oauth/register", views.register, name="register"),
    path("oauth/authorize", oauth.ConsentView.as_view(), name="authorize"),
    path("oauth/token", oauth_views.TokenView.as_view(), name="token"),
    path("oauth/revoke", oauth_views.RevokeTokenView.as_view(), name="revoke"),
    # Integration keys (LTI tool keys, webhook signing): the public JWKS. LTI will also publish it at /lti/jwks.
    path("interop/jwks.json", views.jwks, name="jwks"),
    # The earner's view of it.
    path("connected-apps/", views.connected_apps, name="connected_apps"),
    path("connected-apps/<int:application_id>/revoke", views.revoke_access, name="revoke_access"),
]
