"""The LTI 1.3 tool's endpoints (docs/lti.md). Thin: parse the request, call ``lti.services``, answer.

Only these views are framed by an LMS and reached by its cross-site form posts, so only they widen the site's
headers: ``frame-ancestors`` to the launching platform's origins (no X-Frame-Options) and the cookies they set
(the login state; the session a launch opens) ``SameSite=None; Secure``. Every other page keeps the site's."""
from __future__ import annotations

import functools
from urllib.parse import urlsplit

from django.conf import settings
from django.core import signing
from django.contrib.auth import login as auth_login
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from microcred.accounts import policy
from microcred.catalog import selectors as catalog
from microcred.core.middleware import DEFAULT_CONTENT_SECURITY_POLICY

from .. import keys
from ..models import LtiPlatform
from . import forms, messages as m, roster, services

STATE_COOKIE = "microcred_lti_state"
PICKER_SALT = "microcred.interop.lti.deep-linking"
PICKER_SECONDS = 3600
BACKEND = "django.contrib.auth.backends.ModelBackend"


def _absolute(name: str) -> str:
    return f"{settings.SITE_URL.rstrip('/')}{reverse(name)}"


def _origin(url: str) -> str:
    parts = urlsplit(url or "")
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme in ("http", "https") and parts.netloc else ""


def framed_by(platform: LtiPlatform | None, *, form_action: str = "") -> str:
    """The site's Content-Security-Policy with ``frame-ancestors`` opened to the platform's origins (its issuer and
    its authorization endpoint: an LMS's pages are on one of them) and ``form-action`` to ``form_action``'s origin."""
    policy_text = getattr(settings, "MICROCRED_CONTENT_SECURITY_POLICY", None) or DEFAULT_CONTENT_SECURITY_POLICY
    ancestors = sorted({o for o in (_origin(platform.issuer), _origin(platform.auth_login_url)) if o}) if platform else []
    out = []
    for directive in (d.strip() for d in policy_text.split(";") if d.strip()):
        if directive.startswith("frame-ancestors"):
            directive = "frame-ancestors " + (" ".join(["'self'", *ancestors]) if ancestors else "'none'")
        elif directive.startswith("form-action") and form_action:
            directive = f"{directive} {_origin(form_action)}"
        out.append(directive)
    return "; ".join(out)


def lti_view(view):
    """Headers and cookies of a view an LMS frames: see the module docstring. The view sets ``request.lti_platform``."""
    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        request.lti_platform = None
        response = view(request, *args, **kwargs)
        if "Content-Security-Policy" not in response:
            response["Content-Security-Policy"] = framed_by(request.lti_platform)
        response.xframe_options_exempt = True
        response.lti_cross_site_cookies = True  # read by LtiSessionCookieMiddleware, after the session is saved
        return response
    return wrapped


def _failed(request, error: services.LtiError, status: int = 400):
    services.refused(error)
    request.lti_platform = error.platform
    return render(request, "interop/lti/failed.html", {"message": str(error)}, status=status)


# --- tool metadata -----------------------------------------------------------------------------------------------

@require_GET
def jwks(request):
    """GET /lti/jwks: the tool's public keys (the same set as /interop/jwks.json)."""
    response = JsonResponse(keys.jwks(), json_dumps_params={"indent": 2})
    response["Cache-Control"] = "public, max-age=300"
    return response


@require_GET
def config(request):
    """GET /lti/config.json: the tool configuration an LMS admin registers microcred with."""
    site = settings.SITE_URL.rstrip("/")
    document = m.tool_configuration(
        title="microcred", description=_("Educator micro-credentials: link an MC or stack into a course; progress "
                                         "goes to the gradebook."),
        domain=urlsplit(site).hostname or "", login_url=_absolute("interop:lti_login"),
        launch_url=_absolute("interop:lti_launch"), jwks_url=_absolute("interop:lti_jwks"),
        deep_link_url=_absolute("interop:lti_launch"))
    response = JsonResponse(document, json_dumps_params={"indent": 2})
    response["Cache-Control"] = "public, max-age=3600"
    response["Access-Control-Allow-Origin"] = "*"
    return response


# --- OIDC login initiation and launch ----------------------------------------------------------------------------

@csrf_exempt  # the platform starts the login from its own site, by GET or by a form POST
@require_http_methods(["GET", "POST"])
@never_cache
@lti_view
def login(request):
    params = request.POST if request.method == "POST" else request.GET
    try:
        platform = services.platform_for_login(issuer=params.get("iss", ""), client_id=params.get("client_id", ""))
        request.lti_platform = platform
        target = params.get("target_link_uri", "")
        if target and _origin(target) != _origin(settings.SITE_URL):
            raise services.LtiError(_("The launch names an address that is not microcred's."), reason="target",
                                    platform=platform)
        url, state = services.start_login(platform=platform, launch_url=_absolute("interop:lti_launch"),
                                          login_hint=params.get("login_hint", ""),
                                          lti_message_hint=params.get("lti_message_hint"))
    except services.LtiError as error:
        return _failed(request, error)
    response = redirect(url)
    # The platform answers with a cross-site form POST: only a SameSite=None cookie comes back with it.
    response.set_cookie(STATE_COOKIE, state.state, max_age=services.STATE_SECONDS, secure=True, httponly=True,
                        samesite="None", path=reverse("interop:lti_launch"))
    return response


@csrf_exempt  # the platform's auto-posted form; the signed id_token, the state cookie and the nonce protect it
@require_POST
@never_cache
@lti_view
def launch(request):
    try:
        if request.POST.get("error"):
            raise services.LtiError(_("Your LMS could not complete the launch (%(error)s).")
                                    % {"error": request.POST.get("error", "")[:100]}, reason="platform_error")
        platform, claims = services.verify_launch(state=request.POST.get("state", ""),
                                                  cookie_state=request.COOKIES.get(STATE_COOKIE, ""),
                                                  id_token=request.POST.get("id_token", ""))
        request.lti_platform = platform
        identity = services.sign_in(platform=platform, claims=claims)
    except services.LtiError as error:
        return _failed(request, error)
    user = identity.user
    user.backend = BACKEND
    auth_login(request, user)  # a new session; user_logged_in fires (idle timeout, audit)
    if claims[m.MESSAGE_TYPE] == m.DEEP_LINKING_REQUEST:
        response = _picker(request, platform, claims, identity)
    else:
        response = _resource(request, platform, claims, identity)
    response.delete_cookie(STATE_COOKIE, path=reverse("interop:lti_launch"), samesite="None")
    return response


def _resource(request, platform, claims, identity):
    custom = claims.get(m.CUSTOM) if isinstance(claims.get(m.CUSTOM), dict) else {}
    target, title = reverse("earning:home"), ""
    mc_slug, stack_slug = str(custom.get("microcred_mc", ""))[:120], str(custom.get("microcred_stack", ""))[:120]
    if mc_slug:
        try:
            version = catalog.micro_credential_for_catalog(user=identity.user, slug=mc_slug)
        except Http404:
            version = None
        if version is not None:
            target, title = reverse("catalog:detail", kwargs={"slug": mc_slug}), version.title
            services.remember_grade_link(identity=identity, micro_credential=version.micro_credential, claims=claims)
            roster.remember_course(platform=platform, claims=claims, micro_credential=version.micro_credential)
    elif stack_slug:
        try:
            stack = catalog.stack_for_catalog(user=identity.user, slug=stack_slug)
            target, title = reverse("catalog:stack", kwargs={"slug": stack_slug}), stack.title
            roster.remember_course(platform=platform, claims=claims, stack=stack)
        except Http404:
            pass
    presentation = claims.get(m.LAUNCH_PRESENTATION) if isinstance(claims.get(m.LAUNCH_PRESENTATION), dict) else {}
    if presentation.get("document_target") == "window":
        return redirect(target)
    # In a frame: the site's pages are not framed, so the person continues in a tab of its own.
    return render(request, "interop/lti/launched.html", {"target": target, "title": title, "platform": platform})


def _picker(request, platform, claims, identity):
    if not policy.lti_may_pick_content(claims.get(m.ROLES, [])):
        error = services.LtiError(_("Only the course's teachers choose what it links to."), reason="role", platform=platform)
        return _failed(request, error, status=403)
    settings_claim = claims[m.DL_SETTINGS]
    ticket = signing.dumps({"platform": platform.pk, "deployment": claims[m.DEPLOYMENT_ID], "user": identity.user_id,
                            "return_url": settings_claim["deep_link_return_url"],
                            "data": settings_claim.get("data")}, salt=PICKER_SALT, compress=True)
    return _render_picker(request, platform, ticket)


def _render_picker(request, platform, ticket, error: str = "", status: int = 200):
    user = request.user
    mcs = list(catalog.catalog_versions(user).select_related("micro_credential").order_by("title")[:500])
    stacks = list(catalog.visible_stacks(user=user)[:200])
    return render(request, "interop/lti/picker.html", {"platform": platform, "ticket": ticket, "mcs": mcs,
                                                         "stacks": stacks, "error": error}, status=status)


@csrf_exempt  # posted from the picker inside the LMS's frame (no SameSite=Lax cookie there); the signed ticket is the proof
@require_POST
@never_cache
@lti_view
def deep_link(request):
    """The teacher's choice: answer the platform with a signed LtiDeepLinkingResponse, auto-posted to its return URL."""
    try:
        ticket = signing.loads(request.POST.get("ticket", ""), salt=PICKER_SALT, max_age=PICKER_SECONDS)
    except signing.BadSignature:
        return render(request, "interop/lti/failed.html", {"message": _("This choice has expired or was not made "
                                                                        "here. Open the picker again from your course.")},
                      status=400)
    platform = get_object_or_404(LtiPlatform, pk=ticket["platform"], enabled=True)
    request.lti_platform = platform
    from microcred.accounts.models import User

    user = User.objects.filter(pk=ticket["user"], is_active=True).first()
    if user is None:
        raise Http404
    request.user = user  # the picker's choices are the launched teacher's (the framed page may have no session)
    choice = request.POST.get("item", "")
    kind, _sep, slug = choice.partition(":")
    item = None
    if kind == "mc" and slug:
        version = catalog.catalog_versions(user).select_related("micro_credential").filter(micro_credential__slug=slug).first()
        if version is not None:
            item = m.resource_link_item(title=version.title, text=version.competency,
                                        url=_absolute("interop:lti_launch"), custom={"microcred_mc": slug})
    elif kind == "stack" and slug:
        stack = catalog.visible_stacks(user=user).filter(slug=slug).first()
        if stack is not None:
            item = m.resource_link_item(title=stack.title, text=stack.description, url=_absolute("interop:lti_launch"),
                                        custom={"microcred_stack": slug}, score_maximum=None)
    if item is None:
        return _render_picker(request, platform, request.POST.get("ticket", ""),
                              error=_("Choose one micro-credential or stack."), status=400)
    try:
        token = services.deep_linking_response(platform=platform, deployment_id=ticket["deployment"],
                                               data=ticket.get("data"), item=item, by=user)
    except (services.LtiError, ValidationError) as error:
        return _failed(request, services.LtiError(str(getattr(error, "message", error)), reason="no_key", platform=platform), 503)
    response = render(request, "interop/lti/autopost.html", {"return_url": ticket["return_url"], "jwt": token,
                                                             "title": item["title"]})
    response["Content-Security-Policy"] = framed_by(platform, form_action=ticket["return_url"])
    return response


# --- platform registration (platform admins) ---------------------------------------------------------------------

def _admin_only(request):
    if not policy.can_manage_lti_platforms(request.user):
        raise Http404


@login_required
@require_GET
def platforms(request):
    _admin_only(request)
    rows = LtiPlatform.objects.select_related("organization").order_by("name")
    return render(request, "interop/lti/platforms.html", {
        "platforms": rows, "login_url": _absolute("interop:lti_login"), "launch_url": _absolute("interop:lti_launch"),
        "jwks_url": _absolute("interop:lti_jwks"), "config_url": _absolute("interop:lti_config")})


@login_required
@require_http_methods(["GET", "POST"])
def platform_edit(request, pk=None):
    _admin_only(request)
    platform = get_object_or_404(LtiPlatform, pk=pk) if pk else LtiPlatform()
    form = forms.PlatformForm(request.POST or None, instance=platform)
    if request.method == "POST" and form.is_valid():
        try:
            services.save_platform(by=request.user, platform=form.save(commit=False))
        except ValidationError as error:
            for field, problems in getattr(error, "message_dict", {"__all__": error.messages}).items():
                form.add_error(field if field in form.fields else None, problems)
        except PermissionDenied:
            raise Http404
        else:
            from django.contrib import messages as flash

            flash.success(request, _("Saved. Launches from %(name)s are checked against these settings.") % {"name": platform.name})
            return redirect("interop:lti_platforms")
    return render(request, "interop/lti/platform_form.html", {"form": form, "platform": platform},
                  status=400 if request.method == "POST" else 200)


# --- Names and Role Provisioning: enroll a course's teachers as a cohort (docs/lti.md) ---------------------------

def _course_for(request, pk):
    from ..models import LtiCourseLink

    link = get_object_or_404(LtiCourseLink.objects.select_related("platform__organization", "micro_credential", "stack",
                                                                  "cohort"), pk=pk)
    if not policy.can_sync_lti_roster(request.user, link):
        raise Http404
    return link


@login_required
@require_GET
def courses(request):
    if not policy.can_open_lti_courses(request.user):
        raise Http404
    from ..selectors import lti_courses_for

    return render(request, "interop/lti/courses.html", {"links": lti_courses_for(request.user)})


@login_required
@require_GET
def course(request, pk):
    link = _course_for(request, pk)
    syncs = list(link.syncs.select_related("requested_by")[:20])
    return render(request, "interop/lti/course.html", {"link": link, "syncs": syncs})


@login_required
@require_POST
def course_sync(request, pk):
    from django.contrib import messages as flash

    from .. import tasks

    link = _course_for(request, pk)
    try:
        sync = roster.request_sync(link=link, by=request.user)
    except ValidationError as error:
        flash.error(request, " ".join(error.messages))
    except PermissionDenied:
        raise Http404
    else:
        tasks.sync_lti_roster_soon(sync.pk)
        flash.success(request, _("The course's teachers are being enrolled; reload to see the result."))
    return redirect("interop:lti_course", pk=link.pk)
