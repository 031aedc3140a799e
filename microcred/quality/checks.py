"""Automatic checks of a micro-credential version before an independent quality review.

Each check returns findings: ``block`` findings refuse the submission with their reason, ``warn`` findings go to the
reviewers with it. The thresholds (certified assessors, anchors, which evidence types count as artifacts of
practice) come from the adopted framework's ``checks`` section. Reads only: a handful of queries per version.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass

from django.db.models import Prefetch
from django.utils.translation import gettext as _

from microcred.catalog.coverage import coverage_of
from microcred.catalog.models import Criterion, EvidenceType, MicroCredentialVersion, Part

BLOCK, WARN = "block", "warn"


@dataclass(frozen=True)
class Finding:
    code: str
    severity: str
    message: str

    def as_dict(self) -> dict:
        return asdict(self)


def _version(version) -> MicroCredentialVersion:
    return (MicroCredentialVersion.objects
            .prefetch_related("parts__evidence_types", "parts__prompts", "parts__rubric__levels",
                              Prefetch("parts__rubric__criteria", queryset=Criterion.objects.prefetch_related("descriptors")))
            .get(pk=getattr(version, "pk", version)))


def _job_embedded(version, parts: list[Part], settings: dict) -> list[Finding]:
    artifacts = set(settings.get("artifact_evidence_types") or [EvidenceType.VIDEO, EvidenceType.FILE, EvidenceType.LINK])
    if not parts:
        return [Finding("no_parts", BLOCK, _("The version has no parts: there is no evidence to review."))]
    practice = [p for p in parts
                if p.demonstrates != Part.Demonstrates.UNDERSTAND
                and (artifacts & set(p.evidence_type_values)
                     or any(pr.response_type in artifacts for pr in p.prompts.all()))]
    if not practice:
        return [Finding("not_job_embedded", BLOCK, _(
            "No part asks for evidence of practice. At least one part must ask the educator to apply or implement the "
            "skill and submit classroom artifacts, video or student work, not only quiz or recall answers."))]
    found = []
    if len(parts) == 1:
        found.append(Finding("single_part", WARN, _(
            "The version has a single part: reviewers will look for reflection on the evidence as well.")))
    return found


def _research_and_resources(version) -> list[Finding]:
    found = []
    research = [r for r in (version.research or []) if isinstance(r, dict) and str(r.get("citation", "")).strip()]
    if not research:
        found.append(Finding("no_research", BLOCK, _("No supporting research is cited: add at least one citation that backs the practice.")))
    resources = [r for r in (version.resources or []) if isinstance(r, dict) and str(r.get("title", "")).strip()]
    if not resources:
        found.append(Finding("no_resources", BLOCK, _("No resources are listed: add the resources that help an educator learn the practice.")))
    return found


def _rubrics(parts: list[Part]) -> list[Finding]:
    found = []
    for part in parts:
        prompts = list(part.prompts.all())
        quiz_only = prompts and all(p.response_type == EvidenceType.QUIZ for p in prompts)
        rubric = getattr(part, "rubric", None)
        if rubric is None:
            if not quiz_only:
                found.append(Finding("no_rubric", BLOCK, _("Part %(n)s (“%(title)s”) has no rubric: assessors have nothing to judge it against.")
                                     % {"n": part.position, "title": part.title}))
            continue
        levels = list(rubric.levels.all())
        criteria = list(rubric.criteria.all())
        where = {"n": part.position, "title": part.title}
        if len(levels) < 2:
            found.append(Finding("rubric_levels", BLOCK, _("The rubric of part %(n)s (“%(title)s”) needs at least two levels.") % where))
        if not criteria:
            found.append(Finding("rubric_criteria", BLOCK, _("The rubric of part %(n)s (“%(title)s”) has no criteria.") % where))
        for criterion in criteria:
            described = {d.level_id for d in criterion.descriptors.all() if d.text.strip()}
            missing = [lvl.name for lvl in levels if lvl.pk not in described]
            if missing:
                found.append(Finding("rubric_descriptor", BLOCK, _(
                    "Criterion “%(criterion)s” of part %(n)s has no descriptor for: %(levels)s.")
                    % {"criterion": criterion.title, "n": part.position, "levels": ", ".join(missing)}))
        if levels and rubric.passing_level >= len(levels):
            found.append(Finding("pass_unreachable", BLOCK, _(
                "The passing level of part %(n)s (“%(title)s”) is above its highest level: nobody can pass.") % where))
        if rubric.passing_rule == rubric.PassingRule.N_AT_LEAST and criteria:
            if not rubric.min_criteria or rubric.min_criteria > len(criteria):
                found.append(Finding("pass_unreachable", BLOCK, _(
                    "The passing rule of part %(n)s (“%(title)s”) asks for more criteria than the rubric has.") % where))
    return found


def _assessor_pool(version, settings: dict) -> list[Finding]:
    coverage = coverage_of(version)
    if not coverage.known:
        return [Finding("pool_unknown", WARN, _("The assessor pool could not be checked."))]
    need = int(settings.get("min_certified_assessors", 2))
    anchors = int(settings.get("min_anchors", 1))
    found = []
    if coverage.certified_assessors == 0:
        found.append(Finding("no_assessors", BLOCK, _("No certified assessor is in the pool: nobody can score a submission.")))
    elif coverage.certified_assessors < need:
        found.append(Finding("few_assessors", WARN, _(
            "Only %(have)s certified assessor(s) are in the pool; %(need)s are needed to double-score submissions.")
            % {"have": coverage.certified_assessors, "need": need}))
    if coverage.anchors < anchors:
        found.append(Finding("no_anchors", WARN, _(
            "The version has %(have)s calibration anchor(s); at least %(need)s are needed to calibrate assessors.")
            % {"have": coverage.anchors, "need": anchors}))
    return found


def run(version, framework_data: dict) -> list[Finding]:
    """Every finding for ``version`` (blocking first)."""
    version = _version(version)
    settings = framework_data.get("checks") or {}
    parts = list(version.parts.all())
    found = (_job_embedded(version, parts, settings) + _research_and_resources(version) + _rubrics(parts)
             + _assessor_pool(version, settings))
    return sorted(found, key=lambda f: f.severity != BLOCK)


def blocking(findings: list[Finding]) -> list[Finding]:
    return [f for f in findings if f.severity == BLOCK]
