from __future__ import annotations

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth import login as auth_login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.signals import user_login_failed
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST, require_safe

from microcred.core import ratelimit
from microcred.core.audit_context import client_address

from . import selectors, services, throttle, two_factor
from .forms import EducatorProfileForm, EmailForm, NameForm, RateLimitedPasswordResetForm, TwoFactorCodeForm
from .models import EducatorProfile

PENDING_LOGIN = "microcred_2fa_pending"
PENDING_SECONDS = 5 * 60
MAX_CODE_FAILURES = 5


@login_required
def profile(request):
    instance = EducatorProfile.objects.filter(user=request.user).first() or EducatorProfile(user=request.user)
    form = EducatorProfileForm(request.POST or None, instance=instance)
    if request.method == "POST" and form.is_valid():
        services.update_educator_profile(user=request.user, by=request.user, **{k: form.cleaned_data[k] for k in form.Meta.fields})
        messages.success(request, _("Your profile was saved."))
        return redirect("accounts:profile")
    return render(request, "accounts/profile.html", {"form": form, "memberships": selectors.memberships_for(request.user),
                                                     "two_factor_on": two_factor.is_enabled(request.user)})


# --- log in: password, then (when two-factor is on) a code -------------------------------------------------

class LoginView(auth_views.LoginView):
    """Django's login (throttled by django-axes through the authentication backends), plus the code step."""

    redirect_authenticated_user = True

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "self_registration_open": selectors.self_registration_is_open()}

    def post(self, request, *args, **kwargs):
        if throttle.address_is_paused(request):
            return address_paused(request)
        return super().post(request, *args, **kwargs)

    def form_valid(self, form):
        user = form.get_user()
        if not two_factor.is_enabled(user):
            return super().form_valid(form)
        # The password was right, but the session is not logged in until a code is given.
        self.request.session.cycle_key()
        self.request.session[PENDING_LOGIN] = {"user": user.pk, "backend": user.backend, "next": self.get_success_url(),
                                               "at": int(time.time()), "failures": 0}
        return redirect("accounts:login_code")


def _pending(request) -> dict | None:
    pending = request.session.get(PENDING_LOGIN)
    if not isinstance(pending, dict) or time.time() - pending.get("at", 0) > PENDING_SECONDS:
        request.session.pop(PENDING_LOGIN, None)
        return None
    return pending


def _safe_next(request, candidate: str | None) -> str:
    if candidate and url_has_allowed_host_and_scheme(candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return candidate
    return settings.LOGIN_REDIRECT_URL if settings.LOGIN_REDIRECT_URL.startswith("/") else "/"


@never_cache
def login_code(request):
    """The second step: a code from the authenticator app (or a recovery code).

    Serves two cases: a password just given (the pending login in the session), and a logged-in session that
    must be verified before the admin site or a staff role's pages (settings.MICROCRED_REQUIRE_2FA_FOR_STAFF_ROLES)."""
    pending = None
    if request.user.is_authenticated:
        user = request.user
        if not two_factor.is_enabled(user):
            return redirect("accounts:two_factor")
        if user.is_verified():
            return redirect(_safe_next(request, request.GET.get("next")))
        next_url = _safe_next(request, request.POST.get("next") or request.GET.get("next"))
    else:
        pending = _pending(request)
        user = get_user_model().objects.filter(pk=pending["user"], is_active=True).first() if pending else None
        if user is None:
            messages.error(request, _("Your log-in took too long or was not started. Please log in again."))
            return redirect("accounts:login")
        next_url = _safe_next(request, pending.get("next"))

    if request.method == "POST" and pending is not None and throttle.address_is_paused(request):
        return address_paused(request)
    form = TwoFactorCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = two_factor.verify_code(user=user, code=form.cleaned_data["code"])
        if device is not None:
            if pending is not None:
                request.session.pop(PENDING_LOGIN, None)
                user.backend = pending["backend"]
                user.otp_device = device  # django-otp keeps it in the session when the login completes
                auth_login(request, user)
            else:
                from django_otp import login as otp_login

                otp_login(request, device)
            if device.name == two_factor.RECOVERY_NAME:
                left = two_factor.remaining_recovery_codes(user)
                messages.warning(request, ngettext(
                    "You used a recovery code; %(left)s left. Make new ones on your two-factor page if you are running low.",
                    "You used a recovery code; %(left)s left. Make new ones on your two-factor page if you are running low.",
                    left) % {"left": left})
            return redirect(next_url)
        # A wrong code counts as a failed login for the lockout, like a wrong password.
        user_login_failed.send(sender=__name__, credentials={"username": user.get_username()}, request=request)
        if pending is not None:
            pending["failures"] = pending.get("failures", 0) + 1
            request.session[PENDING_LOGIN] = pending
            if pending["failures"] >= MAX_CODE_FAILURES:
                request.session.pop(PENDING_LOGIN, None)
                messages.error(request, _("Too many wrong codes. Please log in again."))
                return redirect("accounts:login")
        form.add_error("code", _("That code is not right (or was already used). Enter the current code from your app, or a recovery code."))
    return render(request, "accounts/login_code.html", {"form": form, "next": next_url}, status=400 if form.errors else 200)


def locked_out(request, original_response=None, credentials=None):
    """django-axes' answer to a locked-out username and address: the login page with the reason (429)."""
    minutes = max(1, round(float(settings.AXES_COOLOFF_TIME or 0) * 60))
    if hasattr(request, "session"):
        request.session.pop(PENDING_LOGIN, None)
    messages.error(request, _("Too many failed log-in attempts for this account from your network. For your security, "
                              "log-in is paused for %(minutes)s minutes. Try again later, reset your password, or ask an "
                              "administrator to unlock your account.") % {"minutes": minutes})
    return render(request, "registration/login.html", {
        "form": AuthenticationForm(request), "next": _safe_next(request, request.POST.get("next") or request.GET.get("next")),
    }, status=429)


def address_paused(request):
    """Too many failed log-ins from this address across usernames (password spraying): the login page with the
    reason (429). Nothing is checked, not even a right password, until the window ends."""
    minutes = max(1, int(settings.MICROCRED_LOGIN_ADDRESS_WINDOW_MINUTES))
    if hasattr(request, "session"):
        request.session.pop(PENDING_LOGIN, None)
    messages.error(request, _("Too many failed log-in attempts from your network. For your security, log-in from "
                              "here is paused for up to %(minutes)s minutes. Try again later or reset your password.")
                   % {"minutes": minutes})
    return render(request, "registration/login.html", {
        "form": AuthenticationForm(request), "next": _safe_next(request, request.POST.get("next") or request.GET.get("next")),
    }, status=429)


# --- two-factor settings page ----------------------------------------------------------------------------------

@login_required
@require_safe
@never_cache
def two_factor_home(request):
    user = request.user
    return render(request, "accounts/two_factor.html", {
        "enabled": two_factor.is_enabled(user), "required": two_factor.requires_two_factor(user),
        "staff_role": two_factor.is_staff_role(user), "recovery_left": two_factor.remaining_recovery_codes(user),
        "form": TwoFactorCodeForm(),
    })


@login_required
@never_cache
def two_factor_setup(request):
    """POST without a code: a new secret, shown as a QR code. POST with a code: confirm and show recovery codes."""
    user = request.user
    if request.method == "POST" and "code" not in request.POST:
        try:
            two_factor.start_enrolment(user=user)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return redirect("accounts:two_factor")
        return redirect("accounts:two_factor_setup")
    device = two_factor.pending_enrolment(user)
    if device is None:
        return redirect("accounts:two_factor")
    form = TwoFactorCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            codes = two_factor.confirm_enrolment(user=user, code=form.cleaned_data["code"])
        except ValidationError as exc:
            form.add_error("code", " ".join(exc.messages))
        else:
            from django_otp import login as otp_login

            otp_login(request, two_factor.TOTPDevice.objects.get(pk=device.pk))  # this session already proved it
            messages.success(request, _("Two-factor authentication is on. You will be asked for a code when you log in."))
            return render(request, "accounts/recovery_codes.html", {"codes": codes})
    return render(request, "accounts/two_factor_setup.html", {
        "form": form, "qr_svg": two_factor.qr_svg(device), "secret": two_factor.secret_for_display(device),
    }, status=400 if form.errors else 200)


@login_required
@require_POST
def two_factor_disable(request):
    form = TwoFactorCodeForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(list(form.errors["code"]))
        two_factor.disable(user=request.user, code=form.cleaned_data["code"])
    except ValidationError as exc:
        messages.error(request, _("Two-factor is still on: %(reason)s") % {"reason": " ".join(exc.messages)})
    else:
        messages.success(request, _("Two-factor authentication is off."))
    return redirect("accounts:two_factor")


@login_required
@require_POST
@never_cache
def two_factor_recovery_codes(request):
    form = TwoFactorCodeForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(list(form.errors["code"]))
        codes = two_factor.new_recovery_codes(user=request.user, code=form.cleaned_data["code"])
    except ValidationError as exc:
        messages.error(request, _("No new codes: %(reason)s") % {"reason": " ".join(exc.messages)})
        return redirect("accounts:two_factor")
    return render(request, "accounts/recovery_codes.html", {"codes": codes})


def csrf_failure(request, reason=""):
    """A form without (or with an expired) security token: a clear page, not Django's technical one."""
    return render(request, "core/error.html", {
        "title": _("Form expired"),
        "message": _("This form could not be accepted because its security check failed (the page was open too long, "
                     "or cookies are blocked). Go back, reload the page and try again; nothing was changed."),
    }, status=403)


class PasswordResetView(auth_views.PasswordResetView):
    """Django's reset page with two limits (issue 14: twenty requests in a second sent twenty e-mails): at most
    MICROCRED_PASSWORD_RESET_PER_ADDRESS requests per client address per hour, and (in the form) at most
    MICROCRED_PASSWORD_RESET_PER_ACCOUNT e-mails per account per hour. Over a limit nothing is sent, and the
    answer is the same "check your mailbox" page, so the page never tells whether an account exists."""

    form_class = RateLimitedPasswordResetForm

    def form_valid(self, form):
        if not ratelimit.hit("password-reset:address", client_address(self.request) or "unknown",
                             limit=settings.MICROCRED_PASSWORD_RESET_PER_ADDRESS, window=3600):
            return redirect(self.get_success_url())
        return super().form_valid(form)


# --- the account page: name, e-mail address, password -----------------------------------------------------------

ACCOUNT_ACTIONS = ("name", "email", "password")


def _attach_errors(form, error: ValidationError) -> None:
    for field, texts in getattr(error, "message_dict", {None: error.messages}).items():
        for text in texts:
            form.add_error(field if field in form.fields else None, text)


@never_cache
@login_required
def account(request):
    """One's own account: name, e-mail address (with the current password), password. Each form saves alone;
    a failed one re-renders with its message and the others keep what is saved."""
    from django.contrib.auth import update_session_auth_hash
    from django.contrib.auth.forms import PasswordChangeForm

    user = request.user
    action = request.POST.get("action") if request.method == "POST" else None
    name_form = NameForm(request.POST if action == "name" else None, prefix="name",
                         initial={"first_name": user.first_name, "last_name": user.last_name})
    email_form = EmailForm(request.POST if action == "email" else None, prefix="email")
    password_form = PasswordChangeForm(user, request.POST if action == "password" else None, prefix="password")
    if action == "name" and name_form.is_valid():
        try:
            services.change_name(user=user, by=user, **name_form.cleaned_data)
        except ValidationError as error:
            _attach_errors(name_form, error)
        else:
            messages.success(request, _("Your name was saved."))
            return redirect("accounts:account")
    elif action == "email" and email_form.is_valid():
        try:
            services.change_email(user=user, by=user, email=email_form.cleaned_data["email"],
                                  password=email_form.cleaned_data["password"])
        except ValidationError as error:
            _attach_errors(email_form, error)
        else:
            messages.success(request, _("A confirmation link was sent to %(email)s. Your address changes when you open it.")
                             % {"email": email_form.cleaned_data["email"]})
            return redirect("accounts:account")
    elif action == "password" and password_form.is_valid():
        password_form.save()
        update_session_auth_hash(request, password_form.user)  # this session stays signed in; others end
        services.password_changed(user=password_form.user)
        messages.success(request, _("Your password was changed. Other sessions were signed out."))
        return redirect("accounts:account")
    elif action is not None and action not in ACCOUNT_ACTIONS:
        messages.error(request, _("Unknown action."))
    status = 400 if action in ACCOUNT_ACTIONS else 200
    from .onboarding import pending_email_change

    return render(request, "accounts/account.html", {"name_form": name_form, "email_form": email_form,
                                                     "password_form": password_form,
                                                     "pending_email": pending_email_change(user)}, status=status)


@require_POST
def choose_language(request):
    """The footer's language switch: for everyone a cookie; for a signed-in person also saved, so it follows them to
    other browsers. Back to the page they were on."""
    language = request.POST.get("language", "")
    next_url = _safe_next(request, request.POST.get("next"))
    try:
        services.choose_language(user=request.user, language=language)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect(next_url)
    response = redirect(next_url)
    if language:
        translation.activate(language)
        response.set_cookie(settings.LANGUAGE_COOKIE_NAME, language, max_age=settings.LANGUAGE_COOKIE_AGE,
                            samesite=settings.LANGUAGE_COOKIE_SAMESITE, secure=request.is_secure(), httponly=True)
    else:
        response.delete_cookie(settings.LANGUAGE_COOKIE_NAME, samesite=settings.LANGUAGE_COOKIE_SAMESITE)
    return response
