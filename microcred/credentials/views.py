"""Published documents (issuer, keys, DID, status lists), credentials by id (JSON, JWT, PDF, verification page),
the earner's credentials, CLR and import, revocation and suspension, and the verify API. Thin."""
from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from microcred.accounts import policy
from microcred.accounts.models import Organization
from microcred.core.page_cache import anonymous_page

from . import clr, keys, presentation, selectors, services, status
from .standards import images
from .forms import ImportForm, IssuedSearchForm, KnownIssuerForm, RevokeForm, SuspendForm, UnsuspendForm, VisibilityForm
from .models import IssuedCredential, IssuerKey, KnownIssuer, StatusList
from .verify import MAX_BYTES, VERIFICATION

JSON_LD = "application/ld+json"


def _json(document: dict, *, content_type: str = "application/json", status_code: int = 200,
          indent: int | None = 2) -> JsonResponse:
    response = JsonResponse(document, status=status_code, json_dumps_params={"indent": indent, "ensure_ascii": False})
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
    """A key's document. A P-256 key is a VC-JWT ``kid``, which OB 3.0 §8.2 dereferences to a plain JWK (``kty`` at
    top level): that is the default answer; a client asking for JSON-LD (``Accept: application/ld+json``) gets
    the JsonWebKey verification method document instead. Ed25519 keys answer their Multikey document."""
    issuer_key = get_object_or_404(IssuerKey.objects.select_related("organization"), pk=key_id, organization__slug=slug)
    if issuer_key.algorithm == IssuerKey.Algorithm.P256:
        wants_ld = "ld+json" in request.headers.get("Accept", "") and request.get_preferred_type(
            ["application/jwk+json", "application/json", JSON_LD]) == JSON_LD
        if wants_ld:
            response = _json(keys.key_document(issuer_key), content_type=JSON_LD)
        elif issuer_key.revoked_at:  # a plain JWK cannot say "revoked": a revoked key is gone
            response = _json({"error": "this key was revoked; nothing it signed verifies"}, status_code=410)
        else:
            response = _json(keys.plain_jwk(issuer_key), content_type="application/jwk+json")
        response["Vary"] = "Accept"
        return response
    return _json(keys.key_document(issuer_key), content_type=JSON_LD)


@require_GET
def status_list(request, slug, purpose, list_id):
    found = get_object_or_404(StatusList.objects.select_related("organization"), organization__slug=slug,
                              purpose=purpose, list_id=list_id)
    return _json(status.status_list_credential(found), content_type="application/vc+ld+json")


JSON_TYPES = ["application/vc+ld+json", "application/ld+json", "application/json"]


def _wants_html(request) -> bool:
    """HTML only when the client prefers it (browsers); no Accept header, or */*, keeps the JSON answer."""
    if "text/html" not in request.headers.get("Accept", ""):
        return False
    return request.get_preferred_type([*JSON_TYPES, "text/html"]) == "text/html"


BAKED_FORMATS = {
    "baked-png": lambda found: (selectors.baked_png(found), "image/png"),
    "baked-svg": lambda found: (selectors.baked_svg(found), "image/svg+xml"),
}


@require_GET
def badge_image(request, slug, number, ext):
    """A micro-credential version's badge image (SVG or PNG), at the address its credentials name."""
    if ext not in ("svg", "png"):
        raise Http404("Badge images are .svg or .png.")
    version = selectors.badge_version(slug, number)
    if version is None:
        raise Http404("No such badge.")
    if ext == "svg":
        response = HttpResponse(selectors.badge_svg(version), content_type="image/svg+xml")
        response["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'"
    else:
        response = HttpResponse(selectors.badge_png(version), content_type="image/png")
    response["Cache-Control"] = "public, max-age=86400"
    response["Access-Control-Allow-Origin"] = "*"  # shown by wallets and verifiers anywhere
    return response


@require_GET
def credential(request, credential_id):
    """The credential's URL: JSON exactly as issued, VC-JWT, PDF certificate, or the public verification page."""
    wanted = request.GET.get("format", "")
    if not wanted and _wants_html(request):
        # The same for every anonymous visitor: cached whole, retired by any change verification reads (a
        # revocation, suspension, visibility change, key change) and never kept past validUntil (decision 0044).
        response = anonymous_page(request, VERIFICATION,
                                  lambda csrf_token: _credential_page(request, credential_id, csrf_token))
        response["Vary"] = "Accept, Cookie"
        return response
    found = selectors.visible_credential(credential_id, request.user)
    if found is None:
        raise Http404("No such credential.")
    if wanted == "jwt":
        response = HttpResponse(found.jwt, content_type="application/jwt")
    elif wanted == "pdf":
        report = selectors.live_verification(found)
        note = (_("verified") if report.verified
                else _("NOT verified (%(why)s)") % {"why": "; ".join(c["message"] for c in presentation.shown_checks(report.errors))})
        response = HttpResponse(presentation.certificate_pdf(found, viewer=request.user, verification=note),
                                content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="credential-{found.pk}.pdf"'
    elif wanted in BAKED_FORMATS:
        if not policy.can_download_baked_image(request.user, found):
            raise Http404("No such credential.")
        body, content_type = BAKED_FORMATS[wanted](found)
        response = HttpResponse(body, content_type=content_type)
        response["Content-Disposition"] = f'attachment; filename="credential-{found.pk}.{wanted.split("-")[1]}"'
    elif wanted == "json" or not _wants_html(request):
        response = _json(found.credential, content_type="application/vc+ld+json")
        if wanted == "json":
            response["Content-Disposition"] = f'attachment; filename="credential-{found.pk}.json"'
    else:  # an unknown format asked by a browser: the page, drawn for this request
        response = _credential_page(request, credential_id, None)
    response["Vary"] = "Accept, Cookie"
    return response


def _credential_page(request, credential_id, csrf_token: str | None):
    found = selectors.visible_credential(credential_id, request.user)
    if found is None:
        raise Http404("No such credential.")
    report = selectors.live_verification(found)
    is_earner = request.user.is_authenticated and request.user.pk == found.earner_id
    context = {
        "credential": found,
        "info": presentation.summary(found.credential),
        "earner_name": presentation.earner_name(found, request.user),
        "report": report,
        "checks": presentation.shown_checks(report.checks),
        "earner_is_name": policy.can_see_credential_earner(request.user, found),
        "is_earner": is_earner,
        "can_revoke": policy.can_revoke(request.user, found),
        "moves": services.available_moves(found),
        "qr_svg": mark_safe(presentation.qr_svg(found.credential.get("id", request.build_absolute_uri()))),  # noqa: S308 — generated by segno from our own URL
        # Only the earner adds it to their profile, and only while it is valid (not revoked, suspended or expired).
        "linkedin_url": presentation.linkedin_url(found) if is_earner and report.verified else "",
        "page_url": found.credential.get("id", ""),
        "badge_url": reverse("credentials:badge_image", args=[found.version.micro_credential.slug, found.version.number, "svg"]),
        "revoke_form": RevokeForm(),
        # Distinct element ids: up to three reason fields are on the page.
        "suspend_form": SuspendForm(auto_id="suspend_%s"),
        "unsuspend_form": UnsuspendForm(auto_id="unsuspend_%s"),
    }
    if csrf_token is not None:
        context["csrf_token"] = csrf_token
    response = render(request, "credentials/credential.html", context)
    response.keep_seconds = selectors.report_seconds(found, 60)  # an expiring credential's page is never kept past it
    return response


@login_required
@require_http_methods(["GET", "POST"])
def revoke(request, credential_id):
    """Revoke, in two steps (a revocation is final): the first shows who and what, and asks for the reason; the
    second (``confirmed=yes``, with the reason) revokes. Works without JavaScript."""
    found = get_object_or_404(IssuedCredential.objects.select_related("issuer", "earner", "version__micro_credential"),
                              pk=credential_id)
    if not policy.can_revoke(request.user, found):
        raise PermissionDenied(_("Only issuer admins of the issuing organization may revoke this credential."))
    if not services.available_moves(found)["revoke"]:
        messages.info(request, _("This credential is already revoked."))
        return redirect(found_url(found))
    form = RevokeForm(request.POST if request.method == "POST" else None)
    if request.method == "GET" or not form.is_valid() or form.cleaned_data.get("confirmed") != "yes":
        if form.is_bound and form.is_valid():  # the reason is given: the same form again, now to confirm
            form = RevokeForm(initial={"reason": form.cleaned_data["reason"], "confirmed": "yes"})
        return render(request, "credentials/revoke_confirm.html", {
            "credential": found, "form": form, "earner_name": presentation.earner_name(found, request.user),
            "back": request.POST.get("back") or request.GET.get("back") or "",
            "confirming": form.initial.get("confirmed") == "yes"}, status=400 if form.is_bound and form.errors else 200)
    try:
        services.revoke(found, by=request.user, reason=form.cleaned_data["reason"])
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(found_url(found))
    messages.success(request, _("The credential is revoked. Verifiers will now see it as revoked."))
    back = request.POST.get("back", "")
    return redirect(back if back == reverse("credentials:issued") or back.startswith(reverse("credentials:issued") + "?")
                    else found_url(found))


def _change_status(request, credential_id, *, form_class, service, missing_reason: str, done: str):
    """Suspend or lift a suspension from the credential page: issuer admins only, with a reason."""
    found = get_object_or_404(IssuedCredential.objects.select_related("issuer"), pk=credential_id)
    if not policy.can_revoke(request.user, found):
        raise PermissionDenied(_("Only issuer admins of the issuing organization may change this credential's status."))
    form = form_class(request.POST)
    if not form.is_valid():
        messages.error(request, missing_reason)
        return redirect(found_url(found))
    try:
        service(found, by=request.user, reason=form.cleaned_data["reason"])
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(found_url(found))
    messages.success(request, done)
    return redirect(found_url(found))


@login_required
@require_POST
def suspend(request, credential_id):
    return _change_status(request, credential_id, form_class=SuspendForm, service=services.suspend,
                          missing_reason=_("Say why the credential is suspended; the earner will see it."),
                          done=_("The credential is suspended. Verifiers will see it as suspended until you lift it."))


@login_required
@require_POST
def unsuspend(request, credential_id):
    return _change_status(request, credential_id, form_class=UnsuspendForm, service=services.unsuspend,
                          missing_reason=_("Say why the suspension is lifted."),
                          done=_("The suspension is lifted. The credential verifies again."))


def found_url(found) -> str:
    return reverse("credentials:credential", args=[found.pk])


@login_required
@require_GET
def mine(request):
    issued = selectors.credentials_for_earner(request.user).select_related("version__micro_credential")
    rows = [{"credential": c, "form": VisibilityForm(initial={"visibility": c.visibility}, prefix=str(c.pk),
                                                     title=c.version.title)} for c in issued]
    external = list(selectors.external_credentials_for_earner(request.user))
    for imported in external:
        imported.shown_checks = presentation.shown_checks((imported.verification or {}).get("checks"))
    return render(request, "credentials/mine.html", {"rows": rows, "external": external})


@login_required
@require_POST
def set_visibility(request, credential_id):
    found = get_object_or_404(IssuedCredential, pk=credential_id)
    if found.earner_id != request.user.pk:
        raise PermissionDenied(_("Only the earner may change who sees this credential."))
    form = VisibilityForm(request.POST, prefix=str(found.pk))
    if not form.is_valid():
        messages.error(request, _("Choose private, link or public."))
        return redirect("credentials:mine")
    services.set_visibility(found, by=request.user, visibility=form.cleaned_data["visibility"])
    messages.success(request, _("“%(title)s” is now: %(visibility)s.") % {
        "title": found.version.title, "visibility": found.get_visibility_display()})
    return redirect("credentials:mine")


@login_required
@require_GET
def my_clr(request):
    document = clr.signed_clr(request.user)
    response = _json(document, content_type="application/vc+ld+json")
    response["Content-Disposition"] = 'attachment; filename="comprehensive-learner-record.json"'
    del response["Access-Control-Allow-Origin"]  # the earner's own record, not a public document
    return response


@login_required
def import_credential(request):
    if request.method == "POST":
        form = ImportForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                imported = services.import_external_credential(earner=request.user, data=form.document_bytes())
            except ValidationError as error:
                form.add_error(None, error.messages[0] if error.messages else _("Not imported."))
            else:
                if not imported.issuer_known:
                    messages.warning(request, _("Imported, but not as from a known issuer: %(credential)s (%(format)s) "
                                                "comes from an issuer this platform does not know, so it does not "
                                                "count towards recognition.")
                                     % {"credential": imported, "format": imported.format_label})
                elif imported.issuer_confirmed:
                    messages.success(request, _("Imported and verified: %(credential)s (%(format)s).")
                                     % {"credential": imported, "format": imported.format_label})
                else:
                    messages.success(request, _("Imported: %(credential)s (%(format)s). Its issuer could not confirm "
                                                "it from here: see what was and was not verifiable below.")
                                     % {"credential": imported, "format": imported.format_label})
                return redirect("credentials:mine")
    else:
        form = ImportForm()
    return render(request, "credentials/import.html", {"form": form}, status=400 if form.errors else 200)


@csrf_exempt
@require_POST
def verify(request):
    """POST {"verifiableCredential": {...}} (or a raw VC-JWT, or the credential itself); answers the report as JSON.

    A body that cannot be read as a credential is a 400 (413 when over 2 MB) with the reason; never a 500. Key
    documents sent along (``key_documents`` or anything else) are ignored: whoever presents a credential cannot
    vouch for its issuer's keys. The report says separately whether the issuer is known (``issuer_known``)."""
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    if length > MAX_BYTES:  # refused before the body is read
        content, status_code = selectors.unreadable_answer(f"request body is larger than {MAX_BYTES:,} bytes (2 MB)", 413)
    else:
        content, status_code = selectors.verification_answer(request.body)
    # Compact JSON, kept whole for the same body: the endpoint machines call most (issue 18, decision 0046).
    response = HttpResponse(content, status=status_code, content_type="application/json")
    response["Access-Control-Allow-Origin"] = "*"
    return response


@login_required
def known_issuers(request):
    """The registry of external issuers known to this platform: list, register (platform/recognizer admins)."""
    if not policy.can_view_known_issuers(request.user):
        raise PermissionDenied(_("Only platform admins and recognizer admins manage known issuers."))
    form = KnownIssuerForm()
    status_code = 200
    if request.method == "POST":
        form = KnownIssuerForm(request.POST)
        if form.is_valid():
            try:
                known = services.register_known_issuer(by=request.user, **form.cleaned_data)
            except ValidationError as error:
                for field, problems in error.message_dict.items():
                    form.add_error(field if field in form.fields else None, problems)
            else:
                messages.success(request, _("Registered %(issuer)s as a known issuer.") % {"issuer": known})
                return redirect("credentials:known-issuers")
        status_code = 400
    return render(request, "credentials/known_issuers.html",
                  {"issuers": selectors.known_issuers(), "form": form}, status=status_code)


@login_required
@require_POST
def remove_known_issuer(request, pk):
    known = get_object_or_404(KnownIssuer, pk=pk)
    if not policy.can_remove_known_issuer(request.user, known):
        raise PermissionDenied(_("Only platform admins and recognizer admins manage known issuers."))
    services.remove_known_issuer(known, by=request.user)
    messages.success(request, _("%(issuer)s is no longer a known issuer.") % {"issuer": known})
    return redirect("credentials:known-issuers")


ISSUED_PAGE_SIZE = 25


@login_required
@require_GET
def issued(request):
    """The issuer admin's list of issued credentials: search by earner, micro-credential, state and date; each row
    offers what the policy allows (view; revoke and suspend for the issuer's own admins)."""
    selectors.require_issued_list(request.user)
    policy.remember(request.user)  # one membership query for every row's "may revoke?"
    form = IssuedSearchForm(request.GET or None, micro_credentials=selectors.issued_micro_credentials(request.user))
    page, query = None, ""
    if not request.GET or form.is_valid():
        data = form.cleaned_data if request.GET else {}
        try:
            found = selectors.issued_credentials(
                request.user, q=data.get("q", ""), micro_credential=data.get("micro_credential", ""),
                state=data.get("state", ""), issued_from=data.get("issued_from"), issued_to=data.get("issued_to"))
        except ValidationError as error:
            for field, problems in error.message_dict.items():
                form.add_error(field if field in form.fields else None, problems)
        else:
            page = Paginator(found, ISSUED_PAGE_SIZE).get_page(request.GET.get("page"))
            query = urlencode({k: v for k, v in request.GET.items() if k != "page" and v})
    rows = [{"credential": c, "moves": services.available_moves(c), "can_revoke": policy.can_revoke(request.user, c)}
            for c in (page or [])]
    return render(request, "credentials/issued.html", {
        "form": form, "page": page, "rows": rows, "query": query,
        "back": request.get_full_path()}, status=200 if page is not None else 400)
