"""Pages of onboarding (issue 14 item 3): invitations, accepting one, self-registration, the approval queue, the
self-registration settings and e-mail verification. Thin: parse the form, ask the policy or a selector, call one
service of onboarding.py, render."""
from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import login as auth_login
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from microcred.core.audit_context import client_address

from . import onboarding, policy, selectors
from .forms import (AcceptInvitationForm, DecisionForm, InvitationCsvForm, InvitationForm, RegisterForm,
                    SelfRegistrationForm)
from .models import Invitation, SelfRegistrationSettings

PAGE_SIZE = 25


def _attach(form, error: ValidationError) -> None:
    for name, texts in getattr(error, "message_dict", {None: error.messages}).items():
        for text in texts:
            form.add_error(name if name in form.fields else None, text)


# --- invitations ------------------------------------------------------------------------------------------------------

@login_required
@require_http_methods(["GET", "POST"])
def invitations(request):
    """The invitations of one's organizations, with the forms to invite one address or a CSV file."""
    if not policy.can_open_invitations(request.user):
        raise PermissionDenied(_("Only people administrators invite people."))
    organizations, roles = selectors.invitation_choices(request.user)
    action = request.POST.get("action") if request.method == "POST" else None
    form = InvitationForm(request.POST if action == "invite" else None, organizations=organizations, roles=roles, prefix="one")
    csv_form = InvitationCsvForm(request.POST if action == "csv" else None, request.FILES if action == "csv" else None,
                                 organizations=organizations, roles=roles, prefix="csv")
    csv_result, status = None, 200
    if action == "invite":
        if form.is_valid():
            try:
                invitation = onboarding.invite(by=request.user, **form.cleaned_data)
            except PermissionDenied:
                form.add_error("role", _("You may not invite people to this role in this organization."))
            except ValidationError as error:
                _attach(form, error)
            else:
                messages.success(request, _("An invitation was sent to %(email)s.") % {"email": invitation.email})
                return redirect("accounts:invitations")
        status = 400
    elif action == "csv":
        if csv_form.is_valid():
            try:
                csv_result = onboarding.invite_many_from_csv(
                    by=request.user, organization=csv_form.cleaned_data["organization"],
                    data=csv_form.cleaned_data["file"].read(onboarding.MAX_CSV_BYTES + 1),
                    default_role=csv_form.cleaned_data["role"])
            except ValidationError as error:
                _attach(csv_form, error)
                status = 400
        else:
            status = 400
    elif action is not None:
        messages.error(request, _("Unknown action."))
        status = 400
    onboarding.expire_overdue_invitations(selectors.visible_invitations(request.user))
    state = request.GET.get("state", "")
    page = Paginator(selectors.visible_invitations(request.user, state=state), PAGE_SIZE).get_page(request.GET.get("page"))
    may = policy.grantable_roles_at(request.user, {i.organization_id for i in page})
    for invitation in page:
        invitation.manageable = invitation.role in may.get(invitation.organization_id, ())
    return render(request, "accounts/invitations.html", {
        "form": form, "csv_form": csv_form, "csv_result": csv_result, "page": page, "state": state,
        "states": Invitation.State.choices, "can_invite": bool(roles)}, status=status)


def _confirm(request, *, title, message, button, cancel):
    return render(request, "accounts/confirm.html", {"title": title, "message": message, "button": button,
                                                     "action": request.path, "cancel": cancel})


@login_required
@require_http_methods(["GET", "POST"])
def invitation_revoke(request, pk):
    invitation = selectors.visible_invitation(request.user, pk)
    if request.method == "GET" or request.POST.get("confirmed") != "yes":
        return _confirm(request, title=_("Revoke an invitation"), button=_("Revoke the invitation"),
                        cancel=reverse("accounts:invitations"),
                        message=_("Revoke the invitation of %(email)s to %(org)s? Its link will stop working.")
                        % {"email": invitation.email, "org": invitation.organization.name})
    try:
        onboarding.revoke_invitation(by=request.user, invitation=invitation)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The invitation of %(email)s was revoked.") % {"email": invitation.email})
    return redirect("accounts:invitations")


@login_required
@require_http_methods(["GET", "POST"])
def invitation_resend(request, pk):
    invitation = selectors.visible_invitation(request.user, pk)
    if request.method == "GET" or request.POST.get("confirmed") != "yes":
        return _confirm(request, title=_("Send an invitation again"), button=_("Send again"),
                        cancel=reverse("accounts:invitations"),
                        message=_("Send the invitation to %(email)s again, with a new link? The old link stops working.")
                        % {"email": invitation.email})
    try:
        onboarding.resend_invitation(by=request.user, invitation=invitation)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The invitation was sent to %(email)s again.") % {"email": invitation.email})
    return redirect("accounts:invitations")


@never_cache
@require_http_methods(["GET", "POST"])
def invitation_accept(request, token):
    """Anyone with the link: a new person sets a name and password; someone with an account signs in and joins."""
    invitation = onboarding.invitation_for_token(token)
    if invitation is None:
        return render(request, "accounts/invitation_invalid.html", {"message": onboarding.INVALID_LINK}, status=404)
    existing = onboarding.existing_account_for(invitation.email)
    form = AcceptInvitationForm(request.POST if request.method == "POST" and existing is None else None)
    context = {"invitation": invitation, "existing": existing, "form": form,
               "login_url": reverse("accounts:login") + "?next=" + request.path}
    if request.method == "POST":
        try:
            if existing is not None:
                person = onboarding.accept_invitation(token=token, user=request.user)
            elif form.is_valid():
                person = onboarding.accept_invitation(token=token, user=request.user, password=form.cleaned_data["password1"],
                                                      first_name=form.cleaned_data["first_name"], last_name=form.cleaned_data["last_name"])
            else:
                return render(request, "accounts/invitation_accept.html", context, status=400)
        except PermissionDenied as refusal:
            messages.error(request, str(refusal))
            return render(request, "accounts/invitation_accept.html", context, status=403)
        except ValidationError as error:
            _attach(form, error)
            return render(request, "accounts/invitation_accept.html", context, status=400)
        if existing is None:
            auth_login(request, person, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(request, _("Welcome! Your account was created and you joined %(org)s.") % {"org": invitation.organization.name})
        else:
            messages.success(request, _("You joined %(org)s as %(role)s.") % {"org": invitation.organization.name,
                                                                                "role": invitation.get_role_display()})
        return redirect("/")
    return render(request, "accounts/invitation_accept.html", context)


# --- self-registration ----------------------------------------------------------------------------------------------

@never_cache
@require_http_methods(["GET", "POST"])
def register(request):
    """Create one's own account in an organization that takes registrations (as an educator only)."""
    if request.user.is_authenticated:
        return redirect("/")
    organizations = onboarding.open_organizations()
    initial = {"organization": request.GET.get("org", "")[:80]}
    form = RegisterForm(request.POST or None, organizations=organizations, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            onboarding.register(organization=data["organization"], email=data["email"], first_name=data["first_name"],
                                last_name=data["last_name"], password=data["password1"], address=client_address(request))
        except ValidationError as error:
            _attach(form, error)
        else:
            return render(request, "accounts/register_done.html", {"email": data["email"]})
    return render(request, "accounts/register.html", {"form": form, "open": organizations.exists()},
                  status=400 if form.errors else 200)


@never_cache
@require_http_methods(["GET", "POST"])
def verify_email(request, token):
    """GET shows a button (mail scanners follow links; only a person's POST uses the token)."""
    if request.method == "GET":
        return render(request, "accounts/verify_email.html", {})
    try:
        verification = onboarding.verify_email(token=token)
    except ValidationError as error:
        return render(request, "accounts/invitation_invalid.html", {"message": " ".join(error.messages)}, status=404)
    if verification.purpose == verification.Purpose.SIGN_UP:
        pending = verification.user.registration_requests.filter(state="pending").exists()
        messages.success(request, _("Your e-mail address is confirmed; an administrator will approve your account soon.")
                         if pending else _("Your e-mail address is confirmed. You can sign in now."))
        return redirect("accounts:login")
    messages.success(request, _("Your e-mail address is now %(email)s.") % {"email": verification.email})
    return redirect("accounts:account" if request.user.is_authenticated else "accounts:login")


@login_required
@require_http_methods(["GET", "POST"])
def registrations(request):
    """The approval queue: verified registrations waiting for an administrator."""
    if not policy.can_open_registrations(request.user):
        raise PermissionDenied(_("Only organization administrators decide registrations."))
    page = Paginator(selectors.registration_queue(request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    status = 200
    if request.method == "POST":
        registration = selectors.visible_registration(request.user, request.POST.get("request", ""))
        form = DecisionForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("Choose approve or decline."))
            status = 400
        else:
            approve = form.cleaned_data["decision"] == "approve"
            try:
                onboarding.decide_registration(by=request.user, request=registration, approve=approve,
                                               reason=form.cleaned_data["reason"])
            except ValidationError as error:
                messages.error(request, " ".join(error.messages))
                status = 400
            else:
                messages.success(request, (_("%(person)s is now an educator of %(org)s.") if approve else
                                           _("The registration of %(person)s was declined."))
                                 % {"person": registration.user, "org": registration.organization.name})
                return redirect("accounts:registrations")
    return render(request, "accounts/registrations.html", {"page": page}, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def self_registration(request):
    """The self-registration settings of the organizations one administers."""
    if not policy.can_open_registrations(request.user):
        raise PermissionDenied(_("Only organization administrators configure self-registration."))
    organizations = selectors.self_registration_organizations(request.user)
    form = SelfRegistrationForm(request.POST or None, organizations=organizations)
    if request.method == "POST" and form.is_valid():
        try:
            onboarding.configure_self_registration(by=request.user, **form.cleaned_data)
        except ValidationError as error:
            _attach(form, error)
        else:
            messages.success(request, _("Self-registration of %(org)s was saved.") % {"org": form.cleaned_data["organization"].name})
            return redirect("accounts:self_registration")
    configured = (SelfRegistrationSettings.objects.filter(organization__in=organizations).select_related("organization")
                  .order_by("organization__name"))
    return render(request, "accounts/self_registration.html", {"form": form, "configured": configured},
                  status=400 if form.errors else 200)

