from django.urls import path
from oauth2_provider import views as oauth_views

from . import api, oauth, views
from .lti import views as lti

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
    # LTI 1.3 tool (docs/lti.md). /lti/jwks and /lti/config.json are an interface LMSs rely on: never rename them.
    path("lti/jwks", lti.jwks, name="lti_jwks"),
    path("lti/config.json", lti.config, name="lti_config"),
    path("lti/login", lti.login, name="lti_login"),
    path("lti/launch", lti.launch, name="lti_launch"),
    path("lti/deep-link", lti.deep_link, name="lti_deep_link"),
    path("lti/platforms/", lti.platforms, name="lti_platforms"),
    path("lti/platforms/new/", lti.platform_edit, name="lti_platform_new"),
    path("lti/platforms/<int:pk>/", lti.platform_edit, name="lti_platform_edit"),
    # The earner's view of it.
    path("connected-apps/", views.connected_apps, name="connected_apps"),
    path("connected-apps/<int:application_id>/revoke", views.revoke_access, name="revoke_access"),
]
