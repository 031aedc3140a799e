"""Build the unsigned OpenBadgeCredential (Open Badges 3.0 AchievementCredential) for an earned attempt.

Shape follows the formal OB 3.0 JSON Schema: every nested object has a ``type``, multi-valued properties are
arrays, and every property is defined by the three contexts below (signing refuses undefined terms).
"""
from __future__ import annotations

import hashlib
import re
from datetime import datetime
from datetime import timezone as dt_timezone

from microcred.accounts.models import Organization
from microcred.catalog.models import MicroCredentialVersion, OrganizationRole, Rubric
from microcred.earning.models import Attempt, CriterionResult, Decision, Evidence

from . import keys

CONTEXT = [
    "https://www.w3.org/ns/credentials/v2",
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
    "https://purl.imsglobal.org/spec/ob/v3p0/extensions.json",
]
CREDENTIAL_TYPE = ["VerifiableCredential", "OpenBadgeCredential"]
SCHEMA_ID = "https://purl.imsglobal.org/spec/ob/v3p0/schema/json/ob_v3p0_achievementcredential_schema.json"
SCHEMA_TYPE = "1EdTechJsonSchemaValidator2019"


# C0 controls other than tab, LF and CR, and DEL. RDFC-1.0 escapes them in canonical N-Quads (\b, \f, \u0001…)
# but pyld writes them raw, so a credential holding one would verify here and fail in other implementations.
# They carry no meaning in a credential's text: drop them before signing.
_CONTROL_CHARACTERS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def without_control_characters(value):
    """``value`` (JSON data) with the control characters above removed from every string and key."""
    if isinstance(value, str):
        return _CONTROL_CHARACTERS.sub("", value)
    if isinstance(value, dict):
        return {without_control_characters(key): without_control_characters(item) for key, item in value.items()}
    if isinstance(value, list):
        return [without_control_characters(item) for item in value]
    return value


def iso(moment: datetime) -> str:
    """ISO 8601 UTC with seconds and a Z, as OB 3.0 examples and the schema's date-time format expect."""
    return moment.astimezone(dt_timezone.utc).replace(microsecond=0).strftime("%Y-%m-%dT%H:%M:%SZ")


def credential_url(credential_id) -> str:
    return f"{keys.site_url()}/credentials/{credential_id}"


def achievement_url(version: MicroCredentialVersion) -> str:
    """The catalog page of the exact version: the credential pins what was earned."""
    return f"{keys.site_url()}/catalog/mc/{version.micro_credential.slug}/v{version.number}/"


def badge_image_url(version: MicroCredentialVersion, ext: str = "svg") -> str:
    """The stable public address of the version's badge image (drawn from its title and issuer, images.py)."""
    return f"{keys.site_url()}/credentials/badges/{version.micro_credential.slug}/v{version.number}.{ext}"


def issuing_organization(version: MicroCredentialVersion) -> Organization:
    """The version's first "issuer" organization, else the micro-credential's owner."""
    role = version.organization_roles.filter(role=OrganizationRole.Role.ISSUER).select_related("organization").order_by("id").first()
    return role.organization if role else version.micro_credential.owner


def developer_organization(version: MicroCredentialVersion) -> Organization:
    role = version.organization_roles.filter(role=OrganizationRole.Role.DEVELOPER).select_related("organization").order_by("id").first()
    return role.organization if role else version.micro_credential.owner


def profile(organization: Organization) -> dict:
    return {"id": keys.issuer_url(organization), "type": ["Profile"], "name": organization.name,
            "url": organization.website or keys.issuer_url(organization)}


def identity_hash(identity: str, salt: str) -> str:
    return "sha256$" + hashlib.sha256((identity + salt).encode("utf-8")).hexdigest()


def _identifier(earner, salt: str) -> dict:
    if earner.email:
        identity, kind = earner.email.strip().lower(), "emailAddress"
    else:  # no e-mail on file: hash a stable platform identifier instead
        identity, kind = f"{keys.site_url()}/users/{earner.pk}", "systemId"
    return {"type": "IdentityObject", "identityHash": identity_hash(identity, salt), "identityType": kind,
            "hashed": True, "salt": salt}


def _rule_text(rubric: Rubric, level_names: dict[int, str]) -> str:
    passing = level_names.get(rubric.passing_level, str(rubric.passing_level))
    if rubric.passing_rule == Rubric.PassingRule.N_AT_LEAST:
        return f"at least {rubric.min_criteria} criteria at “{passing}” or above, none at the lowest level"
    return f"every criterion at “{passing}” or above"


def _criterion_id(achievement_id: str, criterion) -> str:
    return f"{achievement_id}#criterion-{criterion.pk}"


def _level_id(achievement_id: str, criterion, level) -> str:
    return f"{achievement_id}#criterion-{criterion.pk}-level-{level.position}"


def achievement(version: MicroCredentialVersion) -> dict:
    """The Achievement of a version: competency, criteria, rubric as result descriptions, alignments."""
    achievement_id = achievement_url(version)
    rule_lines, descriptions = [], []
    by_criterion: dict[int | None, list[dict]] = {}  # criterion id (None: the whole competency) → OB 3.0 Alignments
    for alignment in version.alignments.all():
        entry = _alignment(alignment)
        if entry is not None:
            by_criterion.setdefault(alignment.criterion_id, []).append(entry)
    for part in version.parts.prefetch_related("rubric__criteria__descriptors", "rubric__levels"):
        rubric = getattr(part, "rubric", None)
        if rubric is None:
            continue
        levels = list(rubric.levels.all())
        level_names = {level.position: level.name for level in levels}
        rule_lines.append(f"Part {part.position}, {part.title}: {_rule_text(rubric, level_names)}.")
        for criterion in rubric.criteria.all():
            descriptors = {d.level_id: d.text for d in criterion.descriptors.all()}
            rubric_levels = []
            for level in levels:
                entry = {"id": _level_id(achievement_id, criterion, level), "type": ["RubricCriterionLevel"],
                         "name": level.name}
                if descriptors.get(level.pk):
                    entry["description"] = descriptors[level.pk]
                rubric_levels.append(entry)
            description = {"id": _criterion_id(achievement_id, criterion), "type": ["ResultDescription"],
                           "name": f"{part.title}: {criterion.title}", "resultType": "RubricCriterionLevel",
                           "rubricCriterionLevel": rubric_levels}
            if by_criterion.get(criterion.pk):  # ResultDescription.alignment: this criterion's CASE items
                description["alignment"] = by_criterion[criterion.pk]
            required = next((level for level in levels if level.position == rubric.passing_level), None)
            if required is not None:
                description["requiredLevel"] = _level_id(achievement_id, criterion, required)
            descriptions.append(description)
    narrative = version.key_method.strip()
    if rule_lines:
        narrative += "\n\nTo earn it, assessors must rate each part's evidence as follows:\n" + "\n".join(
            f"- {line}" for line in rule_lines)
    result = {
        "id": achievement_id,
        "type": ["Achievement"],
        "achievementType": "MicroCredential",
        "name": version.title,
        "description": version.competency,
        "criteria": {"narrative": narrative},
        "creator": profile(developer_organization(version)),
        "version": f"v{version.number}",
        "image": {"id": badge_image_url(version), "type": "Image", "caption": f"Badge: {version.title}"},
    }
    if descriptions:
        result["resultDescription"] = descriptions
    if by_criterion.get(None):
        result["alignment"] = by_criterion[None]
    tags = [str(tag) for tag in (version.tags or []) if str(tag).strip()]
    if tags:
        result["tag"] = tags
    return result


def _alignment(alignment) -> dict | None:
    """One OB 3.0 Alignment; the words are the version's own copy, frozen when it was published."""
    if not alignment.url:  # targetUrl is required by the schema; an alignment without one cannot be expressed
        return None
    entry = {"type": ["Alignment"], "targetName": alignment.name or str(alignment), "targetUrl": alignment.url}
    if alignment.code:
        entry["targetCode"] = alignment.code
    if alignment.framework:
        entry["targetFramework"] = alignment.framework
    if alignment.item_id is not None or "/CFItems/" in alignment.url:  # an item of a CASE framework
        entry["targetType"] = "CFItem"
    return entry


def _results(attempt: Attempt, achievement_id: str) -> list[dict]:
    # Parts passed in an earlier submission were not re-scored: take each criterion's latest level.
    latest = {}
    for result in (CriterionResult.objects.filter(decision__submission__attempt=attempt)
                   .select_related("criterion", "level").order_by("decision__decided_at", "decision_id")):
        latest[result.criterion_id] = result
    ordered = sorted(latest.values(), key=lambda r: (r.criterion.rubric.part.position, r.criterion.position))
    return [{"type": ["Result"], "resultDescription": _criterion_id(achievement_id, r.criterion),
             "achievedLevel": _level_id(achievement_id, r.criterion, r.level), "status": "Completed"}
            for r in ordered]


def _evidence(attempt: Attempt) -> list[dict]:
    """Only what the earner marked public: text as a narrative, links by their URL."""
    entries = []
    for item in (Evidence.objects.filter(response__attempt=attempt, public=True)
                 .select_related("response__part", "prompt").order_by("response__part__position", "created_at")):
        name = item.response.part.title
        if item.kind in (Evidence.Kind.LINK, Evidence.Kind.VIDEO) and item.url:
            entries.append({"id": item.url, "type": ["Evidence"], "name": name})
        elif item.kind in (Evidence.Kind.WRITTEN, Evidence.Kind.REFLECTION) and item.text.strip():
            entries.append({"type": ["Evidence"], "name": name, "narrative": item.text.strip()})
    return entries


def status_entry(status_list_url: str, index: int, purpose: str) -> dict:
    """A BitstringStatusListEntry: bit ``index`` of the list at ``status_list_url`` says whether ``purpose`` applies."""
    return {
        "id": f"{status_list_url}#{index}",
        "type": "BitstringStatusListEntry",
        "statusPurpose": str(purpose),
        "statusListIndex": str(index),
        "statusListCredential": status_list_url,
    }


def build_credential(*, credential_id, attempt: Attempt, decision: Decision, issuer: Organization, salt: str,
                     status_list_url: str, status_index: int, suspension_list_url: str | None = None,
                     suspension_index: int | None = None) -> dict:
    """The unsigned OpenBadgeCredential for ``attempt`` earned by ``decision``.

    ``credentialStatus`` is the revocation entry; with a suspension list it is an array of the revocation and the
    suspension entries (VC 2.0 allows several; the OB 3.0.3 JSON Schema allows one object, see docs/credentials.md)."""
    version = attempt.version
    ach = achievement(version)
    subject = {"type": ["AchievementSubject"], "identifier": [_identifier(attempt.earner, salt)], "achievement": ach}
    results = _results(attempt, ach["id"])
    if results:
        subject["result"] = results
    url = credential_url(credential_id)
    credential = {
        "@context": list(CONTEXT),
        "id": url,
        "type": list(CREDENTIAL_TYPE),
        "name": version.title,
        "issuer": profile(issuer),
        "validFrom": iso(decision.decided_at),
        "credentialSubject": subject,
        "credentialStatus": status_entry(status_list_url, status_index, "revocation"),
        "credentialSchema": [{"id": SCHEMA_ID, "type": SCHEMA_TYPE}],
    }
    if suspension_list_url is not None:
        credential["credentialStatus"] = [credential["credentialStatus"],
                                          status_entry(suspension_list_url, suspension_index, "suspension")]
    evidence = _evidence(attempt)
    if evidence:
        credential["evidence"] = evidence
    return without_control_characters(credential)
