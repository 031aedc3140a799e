from django.contrib import admin
from django.urls import include, path

from microcred.catalog import views as catalog_views
from microcred.core import views as core_views
from microcred.core.views_schema import SchemaView

urlpatterns = [
    path("", catalog_views.home, name="home"),
    path("healthz", core_views.healthz, name="healthz"),
    path("favicon.ico", core_views.favicon, name="favicon"),
    path("help/", core_views.help_page, name="help"),
    path("accounts/", include("microcred.accounts.urls")),
    path("sso/", include("microcred.sso.urls")),
    path("catalog/", include("microcred.catalog.urls")),
    path("earn/", include("microcred.earning.urls")),
    path("assess/", include("microcred.assessment.urls")),
    path("recognition/", include("microcred.recognition.urls")),
    path("rosters/", include("microcred.rosters.urls")),
    path("people/", include("microcred.people.urls")),
    path("quality/", include("microcred.quality.urls")),
    path("analytics/", include("microcred.analytics.urls")),
    path("api/schema/", SchemaView.as_view(), name="api-schema"),
    path("api/v1/", include("microcred.catalog.api.v1.urls")),
    path("api/v1/", include("microcred.quality.api.v1.urls")),
    path("api/v1/earning/", include("microcred.earning.api.v1.urls")),
    path("api/v1/assessment/", include("microcred.assessment.api.v1.urls")),
    path("api/v1/recognition/", include("microcred.recognition.api.v1.urls")),
    path("api/v1/rosters/", include("microcred.rosters.api.v1.urls")),
    path("api/v1/people/", include("microcred.people.api.v1.urls")),
    path("api/v1/analytics/", include("microcred.analytics.api.v1.urls")),
    path("api/v1/sso/", include("microcred.sso.api.v1.urls")),
    path("api/v1/accounts/", include("microcred.accounts.api.v1.urls")),
    path("api/v1/interop/", include("microcred.interop.webhooks.api.v1.urls")),
    path("", include("microcred.credentials.urls")),
    path("", include("microcred.core.urls")),
    path("", include("microcred.interop.urls")),
    path("admin/", admin.site.urls),
]

handler400 = "microcred.core.views.bad_request"
handler403 = "microcred.core.views.permission_denied"
handler404 = "microcred.core.views.page_not_found"
handler500 = "microcred.core.views.server_error"
