from pathlib import Path

from django.conf import settings
from django.db import connection
from django.http import FileResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from . import help as help_sections


@require_GET
@never_cache
def healthz(request):
    """200 when the app and its database answer; 503 otherwise."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # any database failure means unhealthy, with the reason
        return JsonResponse({"status": "unavailable", "database": str(exc.__class__.__name__)}, status=503)
    return JsonResponse({"status": "ok", "database": connection.vendor})


def page_not_found(request, exception=None):
    return render(request, "core/error.html", {"title": _("Not found"), "message": _("We could not find that page, or you do not have access to it.")}, status=404)


def server_error(request):
    return render(request, "core/error.html", {"title": _("Something went wrong"), "message": _("The error has been logged. Nothing you had already saved was lost; please try again.")}, status=500)


def permission_denied(request, exception=None):
    return render(request, "core/error.html", {"title": _("Not allowed"), "message": str(exception or "") or _("You do not have permission to do that.")}, status=403)


def bad_request(request, exception=None):
    return render(request, "core/error.html", {"title": _("Bad request"), "message": _("The request could not be understood.")}, status=400)

FAVICON = Path(__file__).resolve().parent / "static" / "microcred" / "favicon.ico"


@require_GET
def favicon(request):
    """Browsers ask for /favicon.ico whatever the page says; answer with the site's icon (cached for a day)."""
    response = FileResponse(open(FAVICON, "rb"), content_type="image/x-icon")
    response["Cache-Control"] = "public, max-age=86400"
    return response


@require_GET
def help_page(request):
    """Help for the roles this person holds: what to do next, whom to contact, what turnaround to expect."""
    sections = help_sections.sections_for(request.user)
    return render(request, "core/help.html", {"sections": sections,
                                              "support_email": settings.MICROCRED_SUPPORT_EMAIL})
