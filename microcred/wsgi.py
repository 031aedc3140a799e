import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "microcred.settings.production")
application = get_wsgi_application()

# gunicorn runs no system checks: refuse to serve under a site URL the issued credentials do not carry.
from microcred.credentials.site import ensure_site_url_matches  # noqa: E402

ensure_site_url_matches()

# Views loaded and what is loaded kept out of the garbage collector's full sweeps (decision 0054).
from microcred.core.serving import ready_to_serve  # noqa: E402

ready_to_serve()
