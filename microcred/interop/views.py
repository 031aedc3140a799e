"""Service discovery, client registration (JSON, for clients) and the connected-apps page (HTML, for earners)."""
from __future__ import annotations

import io

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST
from rest_framework import exceptions

from microcred.core.api import SafeJSONParser

from microcred.accounts import policy

from . import keys, ob3, selectors, services
from .oauth import SCOPE_LABELS
from .registration import MAX_BODY_BYTES, RegistrationError


def _absolute(name: str) -> str:
    return f"{settings.SITE_URL.rstrip('/')}{reverse(name)}"


@require_GET
def jwks(request):
    """GET /interop/jwks.json: the public keys of the platform's integrations (active and replaced-but-published),
    for LTI platforms and webhook receivers to verify what we sign. Public; never a private member."""
    response = JsonResponse(keys.jwks(), json_dumps_params={"indent": 2})
    # Short: a rotation must reach verifiers well before the replaced key is retired.
    response["Cache-Control"] = "public, max-age=300"
    return response


@require_GET
def discovery(request):
    """GET /ims/ob/v3p0/discovery: the Service Description Document. Never protected (OB 3.0 §7.3.1.1)."""
    site = settings.SITE_URL.rstrip("/")
    document = ob3.service_description(
        site_url=site, title=settings.MICROCRED_OB_API_TITLE, version="1.0",
        terms_url=settings.MICROCRED_TERMS_URL or f"{site}/", privacy_url=settings.MICROCRED_PRIVACY_URL or f"{site}/",
        registration_url=_absolute("interop:register"), authorization_url=_absolute("interop:authorize"),
        token_url=_absolute("interop:token"))
    response = JsonResponse(document, json_dumps_params={"indent": 2})
    response["Cache-Control"] = "public, max-age=3600"
    response["Access-Control-Allow-Origin"] = "*"
    return response


def _registration_error(error: str, description: str, status: int = 400) -> JsonResponse:
    response = JsonResponse({"error": error, "error_description": description}, status=status)
    response["Cache-Control"] = "no-store"
    return response


@csrf_exempt  # clients register from their servers with a JSON body and no cookies (RFC 7591, no initial token)
@require_POST
def register(request):
    """POST the client metadata (RFC 7591 as OB 3.0 §7.3.1.2 profiles it); 201 with client_id and client_secret."""
    try:
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        declared = 0
    if declared > MAX_BODY_BYTES:
        return _registration_error("invalid_client_metadata", f"the body is larger than {MAX_BODY_BYTES} bytes", 413)
    if (request.content_type or "").lower() != "application/json":
        return _registration_error("invalid_client_metadata", "send the metadata as application/json")
    body = request.body
    if len(body) > MAX_BODY_BYTES:
        return _registration_error("invalid_client_metadata", f"the body is larger than {MAX_BODY_BYTES} bytes", 413)
    try:
        data = SafeJSONParser().parse(io.BytesIO(body))
        registration, secret = services.register_client(metadata=data)
    except exceptions.APIException as error:
        return _registration_error("invalid_client_metadata", f"the body is not valid JSON: {error.detail}")
    except RegistrationError as error:
        return _registration_error(error.error, error.description)
    response = JsonResponse(services.registration_response(registration, secret), status=201)
    response["Cache-Control"] = "no-store"
    response["Pragma"] = "no-cache"
    return response


@login_required
@require_GET
def connected_apps(request):
    """The apps this person allowed to use the Open Badges API for them, with what each may do."""
    if not policy.can_see_connected_apps(request.user):
        raise Http404
    apps = selectors.connected_apps(request.user)
    for app in apps:
        app.scope_labels = [SCOPE_LABELS.get(scope, scope) for scope in app.scopes]
    return render(request, "interop/connected_apps.html", {"apps": apps})


@login_required
@require_POST
def revoke_access(request, application_id):
    """End the access this person gave one app; other people's access to it is untouched."""
    ended = services.revoke_client_access(user=request.user, application_id=application_id)
    if ended:
        messages.success(request, _("Access revoked. The app can no longer use your credentials or profile."))
    else:
        messages.info(request, _("That app had no access to revoke."))
    return redirect("interop:connected_apps")


# --- CASE framework import page (docs/competency-frameworks.md) ----------------------------------------------------

@login_required
def case_import(request):
    """GET: the form and the latest imports; POST: record an upload or address and import it in the background."""
    from django.core.exceptions import PermissionDenied, ValidationError

    from . import case_import as importer, tasks

    if not policy.can_use_case_import_page(request.user):
        raise Http404
    error, url, status = "", "", 200
    if request.method == "POST":
        url = request.POST.get("url", "")[:600]
        try:
            run = importer.request_import(by=request.user, upload=request.FILES.get("package"), url=url)
        except ValidationError as problem:
            error, status = " ".join(problem.messages), 400
        except PermissionDenied:
            raise Http404
        else:
            tasks.import_case_framework_soon(run.pk)
            messages.success(request, _("The framework is being imported; its result shows below."))
            return redirect("interop:case_import_run", pk=run.pk)
    elif request.method != "GET":
        from django.http import HttpResponseNotAllowed

        return HttpResponseNotAllowed(["GET", "POST"])
    return render(request, "interop/case_import.html", {
        "runs": selectors.case_import_runs(request.user), "error": error, "url": url,
        "online": settings.MICROCRED_CASE_ONLINE, "max_mb": settings.MICROCRED_CASE_MAX_BYTES // (1024 * 1024)},
        status=status)


@login_required
@require_GET
def case_import_run(request, pk):
    from django.shortcuts import get_object_or_404

    from .models import CaseImportRun

    if not policy.can_use_case_import_page(request.user):
        raise Http404
    run = get_object_or_404(CaseImportRun.objects.select_related("requested_by").defer("package"), pk=pk)
    return render(request, "interop/case_import_run.html", {"run": run})
