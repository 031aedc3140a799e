"""Published documents (issuer, keys, DID, status lists), credentials by id, and the verify API. Thin."""
from __future__ import annotations

from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from microcred.accounts.models import Organization

from . import keys, selectors, status
from .models import IssuerKey, StatusList
from .verify import MAX_BYTES, parse_input, verify_credential

JSON_LD = "application/ld+json"


def _json(document: dict, *, content_type: str = "application/json", status_code: int = 200) -> JsonResponse:
    response = JsonResponse(document, status=status_code, json_dumps_params={"indent": 2, "ensure_ascii": False})
    response["Content-Type"] = content_type
    response["Access-Control-Allow-Origin"] = "*"  # public documents, read by verifiers anywhere
    return response


@require_GET
def issuer(request, slug):
    return _json(keys.controller_document(get_object_or_404(Organization, slug=slug)), content_type=JSON_LD)


@require_GET
def did(request, slug):
    return _json(keys.did_document(get_object_or_404(Organization, slug=slug)), content_type="application/did+ld+json")


@require_GET
def key(request, slug, key_id):
    issuer_key = get_object_or_404(IssuerKey.objects.select_related("organization"), pk=key_id, organization__slug=slug)
    return _json(keys.key_document(issuer_key), content_type=JSON_LD)


@require_GET
def status_list(request, slug, purpose, list_id):
    found = get_object_or_404(StatusList.objects.select_related("organization"), organization__slug=slug,
                              purpose=purpose, list_id=list_id)
    return _json(status.status_list_credential(found), content_type="application/vc+ld+json")


@require_GET
def credential(request, credential_id):
    found = selectors.visible_credential(credential_id, request.user)
    if found is None:
        raise Http404("No such credential.")
    return _json(found.credential, content_type="application/vc+ld+json")


def _parse_failure(message: str, status_code: int) -> JsonResponse:
    return _json({"verified": False, "format": "unknown",
                  "checks": [{"check": "parse", "status": "failed", "message": message}],
                  "warnings": [], "errors": [{"check": "parse", "message": message}]}, status_code=status_code)


@csrf_exempt
@require_POST
def verify(request):
    """POST {"verifiableCredential": {...}} (or a raw VC-JWT, or the credential itself); answers the report as JSON.

    A body that cannot be read as a credential is a 400 (413 when over 2 MB) with the reason; never a 500."""
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    if length > MAX_BYTES:
        return _parse_failure(f"request body is larger than {MAX_BYTES:,} bytes (2 MB)", 413)
    try:
        kind, value = parse_input(request.body)
    except ValueError as error:
        return _parse_failure(str(error), 413 if "limit" in str(error) else 400)
    if kind == "json" and "verifiableCredential" in value:
        value = value["verifiableCredential"]
        if isinstance(value, str):
            value = value.strip()
    report = verify_credential(value)
    return _json(report.as_dict(), status_code=200 if report.get("parse").ok else 400)
