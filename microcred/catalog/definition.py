"""The portable JSON definition of a micro-credential version: validate, export, apply.

Every content write goes through `apply_definition`, so the web forms, the API and the JSON
import share one set of rules. The format round-trips losslessly: export → import → export
gives the same document.
"""
from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any
from urllib.parse import urlparse

from django.core.exceptions import ValidationError
from django.utils.text import slugify
from django.utils.translation import gettext as _

from .models import (Alignment, CompetencyItem, Criterion, EducatorRole, EvidenceType, GradeBand, LevelDescriptor, MicroCredential,
                     MicroCredentialVersion, OrganizationRole, Part, PartEvidenceType, Prompt, Rubric, RubricLevel, Subject)
from microcred.accounts.models import Organization

FORMAT = "microcred.mc-definition/1"
RESOURCE_KINDS = ("link", "course", "embedded", "coach")

LIMITS = {
    "title": 200, "short": 300, "text": 20_000, "url": 500,
    "list": 50, "parts": 12, "prompts": 30, "levels": (2, 8), "criteria": 30, "tags": 30,
}


class DefinitionErrors(ValidationError):
    """Validation failed; `.message_dict` maps JSON paths (e.g. parts[1].rubric.levels) to messages."""


class _Checker:
    def __init__(self) -> None:
        self.errors: dict[str, list[str]] = {}

    def add(self, path: str, message: str) -> None:
        self.errors.setdefault(path or "definition", []).append(message)

    def text(self, obj: dict, key: str, path: str, *, required: bool = False, limit: int = LIMITS["text"]) -> str:
        value = obj.get(key, "")
        here = f"{path}.{key}" if path else key
        if value is None:
            value = ""
        if not isinstance(value, str):
            self.add(here, _("must be text."))
            return ""
        value = value.replace("\x00", "")
        if required and not value.strip():
            self.add(here, _("is required."))
        if len(value) > limit:
            self.add(here, _("is too long (%(n)s characters; at most %(limit)s).") % {"n": len(value), "limit": limit})
        return value.strip()

    def url(self, obj: dict, key: str, path: str, *, required: bool = False) -> str:
        value = self.text(obj, key, path, required=required, limit=LIMITS["url"])
        if value:
            parsed = urlparse(value)
            if parsed.scheme not in ("http", "https") or not parsed.netloc:
                self.add(f"{path}.{key}", _("must be an http(s) URL."))
                return ""
        return value

    def items(self, obj: dict, key: str, path: str, *, limit: int = LIMITS["list"], kind=dict) -> list:
        value = obj.get(key, [])
        here = f"{path}.{key}" if path else key
        if value is None:
            return []
        if not isinstance(value, list):
            self.add(here, _("must be a list."))
            return []
        if len(value) > limit:
            self.add(here, _("has %(n)s entries; at most %(limit)s are allowed.") % {"n": len(value), "limit": limit})
            return []
        for i, item in enumerate(value):
            if not isinstance(item, kind):
                self.add(f"{here}[{i}]", _("must be an object.") if kind is dict else _("must be text."))
                return []
        return value

    def choice(self, obj: dict, key: str, path: str, choices, default: str) -> str:
        value = obj.get(key, default)
        if value not in choices:
            self.add(f"{path}.{key}" if path else key, _("must be one of: %(choices)s.") % {"choices": ", ".join(choices)})
            return default
        return value

    def decimal(self, obj: dict, key: str, *, max_value: Decimal) -> Decimal | None:
        value = obj.get(key)
        if value in (None, ""):
            return None
        if isinstance(value, bool) or not isinstance(value, (int, float, str)):
            self.add(key, _("must be a number."))
            return None
        try:
            number = Decimal(str(value))
        except InvalidOperation:
            self.add(key, _("must be a number."))
            return None
        if not number.is_finite() or number < 0 or number > max_value:
            self.add(key, _("must be between 0 and %(max)s.") % {"max": max_value})
            return None
        return number

    def index(self, obj: dict, key: str, path: str, *, upper: int, required: bool = True) -> int | None:
        value = obj.get(key)
        here = f"{path}.{key}"
        if value is None:
            if required:
                self.add(here, _("is required."))
            return None
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value < upper:
            self.add(here, _("must be a whole number from 0 to %(max)s.") % {"max": upper - 1})
            return None
        return value


def validate_definition(data: Any) -> dict:
    """Check a definition and return a cleaned copy; raise DefinitionErrors with every problem found."""
    c = _Checker()
    if not isinstance(data, dict):
        raise DefinitionErrors({"definition": [_("must be a JSON object.")]})
    if data.get("format", FORMAT) != FORMAT:
        c.add("format", _("must be “%(format)s”.") % {"format": FORMAT})
    clean: dict[str, Any] = {"format": FORMAT}
    clean["title"] = c.text(data, "title", "", required=True, limit=LIMITS["title"])
    clean["competency"] = c.text(data, "competency", "", required=True)
    clean["key_method"] = c.text(data, "key_method", "", required=True)
    clean["method_components"] = [
        {"title": c.text(m, "title", f"method_components[{i}]", required=True, limit=LIMITS["title"]),
         "description": c.text(m, "description", f"method_components[{i}]")}
        for i, m in enumerate(c.items(data, "method_components", ""))]
    clean["research"] = [
        {"citation": c.text(r, "citation", f"research[{i}]", required=True, limit=2000),
         "url": c.url(r, "url", f"research[{i}]")}
        for i, r in enumerate(c.items(data, "research", ""))]
    clean["resources"] = [
        {"kind": c.choice(r, "kind", f"resources[{i}]", RESOURCE_KINDS, "link"),
         "title": c.text(r, "title", f"resources[{i}]", required=True, limit=LIMITS["title"]),
         "url": c.url(r, "url", f"resources[{i}]"),
         "description": c.text(r, "description", f"resources[{i}]", limit=2000)}
        for i, r in enumerate(c.items(data, "resources", ""))]
    hours = c.decimal(data, "estimated_hours", max_value=Decimal("999.9"))
    clean["estimated_hours"] = str(hours.quantize(Decimal("0.1"))) if hours is not None else None
    clean["cost"] = c.choice(data, "cost", "", [v for v, _ in MicroCredentialVersion.Cost.choices], "free")
    fee = c.decimal(data, "fee_amount", max_value=Decimal("99999.99"))
    clean["fee_amount"] = str(fee.quantize(Decimal("0.01"))) if fee is not None else None
    if clean["cost"] == "fee" and fee is None:
        c.add("fee_amount", _("is required when the cost is “fee”."))
    clean["subjects"] = [c.text({"s": s}, "s", f"subjects[{i}]", required=True, limit=100) for i, s in enumerate(c.items(data, "subjects", "", kind=str))]
    clean["grade_bands"] = _known_slugs(c, data, "grade_bands", GradeBand)
    clean["educator_roles"] = _known_slugs(c, data, "educator_roles", EducatorRole)
    clean["tags"] = [c.text({"t": t}, "t", f"tags[{i}]", required=True, limit=60) for i, t in enumerate(c.items(data, "tags", "", limit=LIMITS["tags"], kind=str))]
    raw_alignments = c.items(data, "alignments", "")
    case_items = _case_items(c, raw_alignments)
    clean["alignments"] = [_clean_alignment(c, a, f"alignments[{i}]", case_items) for i, a in enumerate(raw_alignments)]
    org_roles = []
    org_role_values = [v for v, _ in OrganizationRole.Role.choices]
    for i, o in enumerate(c.items(data, "organizations", "")):
        slug = c.text(o, "organization", f"organizations[{i}]", required=True, limit=80)
        role = c.choice(o, "role", f"organizations[{i}]", org_role_values, "issuer")
        if slug and not Organization.objects.filter(slug=slug).exists():
            c.add(f"organizations[{i}].organization", _("no organization with the identifier “%(slug)s”.") % {"slug": slug})
        org_roles.append({"organization": slug, "role": role})
    clean["organizations"] = org_roles
    clean["visibility"] = c.choice(data, "visibility", "", [v for v, _ in MicroCredential.Visibility.choices], "public")
    visible_to = c.items(data, "visible_to", "", kind=str)
    for i, slug in enumerate(visible_to):
        if not Organization.objects.filter(slug=slug).exists():
            c.add(f"visible_to[{i}]", _("no organization with the identifier “%(slug)s”.") % {"slug": slug})
    clean["visible_to"] = sorted(set(visible_to))
    after = data.get("coach_conversation_after", 3)
    if after is not None and (isinstance(after, bool) or not isinstance(after, int) or not 1 <= after <= 20):
        c.add("coach_conversation_after", _("must be a whole number from 1 to 20, or null for never."))
        after = 3
    clean["coach_conversation_after"] = after

    parts = c.items(data, "parts", "", limit=LIMITS["parts"])
    if not parts and "parts" not in c.errors:
        c.add("parts", _("at least one part of evidence is required."))
    clean["parts"] = [_clean_part(c, p, f"parts[{i}]") for i, p in enumerate(parts)]
    _check_alignment_targets(c, clean)
    if c.errors:
        raise DefinitionErrors(c.errors)
    return clean


def _case_items(c: _Checker, alignments: list) -> dict[str, CompetencyItem]:
    """The imported CASE items the alignments name, read in one query."""
    wanted = {a["case_item"] for a in alignments if isinstance(a.get("case_item"), str) and a["case_item"]}
    return {i.identifier: i for i in CompetencyItem.objects.filter(identifier__in=wanted).select_related("framework")}


def _clean_alignment(c: _Checker, a: dict, path: str, case_items: dict[str, CompetencyItem]) -> dict:
    """A free-text alignment (framework | code | name | URL), or one to an imported CASE item ("case_item", its CFItem
    identifier), whose words are copied from the item. "part" and "criterion" (1-based positions) align one rubric
    criterion rather than the whole competency."""
    identifier = c.text(a, "case_item", path, limit=100)
    entry: dict[str, Any] = {}
    if identifier:
        item = case_items.get(identifier)
        if item is None:
            c.add(f"{path}.case_item", _("no imported CASE item has the identifier “%(id)s”; import its framework first.")
                  % {"id": identifier})
            return {"framework": "", "code": "", "name": "", "url": ""}
        entry = {"framework": item.framework.title[:LIMITS["title"]], "code": item.human_coding_scheme,
                 "name": item.full_statement[:LIMITS["short"]], "url": item.uri, "case_item": identifier}
    else:
        entry = {"framework": c.text(a, "framework", path, required=True, limit=LIMITS["title"]),
                 "code": c.text(a, "code", path, limit=60),
                 "name": c.text(a, "name", path, limit=LIMITS["short"]),
                 "url": c.url(a, "url", path)}
    if a.get("part") is not None or a.get("criterion") is not None:
        part, criterion = c.index(a, "part", path, upper=LIMITS["parts"] + 1), c.index(a, "criterion", path, upper=LIMITS["criteria"] + 1)
        if part is not None and criterion is not None:
            if not part or not criterion:
                c.add(path, _("part and criterion are counted from 1."))
            else:
                entry.update(part=part, criterion=criterion)
    return entry


def _check_alignment_targets(c: _Checker, clean: dict) -> None:
    # Criteria are named by position, as translations name them (decision 0022): they survive copying a version.
    for i, a in enumerate(clean["alignments"]):
        if "part" not in a:
            continue
        parts = clean["parts"]
        criteria = parts[a["part"] - 1]["rubric"]["criteria"] if a["part"] <= len(parts) else []
        if a["criterion"] > len(criteria):
            c.add(f"alignments[{i}]", _("aligned to criterion %(c)s of part %(p)s, which does not exist; remove the "
                                        "alignment or align it again.") % {"c": a["criterion"], "p": a["part"]})


def _known_slugs(c: _Checker, data: dict, key: str, model) -> list[str]:
    values = c.items(data, key, "", kind=str)
    known = set(model.objects.values_list("slug", flat=True))
    for i, v in enumerate(values):
        if v not in known:
            c.add(f"{key}[{i}]", _("unknown value “%(value)s”; use one of: %(known)s.") % {"value": v[:60], "known": ", ".join(sorted(known))})
    return list(dict.fromkeys(values))


def _clean_part(c: _Checker, part: dict, path: str) -> dict:
    evidence_values = [v for v, _ in EvidenceType.choices]
    types = c.items(part, "evidence_types", path, limit=len(evidence_values), kind=str)
    for i, t in enumerate(types):
        if t not in evidence_values:
            c.add(f"{path}.evidence_types[{i}]", _("must be one of: %(choices)s.") % {"choices": ", ".join(evidence_values)})
    if not types:
        c.add(f"{path}.evidence_types", _("name at least one accepted evidence type."))
    prompts = []
    for i, p in enumerate(c.items(part, "prompts", path, limit=LIMITS["prompts"])):
        here = f"{path}.prompts[{i}]"
        prompt = {"text": c.text(p, "text", here, required=True, limit=5000),
                  "response_type": c.choice(p, "response_type", here, evidence_values, "written"),
                  "guidance": c.text(p, "guidance", here, limit=5000),
                  "choices": [], "correct_choice": None}
        if prompt["response_type"] == "quiz":
            choices = c.items(p, "choices", here, limit=10, kind=str)
            if len(choices) < 2:
                c.add(f"{here}.choices", _("a quiz question needs at least two options."))
            prompt["choices"] = [ch.strip()[:500] for ch in choices]
            prompt["correct_choice"] = c.index(p, "correct_choice", here, upper=max(len(choices), 1))
        prompts.append(prompt)
    return {
        "title": c.text(part, "title", path, required=True, limit=LIMITS["title"]),
        "overview": c.text(part, "overview", path),
        "demonstrates": c.choice(part, "demonstrates", path, [v for v, _ in Part.Demonstrates.choices], "apply"),
        "evidence_types": list(dict.fromkeys(types)),
        "prompts": prompts,
        "rubric": _clean_rubric(c, part.get("rubric"), f"{path}.rubric"),
    }


def _clean_rubric(c: _Checker, rubric: Any, path: str) -> dict:
    if not isinstance(rubric, dict):
        c.add(path, _("each part needs a rubric (an object with levels and criteria)."))
        return {"levels": [], "passing_rule": "all_at_least", "passing_level": 0, "min_criteria": None, "criteria": []}
    low, high = LIMITS["levels"]
    levels = c.items(rubric, "levels", path, limit=high, kind=str)
    levels = [lvl.strip() for lvl in levels]
    if len(levels) < low:
        c.add(f"{path}.levels", _("name at least %(n)s ordered performance levels, lowest first (e.g. Not yet, Proficient).") % {"n": low})
    if any(not lvl for lvl in levels):
        c.add(f"{path}.levels", _("level names cannot be empty."))
    if len(set(lvl.lower() for lvl in levels)) != len(levels):
        c.add(f"{path}.levels", _("level names must be different from one another."))
    if any(len(lvl) > 60 for lvl in levels):
        c.add(f"{path}.levels", _("level names are at most 60 characters."))
    rule = c.choice(rubric, "passing_rule", path, [v for v, _ in Rubric.PassingRule.choices], "all_at_least")
    passing_level = c.index(rubric, "passing_level", path, upper=max(len(levels), 1))
    criteria = []
    raw_criteria = c.items(rubric, "criteria", path, limit=LIMITS["criteria"])
    if not raw_criteria:
        c.add(f"{path}.criteria", _("a rubric needs at least one criterion."))
    for i, cr in enumerate(raw_criteria):
        here = f"{path}.criteria[{i}]"
        descriptors = c.items(cr, "descriptors", here, limit=high, kind=str)
        if len(descriptors) != len(levels):
            c.add(f"{here}.descriptors", _("give one descriptor per level: %(expected)s expected, %(given)s given.") % {"expected": len(levels), "given": len(descriptors)})
        criteria.append({"title": c.text(cr, "title", here, required=True, limit=LIMITS["title"]),
                         "description": c.text(cr, "description", here, limit=5000),
                         "descriptors": [d.strip()[:5000] for d in descriptors]})
    min_criteria = rubric.get("min_criteria")
    if rule == Rubric.PassingRule.N_AT_LEAST:
        if isinstance(min_criteria, bool) or not isinstance(min_criteria, int) or not 1 <= min_criteria <= max(len(criteria), 1):
            c.add(f"{path}.min_criteria", _("must be a whole number from 1 to %(max)s for the “at least N criteria” rule.") % {"max": max(len(criteria), 1)})
            min_criteria = None
    else:
        min_criteria = None
    return {"levels": levels, "passing_rule": rule, "passing_level": passing_level, "min_criteria": min_criteria, "criteria": criteria}


def export_definition(version: MicroCredentialVersion) -> dict:
    """The version as a portable JSON-ready document (see FORMAT)."""
    mc = version.micro_credential
    parts = []
    for part in version.parts.prefetch_related("evidence_types", "prompts", "rubric__levels", "rubric__criteria__descriptors__level"):
        rubric = getattr(part, "rubric", None)
        rubric_doc = None
        if rubric is not None:
            levels = list(rubric.levels.all())
            rubric_doc = {
                "levels": [lvl.name for lvl in levels],
                "passing_rule": rubric.passing_rule,
                "passing_level": rubric.passing_level,
                "min_criteria": rubric.min_criteria,
                "criteria": [{"title": cr.title, "description": cr.description,
                              "descriptors": [d.text for d in sorted(cr.descriptors.all(), key=lambda d: d.level.position)]}
                             for cr in rubric.criteria.all()],
            }
        parts.append({
            "title": part.title, "overview": part.overview, "demonstrates": part.demonstrates,
            "evidence_types": part.evidence_type_values,
            "prompts": [{"text": p.text, "response_type": p.response_type, "guidance": p.guidance,
                         "choices": list(p.choices), "correct_choice": p.correct_choice} for p in part.prompts.all()],
            "rubric": rubric_doc,
        })
    return {
        "format": FORMAT,
        "slug": mc.slug,
        "version": version.number,
        "state": version.state,
        "owner": mc.owner.slug,
        "visibility": mc.visibility,
        "visible_to": sorted(mc.visible_to.values_list("slug", flat=True)),
        "coach_conversation_after": mc.coach_conversation_after,
        "title": version.title,
        "competency": version.competency,
        "key_method": version.key_method,
        "method_components": list(version.method_components),
        "research": list(version.research),
        "resources": list(version.resources),
        "estimated_hours": str(version.estimated_hours) if version.estimated_hours is not None else None,
        "cost": version.cost,
        "fee_amount": str(version.fee_amount) if version.fee_amount is not None else None,
        "subjects": [s.name for s in version.subjects.all()],
        "grade_bands": [g.slug for g in version.grade_bands.all()],
        "educator_roles": [r.slug for r in version.educator_roles.all()],
        "tags": list(version.tags),
        "alignments": [_export_alignment(a) for a in version.alignments.select_related("item", "criterion__rubric__part")],
        "organizations": [{"organization": r.organization.slug, "role": r.role} for r in version.organization_roles.select_related("organization")],
        "parts": parts,
    }


def _export_alignment(a: Alignment) -> dict:
    entry = {"framework": a.framework, "code": a.code, "name": a.name, "url": a.url}
    if a.item is not None:
        entry["case_item"] = a.item.identifier
    if a.criterion is not None:
        entry.update(part=a.criterion.rubric.part.position, criterion=a.criterion.position)
    return entry


def write_definition(version: MicroCredentialVersion, clean: dict) -> None:
    """Replace the content of a draft version with a validated definition (call inside a transaction)."""
    if not version.is_editable:
        raise ValidationError(_("Version %(n)s is %(state)s; only drafts can be edited.") % {"n": version.number, "state": str(version.get_state_display()).lower()})
    for field in ("title", "competency", "key_method", "method_components", "research", "resources", "cost", "tags"):
        setattr(version, field, clean[field])
    version.estimated_hours = Decimal(clean["estimated_hours"]) if clean["estimated_hours"] is not None else None
    version.fee_amount = Decimal(clean["fee_amount"]) if clean["fee_amount"] is not None else None
    version.save()
    version.subjects.set([_subject(name) for name in clean["subjects"]])
    version.grade_bands.set(GradeBand.objects.filter(slug__in=clean["grade_bands"]))
    version.educator_roles.set(EducatorRole.objects.filter(slug__in=clean["educator_roles"]))
    version.alignments.all().delete()
    version.organization_roles.all().delete()
    orgs = {o.slug: o for o in Organization.objects.filter(slug__in=[r["organization"] for r in clean["organizations"]])}
    for r in {(r["organization"], r["role"]) for r in clean["organizations"]}:
        OrganizationRole.objects.create(version=version, organization=orgs[r[0]], role=r[1])
    # Keep the authored order of organization roles irrelevant: they are exported sorted by role and name.
    version.parts.all().delete()
    for position, p in enumerate(clean["parts"], start=1):
        part = Part.objects.create(version=version, position=position, title=p["title"], overview=p["overview"], demonstrates=p["demonstrates"])
        PartEvidenceType.objects.bulk_create([PartEvidenceType(part=part, evidence_type=t) for t in p["evidence_types"]])
        Prompt.objects.bulk_create([Prompt(part=part, position=i, **pr) for i, pr in enumerate(p["prompts"], start=1)])
        r = p["rubric"]
        rubric = Rubric.objects.create(part=part, passing_rule=r["passing_rule"], passing_level=r["passing_level"] or 0, min_criteria=r["min_criteria"])
        levels = [RubricLevel.objects.create(rubric=rubric, position=i, name=name) for i, name in enumerate(r["levels"])]
        for i, cr in enumerate(r["criteria"], start=1):
            criterion = Criterion.objects.create(rubric=rubric, position=i, title=cr["title"], description=cr["description"])
            LevelDescriptor.objects.bulk_create([LevelDescriptor(criterion=criterion, level=lvl, text=text) for lvl, text in zip(levels, cr["descriptors"])])
    _write_alignments(version, clean["alignments"])


def _write_alignments(version: MicroCredentialVersion, alignments: list[dict]) -> None:
    items = {i.identifier: i for i in CompetencyItem.objects.filter(identifier__in=[a["case_item"] for a in alignments if a.get("case_item")])}
    criteria = {(c.rubric.part.position, c.position): c
                for c in Criterion.objects.filter(rubric__part__version=version).select_related("rubric__part")}
    Alignment.objects.bulk_create([
        Alignment(version=version, position=i, framework=a["framework"], code=a["code"], name=a["name"], url=a["url"],
                  item=items.get(a.get("case_item", "")), criterion=criteria.get((a.get("part"), a.get("criterion"))))
        for i, a in enumerate(alignments)])


def _subject(name: str) -> Subject:
    slug = slugify(name)[:60] or "subject"
    subject, _created = Subject.objects.get_or_create(slug=slug, defaults={"name": name})
    return subject
