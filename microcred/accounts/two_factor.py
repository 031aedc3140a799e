"""Two-factor authentication: an authenticator app (TOTP) plus single-use recovery codes, on django-otp.

Anyone may turn it on. With settings.MICROCRED_REQUIRE_2FA_FOR_STAFF_ROLES the staff roles must (see
`requires_two_factor`). A person with a confirmed authenticator is asked for a code at every login, and the
admin site lets staff in only once the session is verified with a code.
"""
from __future__ import annotations

import re

import segno
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from microcred.core import audit

from . import policy
from .models import User

AUTHENTICATOR_NAME = "Authenticator app"
RECOVERY_NAME = "Recovery codes"
RECOVERY_CODE_COUNT = 10


def is_enabled(user) -> bool:
    return getattr(user, "pk", None) is not None and TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def is_staff_role(user) -> bool:
    """Staff and the admin roles (policy.holds_staff_role)."""
    return policy.holds_staff_role(user)


def requires_two_factor(user) -> bool:
    """True when the platform requires two-factor of this person (a staff role and the setting on)."""
    return bool(getattr(settings, "MICROCRED_REQUIRE_2FA_FOR_STAFF_ROLES", False)) and is_staff_role(user)


def remaining_recovery_codes(user) -> int:
    return StaticToken.objects.filter(device__user=user, device__name=RECOVERY_NAME).count()


def _normalize(code: str) -> str:
    return re.sub(r"[\s-]", "", (code or "")).lower()[:32]


# --- enrolment --------------------------------------------------------------------------------------------

def start_enrolment(*, user: User) -> TOTPDevice:
    """A new, unconfirmed authenticator with a fresh secret (replacing an unfinished one). Refused when on."""
    if is_enabled(user):
        raise ValidationError(_("Two-factor authentication is already on. Turn it off first to use another authenticator app."))
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user, confirmed=False).delete()
        return TOTPDevice.objects.create(user=user, name=AUTHENTICATOR_NAME, confirmed=False)


def pending_enrolment(user) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-pk").first()


def secret_for_display(device: TOTPDevice) -> str:
    """The secret in base32 groups of four, for typing into an app that cannot scan."""
    from base64 import b32encode

    text = b32encode(device.bin_key).decode("ascii").rstrip("=")
    return " ".join(text[i:i + 4] for i in range(0, len(text), 4))


def qr_svg(device: TOTPDevice) -> str:
    """The otpauth:// address as an inline SVG QR code (no external request, allowed by the CSP)."""
    return segno.make(device.config_url, error="m").svg_inline(scale=4, title="QR code for your authenticator app")


def confirm_enrolment(*, user: User, code: str) -> list[str]:
    """Turn two-factor on once a code from the new authenticator matches; returns fresh recovery codes
    (shown once). Raises ValidationError with a clear message otherwise."""
    with transaction.atomic():
        device = TOTPDevice.objects.select_for_update().filter(user=user, confirmed=False).order_by("-pk").first()
        if device is None:
            raise ValidationError(_("Start the set-up again: no authenticator is waiting to be confirmed."))
        if not device.verify_token(_normalize(code)):
            raise ValidationError(_("That code does not match. Check that the app shows microcred and enter the current 6-digit code."))
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        codes = _replace_recovery_codes(user)
        audit.record(actor=user, action="two_factor.enabled", target=user)
    return codes


def _replace_recovery_codes(user: User) -> list[str]:
    device, _ = StaticDevice.objects.get_or_create(user=user, name=RECOVERY_NAME, defaults={"confirmed": True})
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create([StaticToken(device=device, token=c) for c in codes])
    return codes


# --- verification ------------------------------------------------------------------------------------------

def verify_code(*, user: User, code: str):
    """The device that accepts `code` (an authenticator code, or a recovery code, which is then used up), or None.

    django-otp throttles each device after failures, so codes cannot be guessed quickly."""
    code = _normalize(code)
    if not code or not is_enabled(user):
        return None
    with transaction.atomic():
        if code.isdigit():
            device = TOTPDevice.objects.select_for_update().filter(user=user, confirmed=True).first()
        else:
            device = StaticDevice.objects.select_for_update().filter(user=user, name=RECOVERY_NAME, confirmed=True).first()
        if device is None or not device.verify_token(code):
            return None
        if isinstance(device, StaticDevice):
            audit.record(actor=user, action="two_factor.recovery_code_used", target=user,
                         data={"remaining": remaining_recovery_codes(user)})
    return device


def _require_code(user: User, code: str):
    if verify_code(user=user, code=code) is None:
        raise ValidationError(_("That code is not right (or was already used). Enter the current code from your app, or a recovery code."))


def new_recovery_codes(*, user: User, code: str) -> list[str]:
    """Replace the recovery codes (the old ones stop working); needs a current code."""
    _require_code(user, code)
    with transaction.atomic():
        codes = _replace_recovery_codes(user)
        audit.record(actor=user, action="two_factor.recovery_codes_replaced", target=user)
    return codes


def disable(*, user: User, code: str) -> None:
    """Turn two-factor off; needs a current code or a recovery code, so a stolen session alone cannot."""
    _require_code(user, code)
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).delete()
        StaticDevice.objects.filter(user=user).delete()
        audit.record(actor=user, action="two_factor.disabled", target=user)


def reset_for(*, user: User, by) -> None:
    """An administrator turns a person's two-factor off (lost phone and recovery codes), with an audit record."""
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).delete()
        StaticDevice.objects.filter(user=user).delete()
        audit.record(actor=by, action="two_factor.reset_by_admin", target=user)
