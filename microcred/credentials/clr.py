"""Comprehensive Learner Record 2.0: one signed ClrCredential holding every credential an earner keeps here.

The CLR is issued by the platform itself (organization ``microcred-platform``, created on first use with its own
keys): the micro-credentials were issued by many organizations, and none of them should sign for the others.
Each nested OpenBadgeCredential is included exactly as issued, so it still verifies on its own. Stacks are
represented as Achievements of type ``LearningProgram`` (an OB 3.0 AchievementType), and each micro-credential
achievement ``isPartOf`` the stacks it belongs to (CLR 2.0 AssociationType: the source is part of the target).
"""
from __future__ import annotations

import secrets
import uuid

from django.conf import settings
from django.utils import timezone

from microcred.accounts.models import Organization
from microcred.catalog.models import Stack, StackItem

from . import builder, keys
from .standards import dataintegrity
from .models import IssuedCredential, IssuerKey
from .verify import verify_credential

PLATFORM_SLUG = "microcred-platform"
CONTEXT = [
    "https://www.w3.org/ns/credentials/v2",
    "https://purl.imsglobal.org/spec/clr/v2p0/context-2.0.1.json",
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
    "https://purl.imsglobal.org/spec/ob/v3p0/extensions.json",
]
CLR_SCHEMA_ID = "https://purl.imsglobal.org/spec/clr/v2p0/schema/json/clr_v2p0_clrcredential_schema.json"
STACK_ACHIEVEMENT_TYPE = "LearningProgram"
MAX_STACK_DEPTH = 5  # pathways nest stacks; a bound keeps a bad cycle from looping


def platform_organization() -> Organization:
    """The platform's own issuer profile (created on demand), with its signing keys."""
    organization, _ = Organization.objects.get_or_create(
        slug=PLATFORM_SLUG,
        defaults={"name": "microcred platform", "kind": Organization.Kind.NONPROFIT,
                  "website": getattr(settings, "SITE_URL", "") or ""})
    keys.ensure_keys(organization)
    return organization


def stack_url(stack: Stack) -> str:
    return f"{keys.site_url()}/catalog/stacks/{stack.slug}/"


def stack_achievement(stack: Stack) -> dict:
    achievement = {"id": stack_url(stack), "type": ["Achievement"], "achievementType": STACK_ACHIEVEMENT_TYPE,
                   "name": stack.title, "description": stack.description.strip() or stack.title,
                   "criteria": {"narrative": stack.get_rule_display()
                                + (f" (any {stack.required_count})" if stack.required_count else "")},
                   "creator": builder.profile(stack.owner)}
    return achievement


def _subject_achievement(credential: dict) -> dict | None:
    subject = credential.get("credentialSubject")
    achievement = subject.get("achievement") if isinstance(subject, dict) else None
    return achievement if isinstance(achievement, dict) else None


def _identifier(earner) -> dict:
    # The same hashed identity object as in each credential, with its own salt.
    return builder._identifier(earner, secrets.token_hex(16))


def credentials_for_clr(earner) -> list[IssuedCredential]:
    return list(IssuedCredential.objects.filter(earner=earner, revoked_at__isnull=True)
                .select_related("version__micro_credential").order_by("issued_at"))


def build_clr(earner, *, now=None) -> dict:
    """The unsigned ClrCredential of ``earner``: their non-revoked credentials, achievements and stack links."""
    now = now or timezone.now()
    issued = credentials_for_clr(earner)
    achievements: dict[str, dict] = {}
    associations: list[dict] = []
    seen_links: set[tuple[str, str]] = set()

    def link(source: str, target: str) -> None:
        if (source, target) not in seen_links:
            seen_links.add((source, target))
            associations.append({"type": "Association", "associationType": "isPartOf",
                                 "sourceId": source, "targetId": target})

    def add_stacks(source_id: str, items, depth: int) -> None:
        if depth > MAX_STACK_DEPTH:
            return
        for item in items:
            stack = item.stack
            if stack.state != Stack.State.PUBLISHED:
                continue
            achievements.setdefault(stack_url(stack), stack_achievement(stack))
            link(source_id, stack_url(stack))
            add_stacks(stack_url(stack), StackItem.objects.filter(child_stack=stack).select_related("stack__owner"),
                       depth + 1)

    for credential in issued:
        achievement = _subject_achievement(credential.credential)
        if achievement is None:
            continue
        achievements.setdefault(achievement["id"], achievement)
        add_stacks(achievement["id"], StackItem.objects.filter(micro_credential=credential.version.micro_credential)
                   .select_related("stack__owner"), 1)

    name = earner.get_full_name() or earner.get_username()
    subject = {"type": ["ClrSubject"], "identifier": [_identifier(earner)],
               "verifiableCredential": [credential.credential for credential in issued]}
    if achievements:
        subject["achievement"] = list(achievements.values())
    if associations:
        subject["association"] = associations
    return {
        "@context": list(CONTEXT),
        "id": f"urn:uuid:{uuid.uuid4()}",
        "type": ["VerifiableCredential", "ClrCredential"],
        "name": f"Comprehensive Learner Record of {name}",
        "issuer": builder.profile(platform_organization()),
        "validFrom": builder.iso(now),
        "credentialSubject": subject,
        "credentialSchema": [{"id": CLR_SCHEMA_ID, "type": "1EdTechJsonSchemaValidator2019"}],
    }


def signed_clr(earner, *, now=None) -> dict:
    """The ClrCredential of ``earner`` with an eddsa-rdfc-2022 proof by the platform's Ed25519 key."""
    now = now or timezone.now()
    unsigned = build_clr(earner, now=now)
    key = keys.active_key(platform_organization(), IssuerKey.Algorithm.ED25519)
    return dataintegrity.sign(unsigned, private_key=keys.private_key(key), verification_method=keys.key_url(key),
                              created=builder.iso(now))


def _resolve_our_key(method_id: str):
    key = keys.find_key(method_id)  # raises KeyNotFound: not ours, or revoked
    if key.algorithm != IssuerKey.Algorithm.ED25519:
        raise LookupError(f"{method_id} is not an Ed25519 key")
    return keys.ed25519_public_key(key)


def verify_clr(document: dict) -> dict:
    """Offline check of a CLR issued here: its own proof, and each nested credential with the full verifier.

    Returns {"verified": bool, "proof": reason or "", "credentials": [report dicts]}."""
    result = dataintegrity.verify(document, resolve_key=_resolve_our_key)
    subject = document.get("credentialSubject") if isinstance(document, dict) else None
    nested = subject.get("verifiableCredential", []) if isinstance(subject, dict) else []
    reports = [verify_credential(credential).as_dict() for credential in (nested if isinstance(nested, list) else [])]
    return {"verified": result.ok and all(report["verified"] for report in reports),
            "proof": result.reason, "credentials": reports}
