"""Who pays the assessment fee: vouchers from districts and states. Recorded and exported, never charged here."""
from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from microcred.accounts.selectors import member_organization_ids
from microcred.core import audit

from .models import Attempt, Voucher


def _usable(qs, attempt: Attempt):
    now = timezone.now()
    return (qs.filter(Q(expires_at__isnull=True) | Q(expires_at__gt=now))
              .filter(Q(max_uses__isnull=True) | Q(used_count__lt=F("max_uses")))
              .filter(Q(micro_credentials__isnull=True) | Q(micro_credentials=attempt.micro_credential)).distinct())


def _apply(attempt: Attempt, voucher: Voucher, by) -> Attempt:
    updated = Voucher.objects.filter(pk=voucher.pk).filter(Q(max_uses__isnull=True) | Q(used_count__lt=F("max_uses"))).update(used_count=F("used_count") + 1)
    if not updated:
        raise ValidationError({"code": [_("This voucher has been used up.")]})
    attempt.voucher, attempt.paid_by_organization = voucher, voucher.sponsor
    attempt.save(update_fields=["voucher", "paid_by_organization", "updated_at"])
    audit.record(actor=by, action="attempt.sponsored", target=attempt, data={"sponsor": voucher.sponsor.slug, "voucher": voucher.pk})
    return attempt


def apply_automatic_voucher(attempt: Attempt) -> Attempt:
    """If the earner's district or state pays automatically for its members, record that (call in a transaction)."""
    if not attempt.fee_amount or attempt.voucher_id:
        return attempt
    orgs = member_organization_ids(attempt.earner)
    profile = getattr(attempt.earner, "educator_profile", None)
    if profile is not None:
        orgs |= {pk for pk in (profile.district_id, profile.school_id) if pk}
    voucher = _usable(Voucher.objects.filter(automatic_for_members=True, sponsor_id__in=orgs), attempt).order_by("pk").first()
    return _apply(attempt, voucher, attempt.earner) if voucher else attempt


def redeem_voucher(*, attempt: Attempt, code: str, by) -> Attempt:
    """The earner enters a sponsor's code so the sponsor, not the earner, owes the fee."""
    if attempt.earner_id != by.pk:
        raise PermissionDenied(_("Only the earner can redeem a voucher on this attempt."))
    code = (code or "").strip().upper()[:40]
    if not attempt.fee_amount:
        raise ValidationError({"code": [_("This micro-credential has no fee to cover.")]})
    if attempt.voucher_id:
        raise ValidationError({"code": [_("A sponsor already covers this attempt.")]})
    with transaction.atomic():
        attempt = Attempt.objects.select_for_update().get(pk=attempt.pk)
        voucher = _usable(Voucher.objects.filter(code=code), attempt).first() if code else None
        if voucher is None:
            raise ValidationError({"code": [_("That code is not valid for this micro-credential (check for typos, expiry or use limits).")]})
        return _apply(attempt, voucher, by)
