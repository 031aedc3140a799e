"""Sponsors' side of assessment fees: creating vouchers and reporting who owes what. Recorded, never charged."""
from __future__ import annotations

import csv
import re
import secrets
from typing import IO, Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from microcred.accounts import policy
from microcred.accounts.models import Organization
from microcred.core import audit
from microcred.core.spreadsheets import formula_safe

from .models import Attempt, Voucher

CODE_RE = re.compile(r"^[A-Z0-9-]{4,40}$")
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O or 1/I: codes are read aloud and typed
FEE_COLUMNS = ["attempt_id", "earner", "micro_credential", "version", "fee", "payer", "voucher", "state", "submitted_at", "issuer"]


def sponsor_organizations(user) -> QuerySet[Organization]:
    """Organizations this person may create vouchers for and see fee obligations of."""
    ids = policy.sponsor_organization_ids(user)
    return Organization.objects.all() if ids is None else Organization.objects.filter(pk__in=ids)


def can_sponsor(user, organization: Organization) -> bool:
    return sponsor_organizations(user).filter(pk=organization.pk).exists()


def normalize_code(code: str) -> str:
    return (code or "").strip().upper()


def _generate_code() -> str:
    for _attempt in range(20):
        code = "-".join("".join(secrets.choice(CODE_ALPHABET) for _i in range(4)) for _j in range(3))
        if not Voucher.objects.filter(code=code).exists():
            return code
    raise RuntimeError("Could not generate a unique voucher code.")  # 32^12 codes: practically unreachable


def create_voucher(*, sponsor: Organization, by, code: str | None = None, automatic_for_members: bool = False,
                   micro_credentials: Iterable = (), max_uses: int | None = None, expires_at=None) -> Voucher:
    """Create a voucher by which `sponsor` pays the assessment fee.

    Only recognizer, issuer or platform admins of the sponsor. A code is upper-case letters, digits and
    hyphens, 4–40 characters, and unique; without one, a random code is generated unless the voucher only
    applies automatically to the sponsor's members. An empty MC list means any MC."""
    if not can_sponsor(by, sponsor):
        raise PermissionDenied(_("Only admins of this organization create its vouchers."))
    errors: dict[str, list[str]] = {}
    code = normalize_code(code) if code is not None else None
    if code == "":
        code = None
    if code is not None:
        if not CODE_RE.match(code):
            errors.setdefault("code", []).append(_("Use 4 to 40 letters, digits or hyphens, e.g. TN-2025-FALL."))
        elif Voucher.objects.filter(code=code).exists():
            errors.setdefault("code", []).append(_("The code %(code)s is already in use; choose another.") % {"code": code})
    if max_uses is not None and (isinstance(max_uses, bool) or not isinstance(max_uses, int) or max_uses < 1):
        errors.setdefault("max_uses", []).append(_("Allow at least one use, or leave it empty for no limit."))
    if expires_at is not None and expires_at <= timezone.now():
        errors.setdefault("expires_at", []).append(_("The expiry must be in the future."))
    if errors:
        raise ValidationError(errors)
    if code is None and not automatic_for_members:
        code = _generate_code()
    micro_credentials = list(micro_credentials)
    try:
        with transaction.atomic():
            voucher = Voucher.objects.create(sponsor=sponsor, code=code, automatic_for_members=bool(automatic_for_members),
                                             max_uses=max_uses, expires_at=expires_at)
            if micro_credentials:
                voucher.micro_credentials.set(micro_credentials)
            audit.record(actor=by, action="voucher.created", target=voucher,
                         data={"sponsor": sponsor.slug, "code": code, "automatic": bool(automatic_for_members),
                               "micro_credentials": [mc.slug for mc in micro_credentials], "max_uses": max_uses})
    except IntegrityError:  # another admin took the same code a moment ago
        raise ValidationError({"code": [_("The code %(code)s is already in use; choose another.") % {"code": code}]}) from None
    return voucher


def vouchers_of(organizations) -> QuerySet[Voucher]:
    """Vouchers of these sponsors with how often each was used, newest first."""
    return (Voucher.objects.filter(sponsor__in=organizations).select_related("sponsor").prefetch_related("micro_credentials__current_version")
            .annotate(n_attempts=Count("attempts")).order_by("-created_at"))


def fee_obligations(*, organization: Organization | None = None, organizations=None) -> list[dict]:
    """One row per attempt that carries an assessment fee: who owes it (the earner or a sponsor) and to which issuer.

    With `organization` (or `organizations`), only attempts that organization sponsors or whose MC it issues."""
    qs = (Attempt.objects.filter(fee_amount__isnull=False)
          .select_related("earner", "version", "micro_credential__owner", "paid_by_organization", "voucher")
          .order_by("submitted_at", "pk"))
    orgs = [organization] if organization is not None else (list(organizations) if organizations is not None else None)
    if orgs is not None:
        qs = qs.filter(Q(paid_by_organization__in=orgs) | Q(micro_credential__owner__in=orgs))
    return [{
        "attempt_id": a.pk,
        "earner": a.earner.username,
        "micro_credential": a.version.title,
        "version": a.version.number,
        "fee": a.fee_amount,
        "payer": a.paid_by_organization.name if a.paid_by_organization_id else "earner",
        "voucher": (a.voucher.code or "(automatic)") if a.voucher_id else "",
        "state": a.state,
        "submitted_at": a.submitted_at,
        "issuer": a.micro_credential.owner.name,
    } for a in qs]


def _cell(value) -> str:
    if value is None:
        return ""
    if hasattr(value, "isoformat"):
        return value.isoformat()
    text = str(value)
    return formula_safe(text)  # a spreadsheet must not run a title or username as a formula


def write_fee_csv(rows: Iterable[dict], file: IO[str]) -> int:
    """Write fee obligation rows as CSV with a header line. Returns the number of data rows."""
    writer = csv.writer(file)
    writer.writerow(FEE_COLUMNS)
    n = 0
    for row in rows:
        writer.writerow([_cell(row.get(col)) for col in FEE_COLUMNS])
        n += 1
    return n
