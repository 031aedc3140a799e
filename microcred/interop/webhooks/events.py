"""The events an organization may subscribe to, and what each one says: a thin payload of identifiers and states.

Payloads never carry an earner's name, e-mail address, evidence or a reason a person wrote: a receiver that needs
more asks the platform's APIs with its own access, where the same rules apply as on the site
(docs/decisions/0028-outbound-webhooks.md). Who receives an event is asked of ``policy.webhook_may_carry``."""
from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from microcred.accounts import policy
from microcred.credentials.models import IssuedCredential
from microcred.earning.models import Attempt, Submission
from microcred.recognition.models import Award, Policy

EVENT_TYPES = policy.WEBHOOK_ISSUER_EVENTS + policy.WEBHOOK_RECOGNIZER_EVENTS

LABELS = {
    "attempt.submitted": _("An attempt at one of our MCs was submitted"),
    "attempt.decided": _("A decision was recorded on an attempt at one of our MCs"),
    "credential.issued": _("A credential was issued"),
    "credential.revoked": _("A credential was revoked"),
    "credential.suspended": _("A credential was suspended"),
    "credential.reinstated": _("A credential's suspension was lifted"),
    "award.granted": _("A recognition award was granted"),
    "award.withdrawn": _("A recognition award was withdrawn"),
    "policy.published": _("A recognition policy was published"),
    "webhook.test": _("Test event"),
}


def label(event_type: str) -> str:
    return str(LABELS.get(event_type, event_type))


def _mc(version) -> dict:
    return {"id": version.micro_credential.slug, "version": version.number, "title": version.title}


def _when(value) -> str | None:
    return value.isoformat().replace("+00:00", "Z") if value else None


def subjects(event_type: str, data: dict) -> list[tuple[int | None, dict]]:
    """(owner organization id, payload data) of each thing the event is about; [] when it no longer exists."""
    if event_type in ("attempt.submitted", "attempt.decided"):
        submission = (Submission.objects.select_related("attempt__version__micro_credential")
                      .filter(pk=data.get("submission_id"), attempt_id=data.get("attempt_id")).first())
        if submission is None:
            return []
        attempt = submission.attempt
        payload = {"attempt_id": attempt.pk, "submission_id": submission.pk, "submission_number": submission.number,
                   "micro_credential": _mc(attempt.version), "submitted_at": _when(submission.submitted_at)}
        if event_type == "attempt.decided":
            payload["result"] = data.get("result")
        return [(attempt.version.micro_credential.owner_id, payload)]
    if event_type.startswith("credential."):
        credential = (IssuedCredential.objects.select_related("version__micro_credential")
                      .filter(pk=data.get("credential_id")).first())
        if credential is None:
            return []
        return [(credential.issuer_id, {"credential_id": str(credential.pk), "state": credential.state,
                                        "micro_credential": _mc(credential.version), "issued_at": _when(credential.issued_at),
                                        "revoked_at": _when(credential.revoked_at), "suspended_at": _when(credential.suspended_at)})]
    if event_type in ("award.granted", "award.withdrawn"):
        awards = Award.objects.select_related("policy").filter(pk__in=data.get("award_ids") or [])
        return [(a.policy.recognizer_id, {"award_id": a.pk, "state": a.state, "name": a.name, "kind": a.kind,
                                          "outcome": a.outcome_key, "amount": str(a.amount) if a.amount is not None else None,
                                          "unit": a.unit, "policy": {"id": a.policy.slug, "version": a.policy.version},
                                          "awarded_at": _when(a.awarded_at), "withdrawn_at": _when(a.withdrawn_at)})
                for a in awards]
    if event_type == "policy.published":
        p = Policy.objects.filter(pk=data.get("policy_id")).first()
        if p is None:
            return []
        return [(p.recognizer_id, {"policy": {"id": p.slug, "version": p.version, "title": p.title},
                                   "effective_from": p.effective_from.isoformat(),
                                   "published_at": _when(p.published_at)})]
    return []
