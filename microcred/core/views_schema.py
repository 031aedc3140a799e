"""/api/schema/ (kept apart from core/api.py, which DRF's settings import: the schema views import DRF's views)."""
from django.conf import settings
from django.utils import translation
from drf_spectacular.views import SpectacularAPIView
from rest_framework.response import Response
from rest_framework.settings import api_settings


class SchemaView(SpectacularAPIView):
    """/api/schema/: the OpenAPI document, generated once per process, API version and language, then kept.

    It is the code's description (the same for every caller: served public), and generating it walks every API view
    (about a second); it changes only with a deployment, which starts new processes."""

    _kept: dict = {}

    def _get_schema_response(self, request):
        version = self.api_version or request.version
        if api_settings.ALLOWED_VERSIONS:  # an unversioned API: a ?version= names nothing (and keeps nothing new)
            version = version or self._get_version_parameter(request)
        key = (version, translation.get_language(), settings.ROOT_URLCONF, id(self.urlconf), self.serve_public)
        schema = self._kept.get(key)
        if schema is None:
            generator = self.generator_class(urlconf=self.urlconf, api_version=version, patterns=self.patterns)
            schema = self._kept[key] = generator.get_schema(request=request, public=self.serve_public)
        return Response(data=schema, headers={"Content-Disposition": f'inline; filename="{self._get_filename(request, version)}"'})
