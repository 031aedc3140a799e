"""Every write of the credentials app: issuing, revoking, visibility."""
from __future__ import annotations

import json
import secrets
import uuid

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop

from microcred.accounts import policy
from microcred.accounts import selectors as accounts_selectors
from microcred.core import audit
from microcred.core.i18n import Later
from microcred.core.transitions import ensure_transition
from microcred.earning.models import Attempt, CredentialStanding, Decision
from microcred.earning.notifications import notify
from microcred.earning.services import record_credential_standing

from . import builder, keys, presentation, status
from .standards import dataintegrity, images, ob2, vcjwt
from .standards import fetch as remote
from .signals import (credential_imported, credential_issued, credential_reinstated, credential_revoked,
                      credential_suspended, send_after_commit)
from . import selectors
from .models import ExternalCredential, IssuedCredential, IssuerKey, KnownIssuer, StatusList
from .verify import MAX_BYTES, online_enabled, verify_credential


def issue_for_attempt(attempt: Attempt, *, valid_until=None) -> IssuedCredential:
    """Issue the OpenBadgeCredential of an earned attempt, exactly once.

    Guarantees: a second call (or a retried task) returns the credential already issued; two concurrent calls
    cannot both issue (the attempt row lock, and the one-to-one constraint behind it); the credential is signed
    with an eddsa-rdfc-2022 proof and as an ES256 VC-JWT, and holds a fresh index in the issuer's revocation list.
    ``valid_until`` (a datetime) makes the credential expire then (``validUntil``, and ``exp`` in the VC-JWT).
    Raises ValidationError if the attempt is not earned."""
    existing = IssuedCredential.objects.filter(attempt_id=attempt.pk).first()
    if existing:
        return existing
    try:
        with transaction.atomic():
            attempt = Attempt.objects.select_for_update().select_related("version__micro_credential", "earner").get(pk=attempt.pk)
            existing = IssuedCredential.objects.filter(attempt=attempt).first()
            if existing:
                return existing
            if attempt.state != Attempt.State.EARNED:
                raise ValidationError(f"Attempt {attempt.pk} is {attempt.state}, not earned: no credential to issue.")
            decision = (Decision.objects.filter(submission__attempt=attempt, result=Decision.Result.EARNED)
                        .order_by("-decided_at").first())
            if decision is None:
                raise ValidationError(f"Attempt {attempt.pk} has no earned decision.")
            issuer = builder.issuing_organization(attempt.version)
            ed_key = keys.active_key(issuer, IssuerKey.Algorithm.ED25519)
            ec_key = keys.active_key(issuer, IssuerKey.Algorithm.P256)
            status_list, index = status.allocate_index(issuer, StatusList.Purpose.REVOCATION)
            suspension_list, suspension_index = (status.allocate_index(issuer, StatusList.Purpose.SUSPENSION)
                                                 if status.suspension_enabled() else (None, None))
            credential_id, now = uuid.uuid4(), timezone.now()
            unsigned = builder.build_credential(
                credential_id=credential_id, attempt=attempt, decision=decision, issuer=issuer,
                salt=secrets.token_hex(16), status_list_url=status.status_list_url(status_list), status_index=index,
                suspension_list_url=status.status_list_url(suspension_list) if suspension_list else None,
                suspension_index=suspension_index)
            if valid_until is not None:
                unsigned["validUntil"] = builder.iso(valid_until)
            signed = dataintegrity.sign(unsigned, private_key=keys.private_key(ed_key),
                                        verification_method=keys.key_url(ed_key), created=builder.iso(now))
            token = vcjwt.sign(unsigned, private_key=keys.private_key(ec_key), kid=keys.key_url(ec_key), issued_at=now)
            issued = IssuedCredential.objects.create(
                id=credential_id, attempt=attempt, issuer=issuer, version=attempt.version, earner=attempt.earner,
                credential=signed, jwt=token, status_list=status_list, status_index=index,
                suspension_list=suspension_list, suspension_index=suspension_index, issued_at=now)
            audit.record(actor=None, action="credential.issued", target=issued,
                         data={"attempt": attempt.pk, "issuer": issuer.slug, "status_index": index})
            _tell_earner(issued, CredentialStanding.State.ACTIVE, at=now, kind="credential",
                         message=Later(gettext_noop("Your credential for “%(title)s” has been issued. Open it to share or "
                                                    "download it."), title=attempt.version.title),
                         dedupe_key=f"credential-issued-{issued.pk}")
            send_after_commit(credential_issued, credential_id=str(issued.pk), earner_id=issued.earner_id)
    except IntegrityError:
        # Another worker issued it between our check and our insert: theirs is the one.
        existing = IssuedCredential.objects.filter(attempt_id=attempt.pk).first()
        if existing is None:
            raise
        return existing
    return issued


def _tell_earner(credential: IssuedCredential, state: str, *, at, kind: str, message, reason: str = "",
                 dedupe_key: str = "") -> None:
    """Inside the caller's transaction: record the credential's standing on the earner's side (earning shows it on
    "My MCs" and the attempt, and stops counting a revoked one) and send the earner a notice (e-mailed after commit
    by earning's background task), written in the earner's language (``message``: a ``core.i18n.Later``)."""
    url = reverse("credentials:credential", args=[credential.pk])
    record_credential_standing(attempt_id=credential.attempt_id, credential_id=credential.pk, url=url, state=state,
                               at=at, reason=reason)
    notify(user=credential.earner, kind=kind, message=message, url=url, dedupe_key=dedupe_key)


# Credential states (IssuedCredential.state). Revocation is final; a suspension can be lifted.
STATE_MOVES = {
    IssuedCredential.State.ACTIVE: {IssuedCredential.State.SUSPENDED, IssuedCredential.State.REVOKED},
    IssuedCredential.State.SUSPENDED: {IssuedCredential.State.ACTIVE, IssuedCredential.State.REVOKED},
    IssuedCredential.State.REVOKED: set(),
}
STATE_LABELS = {"active": gettext_lazy("active"), "suspended": gettext_lazy("suspended"),
                "revoked": gettext_lazy("revoked (final)")}


def available_moves(credential: IssuedCredential) -> dict[str, bool]:
    """Which moves STATE_MOVES allows the credential now, for pages to offer (not who may make them: see
    policy.can_revoke): suspend (only with a suspension status entry), unsuspend, revoke."""
    S, allowed = IssuedCredential.State, STATE_MOVES[credential.state]
    return {"suspend": credential.state != S.SUSPENDED and S.SUSPENDED in allowed and credential.can_be_suspended,
            "unsuspend": credential.state == S.SUSPENDED and S.ACTIVE in allowed,
            "revoke": S.REVOKED in allowed}


def _require_issuer_admin(by, credential: IssuedCredential, action: str) -> None:
    if not policy.can_revoke(by, credential):
        raise PermissionDenied(_("Only issuer admins of the issuing organization may change this credential's status."))


def _required_reason(reason, message: str) -> str:
    reason = reason.strip() if isinstance(reason, str) else ""
    if not reason:
        raise ValidationError({"reason": [message]})
    return reason[:500]


def suspend(credential: IssuedCredential, *, by, reason: str) -> IssuedCredential:
    """Suspend a credential: sets its bit in the issuer's suspension list, so every verifier that checks status
    reports it "suspended" until the suspension is lifted. Issuer admins of the issuing organization only; a
    reason is required; audited. Suspending a suspended credential keeps the first suspension. A revoked
    credential, or one issued without a suspension status entry, cannot be suspended (ValidationError)."""
    _require_issuer_admin(by, credential, "suspend")
    reason = _required_reason(reason, _("Say why the credential is suspended; the earner will see it."))
    with transaction.atomic():
        credential = (IssuedCredential.objects.select_for_update(of=("self",))
                      .select_related("suspension_list__organization", "issuer").get(pk=credential.pk))
        if credential.state == IssuedCredential.State.SUSPENDED:
            return credential  # double click, second tab: the first suspension stands
        ensure_transition(credential.state, IssuedCredential.State.SUSPENDED, STATE_MOVES, what=_("The credential"),
                          labels=STATE_LABELS)
        if not credential.can_be_suspended:
            raise ValidationError(_("This credential was issued without a suspension status entry, so verifiers "
                                    "could not see a suspension. Revoke it if it must stop verifying."))
        status.set_bit(credential.suspension_list, credential.suspension_index, True)
        credential.suspended_at, credential.suspended_by, credential.suspension_reason = timezone.now(), by, reason
        credential.save(update_fields=["suspended_at", "suspended_by", "suspension_reason"])
        audit.record(actor=by, action="credential.suspended", target=credential, data={"reason": reason})
        _tell_earner(credential, CredentialStanding.State.SUSPENDED, at=credential.suspended_at, reason=reason,
                     kind="revocation", message=Later(gettext_noop("Your credential for “%(title)s” was suspended: %(reason)s"),
                                   title=credential.version.title, reason=reason))
        send_after_commit(credential_suspended, credential_id=str(credential.pk), earner_id=credential.earner_id)
    return credential


def unsuspend(credential: IssuedCredential, *, by, reason: str) -> IssuedCredential:
    """Lift a credential's suspension: clears its bit in the suspension list, so it verifies again. Issuer admins of
    the issuing organization only; a reason is required; audited. Lifting the suspension of a credential that is
    not suspended changes nothing; a revoked credential stays revoked (ValidationError)."""
    _require_issuer_admin(by, credential, "reinstate")
    reason = _required_reason(reason, "Say why the suspension is lifted; it is kept in the audit trail.")
    with transaction.atomic():
        credential = (IssuedCredential.objects.select_for_update(of=("self",))
                      .select_related("suspension_list__organization", "issuer").get(pk=credential.pk))
        if credential.state == IssuedCredential.State.ACTIVE:
            return credential
        ensure_transition(credential.state, IssuedCredential.State.ACTIVE, STATE_MOVES, what=_("The credential"),
                          labels=STATE_LABELS)
        status.set_bit(credential.suspension_list, credential.suspension_index, False)
        previous = credential.suspension_reason
        credential.suspended_at, credential.suspended_by, credential.suspension_reason = None, None, ""
        credential.save(update_fields=["suspended_at", "suspended_by", "suspension_reason"])
        audit.record(actor=by, action="credential.unsuspended", target=credential,
                     data={"reason": reason, "suspension_reason": previous})
        _tell_earner(credential, CredentialStanding.State.ACTIVE, at=timezone.now(), kind="revocation",
                     message=Later(gettext_noop("The suspension of your credential for “%(title)s” was lifted: it is active "
                                                "again."), title=credential.version.title))
        send_after_commit(credential_reinstated, credential_id=str(credential.pk), earner_id=credential.earner_id)
    return credential


def revoke(credential: IssuedCredential, *, by, reason: str) -> IssuedCredential:
    """Revoke a credential: sets its bit in the issuer's revocation list. Issuer admins of the issuing
    organization only; a reason is required; audited. Revoking twice keeps the first revocation."""
    if not policy.can_revoke(by, credential):
        raise PermissionDenied(_("Only issuer admins of the issuing organization may revoke this credential."))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": [_("Say why the credential is revoked; the earner will see it.")]})
    with transaction.atomic():
        credential = IssuedCredential.objects.select_for_update().select_related("status_list__organization").get(pk=credential.pk)
        if credential.revoked_at:
            return credential
        status.set_bit(credential.status_list, credential.status_index, True)
        credential.revoked_at, credential.revoked_by, credential.revocation_reason = timezone.now(), by, reason[:500]
        credential.save(update_fields=["revoked_at", "revoked_by", "revocation_reason"])
        audit.record(actor=by, action="credential.revoked", target=credential, data={"reason": credential.revocation_reason})
        _tell_earner(credential, CredentialStanding.State.REVOKED, at=credential.revoked_at,
                     reason=credential.revocation_reason, kind="revocation",
                     message=Later(gettext_noop("Your credential for “%(title)s” was revoked: %(reason)s"),
                                   title=credential.version.title, reason=credential.revocation_reason),
                     dedupe_key=f"credential-revoked-{credential.pk}")
        send_after_commit(credential_revoked, credential_id=str(credential.pk), earner_id=credential.earner_id,
                          reason=credential.revocation_reason)
    return credential


def set_visibility(credential: IssuedCredential, *, by, visibility: str) -> IssuedCredential:
    """The earner chooses who may see the credential at its URL."""
    if credential.earner_id != getattr(by, "pk", None):
        raise PermissionDenied(_("Only the earner may change who sees this credential."))
    if visibility not in IssuedCredential.Visibility.values:
        raise ValidationError({"visibility": [_("Choose private, link or public.")]})
    credential.visibility = visibility
    credential.save(update_fields=["visibility"])
    audit.record(actor=by, action="credential.visibility", target=credential, data={"visibility": visibility})
    return credential


def _text(value, limit: int) -> str:
    return value.strip()[:limit] if isinstance(value, str) else ""


def _first_failure(report) -> str:
    failed = report.errors
    if not failed:
        return _("the credential did not pass every check")
    return "; ".join(f"{c['check']}: {c['message']}" for c in presentation.shown_checks(failed))


def _as_text(data) -> str | None:
    if isinstance(data, str):
        return data.strip()
    if isinstance(data, (bytes, bytearray)):
        try:
            return bytes(data).decode("utf-8-sig").strip()
        except UnicodeDecodeError:
            return None
    return None


def _ob2_status(report) -> str:
    if not report.issuer_confirmed:
        return ExternalCredential.STATUS_OB2_UNCONFIRMED
    return ExternalCredential.STATUS_OB2_SIGNED if report.kind == "signed" else ExternalCredential.STATUS_OB2_HOSTED


def _known_ob2_keys() -> list[dict]:
    """OB 2.0 CryptographicKey objects (with ``publicKeyPem``) among the documents of registered known issuers."""
    found = []
    for documents in KnownIssuer.objects.values_list("key_documents", flat=True):
        found += [d for d in documents or [] if isinstance(d, dict) and d.get("publicKeyPem")]
    return found


def _import_ob2(*, earner, payload: str, container: str) -> ExternalCredential:
    """An Open Badges 2.0 assertion: kept unless a check failed, with what was and was not verifiable."""
    report = ob2.verify_assertion(
        payload, container=container, recipient_emails=selectors.earner_emails(earner),
        trusted_keys=_known_ob2_keys(),
        fetch=remote.fetch_json if settings.MICROCRED_OB2_ONLINE else None)
    if report.refused:
        reasons = "; ".join(c.message.rstrip(".") for c in report.errors) or _("it could not be read")
        raise ValidationError({"document": [_("Not imported (Open Badges 2.0): %(reasons)s.") % {"reasons": reasons}]})
    info = ob2.summary(report)
    with transaction.atomic():
        existing = ExternalCredential.objects.filter(earner=earner, credential_id=info["credential_id"]).first()
        if existing:
            return existing
        imported = ExternalCredential.objects.create(
            earner=earner, raw=payload.strip(), standard=ExternalCredential.Standard.OB2, format=report.container,
            credential=report.assertion, status=_ob2_status(report), verification=report.as_dict(),
            issuer_known=KnownIssuer.objects.filter(identifier=info["issuer_id"]).exists(),
            verified_at=timezone.now(), **info)
        audit.record(actor=earner, action="credential.imported", target=imported,
                     data={"issuer": imported.issuer_id, "format": imported.format, "standard": "ob2",
                           "status": imported.status})
        send_after_commit(credential_imported, external_id=imported.pk, earner_id=earner.pk)
    return imported


def import_external_credential(*, earner, data) -> ExternalCredential:
    """Store a credential issued elsewhere: Open Badges 3.0 only if it verifies right now; Open Badges 2.0 unless a
    check fails, labelled with what could be verified (ob2.py).

    ``data`` is the uploaded JSON text/bytes, a VC-JWT or OB 2.0 JWS, or a baked PNG/SVG image (its baked text is
    read and verified like the JSON). No key document from the person importing is used: an OB 3.0 proof must
    verify with a key bound to the credential's issuer (see :mod:`.verify`), an OB 2.0 signature with a key of a
    known issuer. Guarantees: refused with the verifier's own reasons (ValidationError) and nothing saved when a
    check fails; an OB 3.0 credential is stored as "external, verified" only when its issuer is known to this
    platform, otherwise as "external, unknown issuer" (shown so, and not counted by recognition); credentials
    issued by this platform are refused (they are already the earner's); importing the same credential twice
    returns the first import; audited."""
    if not policy.can_import_credential(earner):
        raise PermissionDenied(_("Log in to import a credential."))
    if isinstance(data, (bytes, bytearray)) and len(data) > MAX_BYTES:
        raise ValidationError({"document": [_("The file is larger than %(size)s bytes (2 MB).") % {"size": f"{MAX_BYTES:,}"}]})
    container = None
    if isinstance(data, (bytes, bytearray)):
        try:
            baked = images.unbake(bytes(data))
        except images.BakingError as error:
            raise ValidationError({"document": [_("Not imported: %(error)s") % {"error": error}]}) from None
        if baked is not None:
            if baked.standard == "ob2":
                return _import_ob2(earner=earner, payload=baked.payload, container=baked.container)
            data, container = baked.payload, baked.container
    text = _as_text(data)
    if text is not None and (ob2.is_ob2(text) or text.startswith(("https://", "http://"))):
        return _import_ob2(earner=earner, payload=text, container="json")
    report = verify_credential(data)
    if not report.verified:
        raise ValidationError({"document": [_("Not imported: it did not verify — %(reason)s") % {"reason": _first_failure(report)}]})
    credential = report.credential or {}
    issuer = credential.get("issuer")
    issuer_id = issuer.get("id") if isinstance(issuer, dict) else issuer
    if isinstance(issuer_id, str) and issuer_id.startswith(f"{keys.site_url()}/issuers/"):
        raise ValidationError({"document": [_("This credential was issued by this platform; it is already listed "
                                              "with your credentials (if it is yours).")]})
    subject = credential.get("credentialSubject")
    subject = subject[0] if isinstance(subject, list) and subject else subject
    achievement = subject.get("achievement") if isinstance(subject, dict) else None
    achievement = achievement[0] if isinstance(achievement, list) and achievement else achievement
    raw = bytes(data).decode("utf-8-sig") if isinstance(data, (bytes, bytearray)) else (
        data if isinstance(data, str) else json.dumps(data))
    valid_from = parse_datetime(credential.get("validFrom") or "") if isinstance(credential.get("validFrom"), str) else None
    valid_until = parse_datetime(credential.get("validUntil") or "") if isinstance(credential.get("validUntil"), str) else None
    credential_id = _text(credential.get("id"), 1000)
    with transaction.atomic():
        if credential_id:
            existing = ExternalCredential.objects.filter(earner=earner, credential_id=credential_id).first()
            if existing:
                return existing
        imported = ExternalCredential.objects.create(
            earner=earner, raw=raw.strip(), format=container or report.format, credential=credential, credential_id=credential_id,
            issuer_id=_text(issuer_id, 1000), issuer_name=_text(issuer.get("name") if isinstance(issuer, dict) else "", 500),
            achievement_name=_text(achievement.get("name") if isinstance(achievement, dict) else credential.get("name"), 500),
            valid_from=valid_from, valid_until=valid_until, issuer_known=report.issuer_known,
            status=ExternalCredential.STATUS_VERIFIED if report.issuer_known else ExternalCredential.STATUS_UNKNOWN_ISSUER,
            verification=report.as_dict(), verified_at=timezone.now())
        audit.record(actor=earner, action="credential.imported", target=imported,
                     data={"issuer": imported.issuer_id, "format": imported.format, "issuer_known": imported.issuer_known})
        send_after_commit(credential_imported, external_id=imported.pk, earner_id=earner.pk)
    return imported


# --- known issuers ---------------------------------------------------------------------------------------------

MAX_KEY_DOCUMENTS_BYTES = 256 * 1024


def _clean_identifier(identifier) -> str:
    identifier = identifier.strip() if isinstance(identifier, str) else ""
    if not identifier or len(identifier) > 1000 or any(c.isspace() for c in identifier):
        raise ValidationError({"identifier": [_("Give the issuer's id exactly as its credentials name it (an https "
                                                "URL, a did:web or a did:key), without spaces.")]})
    if keys.organization_for_issuer_id(identifier) is not None or identifier.startswith(f"{keys.site_url()}/"):
        raise ValidationError({"identifier": [_("That is one of this platform's own issuers; it is known already.")]})
    if not identifier.startswith(("https://", "did:web:", "did:key:")):
        raise ValidationError({"identifier": [_("The issuer id must be an https URL, a did:web or a did:key.")]})
    if identifier.startswith("did:key:"):
        try:
            dataintegrity.resolve_did_key(f"{identifier}#{identifier[len('did:key:'):]}")
        except ValueError:
            raise ValidationError({"identifier": [_("That did:key is not an Ed25519 public key.")]}) from None
    return identifier


def _clean_key_documents(identifier: str, documents) -> list[dict]:
    """The documents as a list of objects; each key they list must be controlled by ``identifier``."""
    from .standards.verify import MAX_DEPTH, _controller_matches, _Documents, _value_depth_exceeds

    if documents in (None, "", []):
        documents = []
    if isinstance(documents, dict):
        documents = [documents]
    if not isinstance(documents, list) or not all(isinstance(d, dict) for d in documents):
        raise ValidationError({"key_documents": [_("Key documents must be JSON objects (or a list of them).")]})
    if _value_depth_exceeds(documents, MAX_DEPTH):
        raise ValidationError({"key_documents": [_("Key documents nest deeper than %(depth)s levels.") % {"depth": MAX_DEPTH}]})
    if len(json.dumps(documents)) > MAX_KEY_DOCUMENTS_BYTES:
        raise ValidationError({"key_documents": [_("Key documents are limited to %(size)s bytes.") % {"size": f"{MAX_KEY_DOCUMENTS_BYTES:,}"}]})
    methods = _Documents(documents).methods
    # Open Badges 2.0 issuers publish CryptographicKey objects (publicKeyPem) owned by the issuer profile.
    ob2_keys = [d for d in documents if d.get("publicKeyPem")]
    for key in ob2_keys:
        if key.get("owner") != identifier:
            raise ValidationError({"key_documents": [
                _("The key %(key)s is owned by %(owner)s, not by %(issuer)s.") % {
                    "key": str(key.get("id", ""))[:200], "owner": str(key.get("owner"))[:200], "issuer": identifier[:200]}]})
    for method_id, (method, controller) in methods.items():
        if controller is not None and not _controller_matches(controller, identifier):
            raise ValidationError({"key_documents": [
                _("The key %(key)s is controlled by %(controller)s, not by %(issuer)s.") % {
                    "key": method_id[:200], "controller": controller[:200], "issuer": identifier[:200]}]})
        if not (method.get("publicKeyMultibase") or method.get("publicKeyJwk") or method.get("kty")):
            raise ValidationError({"key_documents": [_("The key %(key)s has no public key.") % {"key": method_id[:200]}]})
    if not methods and not ob2_keys and not identifier.startswith("did:key:") and documents:
        raise ValidationError({"key_documents": [_("These documents list no key (verificationMethod).")]})
    return documents


def register_known_issuer(*, by, identifier, name, key_documents=None, note: str = "") -> KnownIssuer:
    """Register an external issuer as known to this platform: its credentials then verify with the keys in
    ``key_documents`` (or its did:key) and count for recognition. Platform and recognizer admins only; audited.
    Imports already made from that issuer are re-verified and relabelled. ValidationError on bad input or an
    identifier registered already."""
    if not policy.can_register_known_issuer(by):
        raise PermissionDenied(_("Only platform admins and recognizer admins may register known issuers."))
    identifier = _clean_identifier(identifier)
    name = name.strip()[:300] if isinstance(name, str) else ""
    if not name:
        raise ValidationError({"name": [_("Give the issuer's name.")]})
    documents = _clean_key_documents(identifier, key_documents)
    if not documents and not identifier.startswith("did:key:") and not online_enabled():
        raise ValidationError({"key_documents": [_("Give the issuer's key or controller document: online lookup is "
                                                   "off, so its keys could not be found otherwise.")]})
    with transaction.atomic():
        if KnownIssuer.objects.filter(identifier=identifier).exists():
            raise ValidationError({"identifier": [_("That issuer is registered already.")]})
        known = KnownIssuer.objects.create(identifier=identifier, name=name, key_documents=documents,
                                           registered_by=by, note=_text(note, 500))
        audit.record(actor=by, action="known_issuer.registered", target=known,
                     data={"identifier": identifier, "name": name, "keys": len(documents)})
        transaction.on_commit(lambda: refresh_imports_from(identifier))
    return known


def remove_known_issuer(known: KnownIssuer, *, by) -> None:
    """Forget a known issuer: its credentials are "signed by an issuer this platform does not know" again and stop
    counting for recognition. Platform and recognizer admins only; audited."""
    if not policy.can_remove_known_issuer(by, known):
        raise PermissionDenied(_("Only platform admins and recognizer admins may remove known issuers."))
    identifier = known.identifier
    with transaction.atomic():
        audit.record(actor=by, action="known_issuer.removed", target=known,
                     data={"identifier": identifier, "name": known.name})
        known.delete()
        transaction.on_commit(lambda: refresh_imports_from(identifier))


def refresh_imports_from(issuer_id: str) -> int:
    """Verify again every import from ``issuer_id`` (after the registry changed) and relabel it: "external,
    verified" only if it verifies now and its issuer is known. Returns how many changed; recognition hears of each."""
    changed = 0
    known_now = KnownIssuer.objects.filter(identifier=issuer_id).exists()
    # An Open Badges 2.0 import keeps the trust level its checks earned; only whether its issuer is known changes.
    for imported in ExternalCredential.objects.filter(issuer_id=issuer_id, standard=ExternalCredential.Standard.OB2) \
            .exclude(issuer_known=known_now):
        imported.issuer_known = known_now
        imported.save(update_fields=["issuer_known"])
        changed += 1
        send_after_commit(credential_imported, external_id=imported.pk, earner_id=imported.earner_id)
    for imported in ExternalCredential.objects.filter(issuer_id=issuer_id, standard=ExternalCredential.Standard.OB3):
        report = verify_credential(imported.raw)
        known = report.issuer_known
        status_text = ExternalCredential.STATUS_VERIFIED if known else ExternalCredential.STATUS_UNKNOWN_ISSUER
        if imported.issuer_known != known or imported.status != status_text:
            imported.issuer_known, imported.status = known, status_text
            imported.verification, imported.verified_at = report.as_dict(), timezone.now()
            imported.save(update_fields=["issuer_known", "status", "verification", "verified_at"])
            changed += 1
            send_after_commit(credential_imported, external_id=imported.pk, earner_id=imported.earner_id)
    return changed
