from django.urls import path
from oauth2_provider import views as oauth_views

from . import api, oauth, views
from .feeds import views as feed_views
from .webhooks import views as webhook_views
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
    # Names and Role Provisioning: enroll an LMS course's teachers as a cohort (people admins of its organization).
    path("lti/courses/", lti.courses, name="lti_courses"),
    path("lti/courses/<int:pk>/", lti.course, name="lti_course"),
    path("lti/courses/<int:pk>/sync/", lti.course_sync, name="lti_course_sync"),
    # CASE framework import from the web (docs/competency-frameworks.md).
    path("interop/case-import/", views.case_import, name="case_import"),
    path("interop/case-import/<int:pk>/", views.case_import_run, name="case_import_run"),
    # The earner's view of it.
    path("connected-apps/", views.connected_apps, name="connected_apps"),
    path("connected-apps/<int:application_id>/revoke", views.revoke_access, name="revoke_access"),
    # Outbound webhooks (docs/webhooks.md): organization admins' subscriptions and their delivery log.
    path("interop/webhooks/", webhook_views.index, name="webhooks"),
    path("interop/webhooks/new/", webhook_views.create, name="webhook_create"),
    path("interop/webhooks/<int:pk>/", webhook_views.detail, name="webhook"),
    path("interop/webhooks/<int:pk>/edit/", webhook_views.edit, name="webhook_edit"),
    path("interop/webhooks/<int:pk>/state/", webhook_views.change_state, name="webhook_state"),
    path("interop/webhooks/<int:pk>/secret/", webhook_views.rotate_secret, name="webhook_secret"),
    path("interop/webhooks/<int:pk>/test/", webhook_views.send_test, name="webhook_test"),
    path("interop/webhooks/deliveries/<int:pk>/replay/", webhook_views.replay, name="webhook_replay"),
    # Licensure feeds (docs/licensure-feeds.md): recognizer admins' scheduled exports of their awards.
    path("interop/licensure-feeds/", feed_views.index, name="feeds"),
    path("interop/licensure-feeds/new/", feed_views.create, name="feed_create"),
    path("interop/licensure-feeds/<int:pk>/", feed_views.detail, name="feed"),
    path("interop/licensure-feeds/<int:pk>/edit/", feed_views.edit, name="feed_edit"),
    path("interop/licensure-feeds/<int:pk>/send/", feed_views.send_now, name="feed_send"),
    path("interop/licensure-feeds/<int:pk>/state/", feed_views.change_state, name="feed_state"),
]
