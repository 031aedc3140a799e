"""System check: refuse to run under a site URL other than the one the credentials were issued under."""
from django.core.checks import Error, register

from . import site


@register("microcred")
def site_url_matches_issued_credentials(app_configs=None, **kwargs):
    try:
        site.ensure_site_url_matches()
    except site.SiteUrlMismatch as mismatch:
        return [Error(str(mismatch), id="microcred.E001")]
    return []
