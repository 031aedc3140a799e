"""Pages of single sign-on: start a sign-in, take the identity provider's answer, log out; and the settings pages
where an organization's admins configure its providers. Every failure is a page with a message, never a 500."""
from __future__ import annotations

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login as auth_login
from django.contrib.auth import logout as auth_logout
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from microcred.accounts import policy, two_factor
from microcred.accounts.models import Organization
from microcred.accounts.views import PENDING_LOGIN, _safe_next
from microcred.core import ratelimit
from microcred.core.audit_context import client_address

from . import oidc, saml, selectors, services
from .errors import SsoError
from .forms import FindOrganizationForm, ProviderForm
from .models import IdentityProvider

FLOW = "microcred_sso_flow"
SIGNED_IN_WITH = "microcred_sso_signed_in"
FLOW_SECONDS = 10 * 60
BACKEND = "django.contrib.auth.backends.ModelBackend"


def _failed(request, provider, error: SsoError, status: int = 400):
    return render(request, "sso/failed.html", {"provider": provider, "message": str(error)}, status=status)


def _provider(slug: str) -> IdentityProvider:
    provider = selectors.provider_for_sign_in(slug)
    if provider is None:
        raise Http404(_("No such sign-in."))
    return provider


# --- signing in ---------------------------------------------------------------------------------------------------

@require_GET
@never_cache
def find(request):
    """Sign in with your organization: the providers that serve an e-mail address's domain."""
    form = FindOrganizationForm(request.GET or None)
    providers = selectors.enabled_for_email(form.cleaned_data["email"]) if form.is_valid() else []
    # No redirect to the provider from here: the site's form-action policy ('self') would stop the browser following it.
    return render(request, "sso/find.html", {"form": form, "providers": providers, "next": request.GET.get("next", ""),
                                             "searched": form.is_valid()})


@require_GET
@never_cache
def login(request, slug):
    """Send the browser to the organization's identity provider."""
    provider = _provider(slug)
    if not ratelimit.hit("sso-start:address", client_address(request) or "unknown", limit=30, window=60):
        return _failed(request, provider, SsoError(_("Too many sign-in attempts from your network; wait a minute.")), 429)
    flow = {"provider": provider.pk, "next": _safe_next(request, request.GET.get("next")), "at": int(time.time())}
    try:
        if provider.protocol == IdentityProvider.Protocol.OIDC:
            url, extra = oidc.start(provider, redirect_uri=request.build_absolute_uri(reverse("sso:oidc_callback", kwargs={"slug": slug})))
        else:
            url, extra = saml.start(provider)
    except SsoError as error:
        services.refused(provider, error)
        return _failed(request, provider, error, 502)
    request.session[FLOW] = flow | extra
    return redirect(url)


def _flow(request, provider) -> dict:
    flow = request.session.pop(FLOW, None)
    if not isinstance(flow, dict) or flow.get("provider") != provider.pk or time.time() - flow.get("at", 0) > FLOW_SECONDS:
        raise SsoError(_("This sign-in was not started here, or took too long. Please start again."), reason="no_flow")
    return flow


def _complete(request, provider, user, next_url: str, id_token: str = ""):
    """Log ``user`` in the way the password login does: a new session; the code step when two-factor is on."""
    if two_factor.is_enabled(user):
        # Single sign-on replaces the password, not the second factor this account chose (docs/sso.md).
        request.session.cycle_key()
        request.session[PENDING_LOGIN] = {"user": user.pk, "backend": BACKEND, "next": next_url,
                                          "at": int(time.time()), "failures": 0}
        return redirect("accounts:login_code")
    user.backend = BACKEND
    auth_login(request, user)  # rotates the session key; user_logged_in fires (idle timeout, axes, audit)
    request.session[SIGNED_IN_WITH] = {"provider": provider.pk, "id_token": id_token}
    return redirect(next_url)


@require_GET
@never_cache
def oidc_callback(request, slug):
    provider = _provider(slug)
    if provider.protocol != IdentityProvider.Protocol.OIDC:
        raise Http404
    try:
        flow = _flow(request, provider)
        claims, raw = oidc.finish(provider, client_secret=services.client_secret(provider), flow=flow, params=request.GET)
        email = str(claims.get(provider.email_attribute or "email") or "")
        verified = claims.get("email_verified")
        assertion = services.Assertion(
            subject=str(claims["sub"]), email=email,
            # Entra ID sends no email_verified; its e-mail claims are the tenant's own (docs/sso.md)
            email_verified=verified is True or str(verified).lower() == "true" or (verified is None and bool(email)),
            sourced_id=str(claims.get(provider.sourced_id_attribute) or "") if provider.sourced_id_attribute else "",
            first_name=str(claims.get("given_name") or ""), last_name=str(claims.get("family_name") or ""))
        user = services.sign_in(provider=provider, assertion=assertion)
    except SsoError as error:
        if error.reason == "no_flow" or not error.reason:
            services.refused(provider, error)
        return _failed(request, provider, error)
    return _complete(request, provider, user, flow["next"], raw)


@csrf_exempt  # a cross-site POST by design (the IdP's form); its XML signature is what is checked
@require_POST
@never_cache
def saml_acs(request, slug):
    provider = _provider(slug)
    if provider.protocol != IdentityProvider.Protocol.SAML:
        raise Http404
    if FLOW not in request.session and request.POST.get("same_site") != "1":
        # The identity provider's page posted here from another site, so the browser left out the session cookie
        # (SameSite=Lax). Post the same answer again from this site: then the cookie comes, and the answer is checked
        # against the sign-in this browser started (no login CSRF). continue.js submits it; or the button.
        return render(request, "sso/continue.html", {"provider": provider, "saml_response": request.POST.get("SAMLResponse", ""),
                                                     "relay_state": request.POST.get("RelayState", "")})
    try:
        flow = _flow(request, provider)
        result = saml.finish(provider, saml_response=request.POST.get("SAMLResponse", ""), flow=flow)
        services.use_saml_assertion(provider=provider, assertion_id=result["assertion_id"], expires_at=result["expires_at"])
        attrs = result["attributes"]
        email = saml.attribute(attrs, provider.email_attribute, *saml.EMAIL_ATTRIBUTES) if provider.email_attribute else ""
        assertion = services.Assertion(
            subject=result["subject"], email=email, email_verified=bool(email),  # asserted and signed by the IdP
            sourced_id=saml.attribute(attrs, provider.sourced_id_attribute) if provider.sourced_id_attribute else "",
            first_name=saml.attribute(attrs, *saml.FIRST_NAME_ATTRIBUTES), last_name=saml.attribute(attrs, *saml.LAST_NAME_ATTRIBUTES))
        user = services.sign_in(provider=provider, assertion=assertion)
    except SsoError as error:
        if not error.reason or error.reason == "no_flow":
            services.refused(provider, error)
        return _failed(request, provider, error)
    return _complete(request, provider, user, flow["next"])


@require_GET
def saml_metadata(request, slug):
    provider = IdentityProvider.objects.filter(slug=slug, protocol=IdentityProvider.Protocol.SAML).first()
    if provider is None:
        raise Http404
    return HttpResponse(saml.metadata_xml(provider), content_type="application/samlmetadata+xml")


@require_POST
@never_cache
def logout(request):
    """Log out here; then offer to log out at the identity provider too (OpenID Connect RP-initiated logout, when it
    has an end-session endpoint). A page with a link, not a redirect: the site's form-action policy ('self') would
    stop the browser following a redirect to another site after this form."""
    signed_in = request.session.get(SIGNED_IN_WITH) or {}
    provider = IdentityProvider.objects.filter(pk=signed_in.get("provider")).first() if isinstance(signed_in, dict) else None
    auth_logout(request)
    url = None
    if provider is not None and provider.protocol == IdentityProvider.Protocol.OIDC:
        url = oidc.logout_url(provider, id_token=signed_in.get("id_token", ""), post_logout_redirect_uri=request.build_absolute_uri("/"))
    return render(request, "sso/logged_out.html", {"provider": provider, "provider_logout_url": url})


# --- settings pages for organization admins ---------------------------------------------------------------------

def _configurable(request) -> list[Organization]:
    if not policy.can_open_sso_pages(request.user):
        raise PermissionDenied(_("Only organization admins configure single sign-on."))
    return selectors.configurable_organizations(request.user)


@login_required
@require_GET
def index(request):
    _configurable(request)
    return render(request, "sso/index.html", {"providers": selectors.providers_for(request.user).order_by("organization__name", "name")})


def _edit(request, provider: IdentityProvider | None):
    orgs = _configurable(request)
    form = ProviderForm(request.POST or None, instance=provider,
                        organizations=Organization.objects.filter(pk__in=[o.pk for o in orgs]))
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.save_provider(by=request.user, provider=form.save(commit=False), secret=form.cleaned_data["client_secret"])
        except ValidationError as error:
            for field, errors in error.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(request, _("%(name)s is saved.") % {"name": saved.name})
            return redirect("sso:provider", pk=saved.pk)
    return render(request, "sso/edit.html", {"form": form, "provider": provider}, status=400 if form.errors else 200)


@login_required
def create(request):
    return _edit(request, None)


def _own(request, pk) -> IdentityProvider:
    _configurable(request)
    provider = selectors.provider_for(request.user, pk)
    if provider is None:
        raise Http404(_("No such identity provider."))
    return provider


@login_required
def edit(request, pk):
    return _edit(request, _own(request, pk))


@login_required
@require_GET
def provider_detail(request, pk):
    provider = _own(request, pk)
    return render(request, "sso/provider.html", {
        "provider": provider, "redirect_uri": settings.SITE_URL + reverse("sso:oidc_callback", kwargs={"slug": provider.slug}),
        "acs_url": settings.SITE_URL + reverse("sso:saml_acs", kwargs={"slug": provider.slug}),
        "metadata_url": settings.SITE_URL + reverse("sso:saml_metadata", kwargs={"slug": provider.slug}),
        "logout_url": settings.SITE_URL + "/"})


@login_required
@require_POST
def test(request, pk):
    """Check the configuration against the identity provider (discovery, keys, or metadata)."""
    from .checks import check_provider

    provider = _own(request, pk)
    problems = check_provider(provider)
    if problems:
        messages.error(request, _("Problems: %(problems)s") % {"problems": " ".join(problems)})
    else:
        messages.success(request, _("%(name)s answered and its configuration looks right.") % {"name": provider.name})
    return redirect("sso:provider", pk=provider.pk)


@login_required
@require_POST
def toggle(request, pk):
    provider = _own(request, pk)
    services.set_enabled(by=request.user, provider=provider, enabled=request.POST.get("enabled") == "yes")
    messages.success(request, (_("%(name)s is on: its people can sign in with it.") if provider.enabled
                               else _("%(name)s is off.")) % {"name": provider.name})
    return redirect("sso:provider", pk=provider.pk)
