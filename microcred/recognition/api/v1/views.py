"""JSON API of recognition: the same selectors and services as the pages, for licensure, payroll and HR systems."""
from __future__ import annotations

from itertools import islice

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.decorators import api_view, permission_classes
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from microcred.accounts import policy as authz
from microcred.accounts.models import Organization
from microcred.core.api import ERROR_RESPONSES as ERRORS
from microcred.core.api import bounded_int

from ... import selectors, services
from ...forms import read_document
from ...models import Award, Policy

EXPORT_LIMIT, EXPORT_MAX = 1000, 10000


_COMPONENTS: dict[str, type] = {}


def _class(component) -> type:
    """One serializer class per named component, so every use in the schema is the same component."""
    name, fields = component
    if name not in _COMPONENTS:
        _COMPONENTS[name] = type(name, (serializers.Serializer,), dict(fields))
    return _COMPONENTS[name]


def _many(component):
    return _class(component)(many=True)


def _one(component):
    return _class(component)()


REQUIREMENT = ("RecognitionRequirement", {
    "kind": serializers.CharField(), "label": serializers.CharField(), "met": serializers.BooleanField(),
    "have": serializers.FloatField(), "need": serializers.FloatField(), "missing": serializers.CharField(),
    "percent": serializers.IntegerField(), "credentials": serializers.ListField(child=serializers.CharField())})
OUTCOME = ("RecognitionOutcome", {
    "key": serializers.CharField(), "kind": serializers.CharField(), "name": serializers.CharField(),
    "achieved": serializers.BooleanField(), "amount": serializers.FloatField(allow_null=True), "unit": serializers.CharField(),
    "expires_after_years": serializers.IntegerField(allow_null=True)})
POLICY_PROGRESS = ("RecognitionPolicyProgress", {
    "policy": serializers.CharField(), "version": serializers.IntegerField(), "title": serializers.CharField(),
    "recognizer": serializers.CharField(), "recognizer_name": serializers.CharField(), "in_effect": serializers.BooleanField(),
    "achieved": serializers.BooleanField(), "outcomes": _many(OUTCOME), "requirements": _many(REQUIREMENT),
    "missing": serializers.ListField(child=serializers.CharField()),
    "totals": serializers.DictField(child=serializers.FloatField(), help_text="unit → converted amount after caps"),
    "counted_credentials": serializers.ListField(child=serializers.DictField(child=serializers.CharField()),
                                                 help_text="[{id, label}] — the credentials that count"),
    "suggestions": serializers.ListField(child=serializers.DictField(child=serializers.CharField()),
                                         help_text="[{slug, title, url}] — published MCs that would close the gap")})
Progress = inline_serializer("RecognitionProgress", {"policies": _many(POLICY_PROGRESS)})
AWARD = ("RecognitionAward", {
    "id": serializers.IntegerField(), "policy": serializers.CharField(), "policy_version": serializers.IntegerField(),
    "recognizer": serializers.CharField(), "outcome_key": serializers.CharField(), "name": serializers.CharField(),
    "kind": serializers.CharField(), "amount": serializers.CharField(allow_null=True), "unit": serializers.CharField(),
    "state": serializers.CharField(), "awarded_at": serializers.DateTimeField(), "expires_at": serializers.DateTimeField(allow_null=True),
    "withdrawn_at": serializers.DateTimeField(allow_null=True), "withdrawn_reason": serializers.CharField(),
    "credentials": serializers.ListField(child=serializers.CharField())})
VERSION_FIELDS = {
    "slug": serializers.CharField(), "version": serializers.IntegerField(), "title": serializers.CharField(),
    "state": serializers.CharField(), "recognizer": serializers.CharField(), "effective_from": serializers.DateField(),
    "effective_until": serializers.DateField(allow_null=True), "created_at": serializers.DateTimeField(),
    "published_at": serializers.DateTimeField(allow_null=True), "url": serializers.CharField()}
PolicyVersion = ("RecognitionPolicyVersion", VERSION_FIELDS)
VERSION_DETAIL = ("RecognitionPolicyVersionDetail", {
    **VERSION_FIELDS, "document": serializers.DictField(help_text="The validated microcred.policy/1 document")})
PolicyDetail = inline_serializer("RecognitionPolicy", {
    "slug": serializers.CharField(), "recognizer": serializers.CharField(), "versions": _many(VERSION_DETAIL)})
DocumentIn = inline_serializer("RecognitionPolicyDocument", {
    "document": serializers.JSONField(help_text="The microcred.policy/1 document: an object, or its JSON or YAML text (≤ 256 KB)")})
VersionIn = inline_serializer("RecognitionPolicyVersionChoice", {
    "version": serializers.IntegerField(required=False, help_text="Defaults to the current draft")})
DryRun = inline_serializer("RecognitionDryRun", {
    "policy": serializers.CharField(), "version": serializers.IntegerField(), "educators": serializers.IntegerField(),
    "would_qualify": serializers.IntegerField(), "changes": serializers.DictField(child=serializers.IntegerField()),
    "rows": serializers.ListField(child=serializers.DictField())})
COUNT = ("RecognitionCount", {
    "name": serializers.CharField(), "educators": serializers.IntegerField(), "qualified": serializers.IntegerField(),
    "close": serializers.IntegerField()})
Qualifiers = inline_serializer("RecognitionQualifiers", {
    "policy": serializers.CharField(), "version": serializers.IntegerField(), "evaluated": serializers.IntegerField(),
    "in_jurisdiction": serializers.IntegerField(), "near_percent": serializers.IntegerField(),
    "outcomes": serializers.ListField(child=serializers.DictField()),
    "qualified": serializers.ListField(child=serializers.DictField()), "close": serializers.ListField(child=serializers.DictField()),
    "by_district": _many(COUNT), "by_school": _many(COUNT),
    "elsewhere": serializers.DictField(child=serializers.IntegerField())})
EXPORT_ROW = ("RecognitionAwardExportRow", {
    **{name: serializers.CharField() for name in selectors.EXPORT_COLUMNS},
    "award_id": serializers.IntegerField(), "educator_id": serializers.IntegerField(), "policy_version": serializers.IntegerField(),
    "credential_ids": serializers.ListField(child=serializers.CharField())})
Export = inline_serializer("RecognitionAwardExport", {
    "recognizer": serializers.CharField(), "state": serializers.CharField(), "offset": serializers.IntegerField(),
    "limit": serializers.IntegerField(), "next_offset": serializers.IntegerField(allow_null=True), "results": _many(EXPORT_ROW)})
FactIn = inline_serializer("RecognitionFactIn", {
    "recognizer": serializers.SlugField(), "educator": serializers.CharField(help_text="The educator's username"),
    "key": serializers.SlugField(), "value": serializers.JSONField(help_text="A number, true/false or text (≤ 200 characters)")})
FactOut = inline_serializer("RecognitionFact", {
    "recognizer": serializers.CharField(), "educator": serializers.CharField(), "key": serializers.CharField(),
    "value": serializers.JSONField(), "updated_at": serializers.DateTimeField()})


def _progress(p, labels) -> dict:
    ev, policy = p.evaluation, p.policy
    return {"policy": policy.slug, "version": policy.version, "title": policy.title, "recognizer": policy.recognizer.slug,
            "recognizer_name": policy.recognizer.name, "in_effect": ev.in_effect, "achieved": p.achieved,
            "outcomes": [{"key": o.key, "kind": o.kind, "name": o.name, "achieved": o.achieved, "amount": o.amount, "unit": o.unit,
                          "expires_after_years": o.expires_after_years} for o in ev.outcomes],
            "requirements": p.requirements, "missing": p.missing, "totals": ev.totals,
            "counted_credentials": [{"id": c, "label": labels.get(c, c)} for c in ev.counted],
            "suggestions": [{"slug": v.micro_credential.slug, "title": v.title, "url": f"/catalog/mc/{v.micro_credential.slug}/"}
                            for v in p.suggestions]}


def _award(a: Award) -> dict:
    return {"id": a.pk, "policy": a.policy.slug, "policy_version": a.policy.version, "recognizer": a.policy.recognizer.slug,
            "outcome_key": a.outcome_key, "name": a.name, "kind": a.kind, "amount": str(a.amount) if a.amount is not None else None,
            "unit": a.unit, "state": a.state, "awarded_at": a.awarded_at, "expires_at": a.expires_at, "withdrawn_at": a.withdrawn_at,
            "withdrawn_reason": a.withdrawn_reason, "credentials": list(a.provenance.get("credentials", []))}


def _version(p: Policy, *, document=False) -> dict:
    out = {"slug": p.slug, "version": p.version, "title": p.title, "state": p.state, "recognizer": p.recognizer.slug,
           "effective_from": p.effective_from, "effective_until": p.effective_until, "created_at": p.created_at,
           "published_at": p.published_at, "url": f"/api/v1/recognition/policies/{p.slug}/"}
    return {**out, "document": p.document} if document else out


def _versions(user, slug) -> list[Policy]:
    return selectors.managed_policy_versions(user=user, slug=slug)


def _chosen(versions: list[Policy], raw, *, default_state=None) -> Policy:
    if raw in (None, ""):
        found = next((v for v in versions if v.state == default_state), None) if default_state else versions[0]
        if found is None:
            raise ValidationError({"version": [f"There is no {default_state} version; give a version number."]})
        return found
    if isinstance(raw, bool) or not (isinstance(raw, int) or (isinstance(raw, str) and raw.isdigit())):
        raise ValidationError({"version": ["Give the version as a whole number."]})
    found = next((v for v in versions if v.version == int(raw)), None)
    if found is None:
        raise ValidationError({"version": [f"There is no version {raw}."]})
    return found


def _labels(user):
    return selectors.credential_labels(user)


@extend_schema(responses={200: Progress, **ERRORS}, operation_id="recognition_my_progress")
@api_view(["GET"])
@permission_classes([IsAuthenticated])
def my_progress(request):
    """Your progress under every published policy of your own state and district, with what is missing and the
    published MCs that would close the gap. Worked out now; nothing is saved."""
    labels = _labels(request.user)
    return Response({"policies": [_progress(p, labels) for p in selectors.educator_progress(request.user)]})


@extend_schema(responses={200: _many(AWARD), **ERRORS}, operation_id="recognition_my_awards")
@api_view(["GET"])
@permission_classes([IsAuthenticated])
def my_awards(request):
    """Your awards, active and withdrawn, with their provenance: the policy version and the credentials that counted."""
    return Response([_award(a) for a in selectors.all_awards_for(request.user)])


@extend_schema(responses={200: Progress, **ERRORS}, operation_id="recognition_my_portability")
@api_view(["GET"])
@permission_classes([IsAuthenticated])
def my_portability(request):
    """What your credentials would count for under other recognizers' published policies (nothing saved)."""
    labels = _labels(request.user)
    return Response({"policies": [_progress(p, labels) for p in selectors.portability(request.user)]})


@extend_schema(methods=["GET"], responses={200: _many(PolicyVersion), **ERRORS}, operation_id="recognition_policies_list")
@extend_schema(methods=["POST"], request=DocumentIn, responses={201: _one(VERSION_DETAIL), **ERRORS},
               operation_id="recognition_policies_save_draft")
@api_view(["GET", "POST"])
@permission_classes([IsAuthenticated])
def policies(request):
    """GET: every version of the policies of the recognizers you administer. POST {document}: validate the
    document and save it as its policy's draft (400 maps exact paths such as ``rules[2].per_mc`` to messages)."""
    recognizers = list(selectors.managed_recognizers(request.user))
    if not recognizers:
        raise PermissionDenied("Recognition policies are managed by the recognizer admins of a state, district or university.")
    if request.method == "GET":
        return Response([_version(p) for p in selectors.policies_of(recognizers)])
    data = request.data
    if not hasattr(data, "get") or "document" not in data:
        return Response({"document": ["Send {\"document\": …} — the policy as an object, or its JSON or YAML text."]}, status=400)
    try:
        document = read_document(data.get("document"))
    except RecursionError:
        return Response({"$": ["The document is nested too deeply."]}, status=400)
    slug = document.get("recognizer")
    recognizer = Organization.objects.filter(slug=slug).first() if isinstance(slug, str) and slug else None
    if recognizer is None:
        return Response({"recognizer": ["Name the recognizer by its organization slug, e.g. “state-agency”."]}, status=400)
    draft = services.create_or_update_draft(recognizer=recognizer, document=document, by=request.user)
    return Response(_version(draft, document=True), status=status.HTTP_201_CREATED)


@extend_schema(responses={200: PolicyDetail, **ERRORS}, operation_id="recognition_policy")
@api_view(["GET"])
@permission_classes([IsAuthenticated])
def policy_detail(request, slug):
    """Every version of one of your policies, with its document."""
    versions = _versions(request.user, slug)
    return Response({"slug": slug, "recognizer": versions[0].recognizer.slug, "versions": [_version(v, document=True) for v in versions]})


@extend_schema(parameters=[OpenApiParameter("version", int, description="Version to dry-run (default: the latest)")],
               responses={200: DryRun, **ERRORS}, operation_id="recognition_policy_dry_run")
@api_view(["GET"])
@permission_classes([IsAuthenticated])
def dry_run(request, slug):
    """Who in your jurisdiction would qualify under a version, and what would change against current awards.
    Writes nothing."""
    policy = _chosen(_versions(request.user, slug), request.query_params.get("version"))
    rows = services.dry_run(policy, by=request.user)
    changes: dict[str, int] = {}
    for r in rows:
        for c in r.changes:
            changes[c.action] = changes.get(c.action, 0) + 1
    return Response({
        "policy": policy.slug, "version": policy.version, "educators": len(rows),
        "would_qualify": sum(1 for r in rows if r.evaluation.outcomes and r.evaluation.outcomes[0].achieved), "changes": changes,
        "rows": [{"educator": r.educator.username, "name": r.educator.get_full_name(),
                  "qualifies": bool(r.evaluation.outcomes) and r.evaluation.outcomes[0].achieved,
                  "requirements": [selectors.requirement_row(q) for q in r.evaluation.requirements],
                  "changes": [{"action": c.action, "outcome_key": c.outcome_key, "detail": c.detail} for c in r.changes]}
                 for r in rows]})


@extend_schema(request=VersionIn, responses={200: _one(VERSION_DETAIL), **ERRORS}, operation_id="recognition_policy_publish")
@api_view(["POST"])
@permission_classes([IsAuthenticated])
def publish(request, slug):
    """Publish the draft (or the given version, which must be the draft): the previous published version is
    retired and educators are re-evaluated in the background. Publishing the published version again is a no-op."""
    versions = _versions(request.user, slug)
    raw = request.data.get("version") if hasattr(request.data, "get") else None
    policy = _chosen(versions, raw, default_state=Policy.State.DRAFT)
    return Response(_version(services.publish_and_reevaluate(policy=policy, by=request.user), document=True))


def _qualifier_row(r: dict) -> dict:
    return {"educator": r["educator"].username, "name": r["educator"].get_full_name(), "district": r["district"],
            "school": r["school"], "qualified": r["qualified"], "close": r["close"], "percent": r["percent"],
            "missing": r["missing"], "awarded": r["awarded"], "requirements": r["requirements"]}


@extend_schema(responses={200: Qualifiers, **ERRORS}, operation_id="recognition_policy_qualifiers")
@api_view(["GET"])
@permission_classes([IsAuthenticated])
def qualifiers(request, slug):
    """Who qualifies under the published version (or the latest) or is close (≥ 75 % of every countable
    requirement): individuals in your jurisdiction only; counts by district and school for everyone."""
    versions = _versions(request.user, slug)
    policy = next((v for v in versions if v.state == Policy.State.PUBLISHED), versions[0])
    data = selectors.qualifiers(policy)
    return Response({"policy": policy.slug, "version": policy.version, "evaluated": data["evaluated"],
                     "in_jurisdiction": data["in_jurisdiction"], "near_percent": data["near_percent"], "outcomes": data["outcomes"],
                     "qualified": [_qualifier_row(r) for r in data["qualified"]], "close": [_qualifier_row(r) for r in data["close"]],
                     "by_district": data["by_district"], "by_school": data["by_school"], "elsewhere": data["elsewhere"]})


@extend_schema(parameters=[OpenApiParameter("recognizer", str, required=True, description="Slug of the recognizer"),
                           OpenApiParameter("policy", str, description="Only awards under this policy slug"),
                           OpenApiParameter("state", str, enum=["active", "withdrawn", "all"], description="Default: active"),
                           OpenApiParameter("limit", int, description=f"Rows per page (default {EXPORT_LIMIT}, at most {EXPORT_MAX})"),
                           OpenApiParameter("offset", int, description="Rows to skip")],
               responses={200: Export, **ERRORS}, operation_id="recognition_awards_export")
@api_view(["GET"])
@permission_classes([IsAuthenticated])
def awards(request):
    """Awards under the recognizer's policies for educators in its jurisdiction, for licensure and payroll
    systems (the same columns as the CSV export), oldest first."""
    slug = request.query_params.get("recognizer")
    if not slug:
        return Response({"recognizer": ["Give the recognizer's slug: ?recognizer=SLUG."]}, status=400)
    recognizer = Organization.objects.filter(slug=slug).first()
    if recognizer is None or not authz.can_manage_recognizer(request.user, recognizer):
        raise PermissionDenied("Only the recognizer's admins export its awards.")
    state = request.query_params.get("state", Award.State.ACTIVE)
    if state not in (*Award.State.values, "all"):
        return Response({"state": ["Give active, withdrawn or all."]}, status=400)
    limit = bounded_int(request.query_params.get("limit"), EXPORT_LIMIT, maximum=EXPORT_MAX) or EXPORT_LIMIT
    offset = bounded_int(request.query_params.get("offset"), 0, maximum=10**9)
    rows = selectors.awards_export(recognizer, policy_slug=request.query_params.get("policy") or None,
                                   state=None if state == "all" else state)
    page = list(islice(rows, offset, offset + limit + 1))  # one extra row says whether there is a next page
    more = len(page) > limit
    page = page[:limit]
    return Response({"recognizer": recognizer.slug, "state": state, "offset": offset, "limit": limit,
                     "next_offset": offset + limit if more else None, "results": page})


@extend_schema(request=FactIn, responses={201: FactOut, **ERRORS}, operation_id="recognition_fact_set")
@api_view(["POST"])
@permission_classes([IsAuthenticated])
def facts(request):
    """Set a fact your organization keeps about an educator in its jurisdiction (used by eligibility rules);
    the educator is re-evaluated in the background."""
    data = request.data if hasattr(request.data, "get") else {}
    errors = {f: ["This field is required."] for f in ("recognizer", "educator", "key", "value") if f not in data}
    if errors:
        return Response(errors, status=400)
    slug = data.get("recognizer")
    recognizer = Organization.objects.filter(slug=slug).first() if isinstance(slug, str) else None
    if recognizer is None or not authz.can_manage_recognizer(request.user, recognizer):
        raise PermissionDenied("Only the recognizer's admins record facts about its educators.")
    username = data.get("educator")
    educator = get_user_model().objects.filter(username=username).first() if isinstance(username, str) else None
    fact = services.record_educator_fact(recognizer=recognizer, educator=educator, key=data.get("key"),
                                         value=data.get("value"), by=request.user)
    return Response({"recognizer": recognizer.slug, "educator": educator.username, "key": fact.key, "value": fact.value,
                     "updated_at": fact.updated_at}, status=status.HTTP_201_CREATED)
