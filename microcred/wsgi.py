import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "microcred.settings.production")
application = get_wsgi_application()

# gunicorn runs no system checks: refuse to serve under a site URL the issued credentials do not carry.
from microcred.credentials.site import ensure_site_url_matches  # noqa: E402

ensure_site_url_matches()
