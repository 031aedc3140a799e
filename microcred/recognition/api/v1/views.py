"""JSON API of recognition: the same selectors and services as the pages, for licensure, payroll and HR systems."""
from __future__ import annotations

from itertools import islice

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.decorators import api_view, permission_classes
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from microcred.accounts import policy as authz
from microcred.accounts.models import Organization
from microcred.core.api import ERROR_RESPONSES as ERRORS
from microcred.core.api import bounded_int

from ... import selectors, services, tasks
from ...forms import read_document
from ...models import Award, Policy
from .serializers import (RecognitionAwardExportSerializer, RecognitionAwardSerializer, RecognitionDryRunSerializer,
                          RecognitionFactInSerializer, RecognitionFactSerializer, RecognitionPolicyDocumentSerializer,
                          RecognitionPolicySerializer, RecognitionPolicyVersionChoiceSerializer,
                          RecognitionPolicyVersionDetailSerializer, RecognitionPolicyVersionSerializer,
                          RecognitionProgressSerializer, RecognitionQualifiersPendingSerializer,
                          RecognitionQualifiersSerializer)

EXPORT_LIMIT, EXPORT_MAX = 1000, 10000


def _chosen(versions: list[Policy], raw, *, default_state=None) -> Policy:
    if raw in (None, ""):
        found = next((v for v in versions if v.state == default_state), None) if default_state else versions[0]
        if found is None:
            raise ValidationError({"version": [_("There is no %(state)s version; give a version number.") % {"state": default_state}]})
        return found
    if isinstance(raw, bool) or not (isinstance(raw, int) or (isinstance(raw, str) and raw.isdigit())):
        raise ValidationError({"version": [_("Give the version as a whole number.")]})
    found = next((v for v in versions if v.version == int(raw)), None)
    if found is None:
        raise ValidationError({"version": [_("There is no version %(n)s.") % {"n": raw}]})
    return found


def _labels(user):
    return selectors.credential_labels(user)


@extend_schema(responses={200: RecognitionProgressSerializer, **ERRORS}, operation_id="recognition_my_progress")
@api_view(["GET"])
@permission_classes([IsAuthenticated])
def my_progress(request):
    """Your progress under every published policy of your own state and district, with what is missing and the
    published MCs that would close the gap. Worked out now; nothing is saved."""
    return Response(RecognitionProgressSerializer({"policies": selectors.educator_progress(request.user)},
                                                  context={"labels": _labels(request.user)}).data)


@extend_schema(responses={200: RecognitionAwardSerializer(many=True), **ERRORS}, operation_id="recognition_my_awards")
@api_view(["GET"])
@permission_classes([IsAuthenticated])
def my_awards(request):
    """Your awards, active and withdrawn, with their provenance: the policy version and the credentials that counted."""
    return Response(RecognitionAwardSerializer(selectors.all_awards_for(request.user), many=True).data)


@extend_schema(responses={200: RecognitionProgressSerializer, **ERRORS}, operation_id="recognition_my_portability")
@api_view(["GET"])
@permission_classes([IsAuthenticated])
def my_portability(request):
    """What your credentials would count for under other recognizers' published policies (nothing saved)."""
    return Response(RecognitionProgressSerializer({"policies": selectors.portability(request.user)},
                                                  context={"labels": _labels(request.user)}).data)


@extend_schema(methods=["GET"], responses={200: RecognitionPolicyVersionSerializer(many=True), **ERRORS}, operation_id="recognition_policies_list")
@extend_schema(methods=["POST"], request=RecognitionPolicyDocumentSerializer, responses={201: RecognitionPolicyVersionDetailSerializer, **ERRORS},
               operation_id="recognition_policies_save_draft")
@api_view(["GET", "POST"])
@permission_classes([IsAuthenticated])
def policies(request):
    """GET: every version of the policies of the recognizers you administer. POST {document}: validate the
    document and save it as its policy's draft (400 maps exact paths such as ``rules[2].per_mc`` to messages)."""
    recognizers = list(selectors.managed_recognizers(request.user))
    if not recognizers:
        raise PermissionDenied(_("Recognition policies are managed by the recognizer admins of a state, district or university."))
    if request.method == "GET":
        return Response(RecognitionPolicyVersionSerializer(selectors.policies_of(recognizers), many=True).data)
    data = request.data
    if not hasattr(data, "get") or "document" not in data:
        return Response({"document": ["Send {\"document\": …} — the policy as an object, or its JSON or YAML text."]}, status=400)
    try:
        document = read_document(data.get("document"))
    except RecursionError:
        return Response({"$": [_("The document is nested too deeply.")]}, status=400)
    slug = document.get("recognizer")
    recognizer = Organization.objects.filter(slug=slug).first() if isinstance(slug, str) and slug else None
    if recognizer is None:
        return Response({"recognizer": [_("Name the recognizer by its organization slug, e.g. “state-agency”.")]}, status=400)
    draft = services.create_or_update_draft(recognizer=recognizer, document=document, by=request.user)
    return Response(RecognitionPolicyVersionDetailSerializer(draft).data, status=status.HTTP_201_CREATED)


@extend_schema(responses={200: RecognitionPolicySerializer, **ERRORS}, operation_id="recognition_policy")
@api_view(["GET"])
@permission_classes([IsAuthenticated])
def policy_detail(request, slug):
    """Every version of one of your policies, with its document."""
    return Response(RecognitionPolicySerializer(selectors.managed_policy_versions(user=request.user, slug=slug)).data)


@extend_schema(parameters=[OpenApiParameter("version", int, description="Version to dry-run (default: the latest)")],
               responses={200: RecognitionDryRunSerializer, **ERRORS}, operation_id="recognition_policy_dry_run")
@api_view(["GET"])
@permission_classes([IsAuthenticated])
def dry_run(request, slug):
    """Who in your jurisdiction would qualify under a version, and what would change against current awards.
    Writes nothing."""
    policy = _chosen(selectors.managed_policy_versions(user=request.user, slug=slug), request.query_params.get("version"))
    return Response(RecognitionDryRunSerializer({"policy": policy, "rows": services.dry_run(policy, by=request.user)}).data)


@extend_schema(request=RecognitionPolicyVersionChoiceSerializer, responses={200: RecognitionPolicyVersionDetailSerializer, **ERRORS}, operation_id="recognition_policy_publish")
@api_view(["POST"])
@permission_classes([IsAuthenticated])
def publish(request, slug):
    """Publish the draft (or the given version, which must be the draft): the previous published version is
    retired and educators are re-evaluated in the background. Publishing the published version again is a no-op."""
    versions = selectors.managed_policy_versions(user=request.user, slug=slug)
    raw = request.data.get("version") if hasattr(request.data, "get") else None
    policy = _chosen(versions, raw, default_state=Policy.State.DRAFT)
    return Response(RecognitionPolicyVersionDetailSerializer(services.publish_and_reevaluate(policy=policy, by=request.user)).data)


QUALIFIERS_MAX = 500


@extend_schema(parameters=[
    OpenApiParameter("offset", int, description="Skip this many rows of each list (qualified, close); default 0"),
    OpenApiParameter("limit", int, description=f"Rows per list (default {selectors.QUALIFIERS_PAGE_SIZE}, at most {QUALIFIERS_MAX})")],
    responses={200: RecognitionQualifiersSerializer, 202: RecognitionQualifiersPendingSerializer, **ERRORS},
    operation_id="recognition_policy_qualifiers")
@api_view(["GET"])
@permission_classes([IsAuthenticated])
def qualifiers(request, slug):
    """Who qualifies under the published version (or the latest) or is close (≥ 75 % of every countable
    requirement): individuals in your jurisdiction only, a page of each list; counts by district and school for
    everyone. Read from the stored standings (docs/decisions/0040); 202 with the progress while they are first
    being computed."""
    versions = selectors.managed_policy_versions(user=request.user, slug=slug)
    policy = next((v for v in versions if v.state == Policy.State.PUBLISHED), versions[0])
    offset = bounded_int(request.query_params.get("offset"), 0, maximum=10**7)
    limit = bounded_int(request.query_params.get("limit"), selectors.QUALIFIERS_PAGE_SIZE, maximum=QUALIFIERS_MAX) or 1
    page = {"qualified_offset": offset, "close_offset": offset, "limit": limit}
    data = selectors.stored_qualifiers(policy, **page)
    if data is None:
        tasks.ensure_qualifiers(policy)
        data = selectors.stored_qualifiers(policy, **page)
    if data is None:
        return Response(RecognitionQualifiersPendingSerializer(
            {"policy": policy, "snapshot": selectors.qualifier_snapshot(policy)}).data, status=202)
    return Response(RecognitionQualifiersSerializer({**data, "policy": policy}).data)


@extend_schema(parameters=[OpenApiParameter("recognizer", str, required=True, description="Slug of the recognizer"),
                           OpenApiParameter("policy", str, description="Only awards under this policy slug"),
                           OpenApiParameter("state", str, enum=["active", "withdrawn", "all"], description="Default: active"),
                           OpenApiParameter("limit", int, description=f"Rows per page (default {EXPORT_LIMIT}, at most {EXPORT_MAX})"),
                           OpenApiParameter("offset", int, description="Rows to skip")],
               responses={200: RecognitionAwardExportSerializer, **ERRORS}, operation_id="recognition_awards_export")
@api_view(["GET"])
@permission_classes([IsAuthenticated])
def awards(request):
    """Awards under the recognizer's policies for educators in its jurisdiction, for licensure and payroll
    systems (the same columns as the CSV export), oldest first."""
    slug = request.query_params.get("recognizer")
    if not slug:
        return Response({"recognizer": [_("Give the recognizer's slug: ?recognizer=SLUG.")]}, status=400)
    recognizer = Organization.objects.filter(slug=slug).first()
    if recognizer is None or not authz.can_manage_recognizer(request.user, recognizer):
        raise PermissionDenied(_("Only the recognizer's admins export its awards."))
    state = request.query_params.get("state", Award.State.ACTIVE)
    if state not in (*Award.State.values, "all"):
        return Response({"state": [_("Give active, withdrawn or all.")]}, status=400)
    limit = bounded_int(request.query_params.get("limit"), EXPORT_LIMIT, maximum=EXPORT_MAX) or EXPORT_LIMIT
    offset = bounded_int(request.query_params.get("offset"), 0, maximum=10**9)
    rows = selectors.awards_export(recognizer, policy_slug=request.query_params.get("policy") or None,
                                   state=None if state == "all" else state)
    page = list(islice(rows, offset, offset + limit + 1))  # one extra row says whether there is a next page
    more = len(page) > limit
    page = page[:limit]
    return Response(RecognitionAwardExportSerializer({"recognizer": recognizer.slug, "state": state, "offset": offset, "limit": limit,
                                                      "next_offset": offset + limit if more else None, "results": page}).data)


@extend_schema(request=RecognitionFactInSerializer, responses={201: RecognitionFactSerializer, **ERRORS}, operation_id="recognition_fact_set")
@api_view(["POST"])
@permission_classes([IsAuthenticated])
def facts(request):
    """Set a fact your organization keeps about an educator in its jurisdiction (used by eligibility rules);
    the educator is re-evaluated in the background."""
    data = request.data if hasattr(request.data, "get") else {}
    errors = {f: [_("This field is required.")] for f in ("recognizer", "educator", "key", "value") if f not in data}
    if errors:
        return Response(errors, status=400)
    slug = data.get("recognizer")
    recognizer = Organization.objects.filter(slug=slug).first() if isinstance(slug, str) else None
    if recognizer is None or not authz.can_manage_recognizer(request.user, recognizer):
        raise PermissionDenied(_("Only the recognizer's admins record facts about its educators."))
    username = data.get("educator")
    educator = get_user_model().objects.filter(username=username).first() if isinstance(username, str) else None
    fact = services.record_educator_fact(recognizer=recognizer, educator=educator, key=data.get("key"),
                                         value=data.get("value"), by=request.user)
    return Response(RecognitionFactSerializer(fact).data, status=status.HTTP_201_CREATED)
