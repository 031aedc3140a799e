"""JSON API of quality assurance: the framework, the automatic checks, reviews (submit, rate, decide) and the
public quality record of an MC. The same selectors and services as the pages, the same rules."""
from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.decorators import api_view, permission_classes
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response

from microcred.accounts import policy
from microcred.catalog.models import MicroCredential
from microcred.core.api import ERROR_RESPONSES as ERRORS

from ... import checks, selectors, services
from ...models import Pilot
from .serializers import (AdoptFrameworkSerializer, OpenPilotSerializer, PilotReportSerializer, QualityChecksSerializer, QualityDecideSerializer, QualityFrameworkSerializer,
                          QualityRecordSerializer, QualityRateSerializer, QualityReviewSerializer, QualitySubmitSerializer)


@extend_schema(methods=["GET"], responses={200: QualityFrameworkSerializer, **ERRORS}, operation_id="quality_framework")
@extend_schema(methods=["POST"], request=AdoptFrameworkSerializer, responses={201: QualityFrameworkSerializer, **ERRORS},
               operation_id="quality_framework_adopt")
@api_view(["GET", "POST"])
@permission_classes([AllowAny])
def framework(request):
    """GET: the current quality framework (public). POST: adopt a revised one (platform and state agency admins)."""
    if request.method == "GET":
        return Response(QualityFrameworkSerializer(selectors.current_framework()).data)
    if not policy.is_signed_in(request.user):
        # 403 as everywhere else in the API (ERROR_RESPONSES documents "not signed in, or not allowed" as 403).
        return Response({"detail": _("Authentication credentials were not provided.")}, status=status.HTTP_403_FORBIDDEN)
    if not policy.can_adopt_quality_framework(request.user):
        raise Http404
    body = AdoptFrameworkSerializer(data=request.data)
    body.is_valid(raise_exception=True)
    adopted = services.adopt_framework(by=request.user, data=body.validated_data["data"], note=body.validated_data.get("note", ""))
    return Response(QualityFrameworkSerializer(adopted).data, status=status.HTTP_201_CREATED)


def _editable_mc(user, slug) -> MicroCredential:
    mc = MicroCredential.objects.filter(slug=slug).first()
    if mc is None or not policy.can_edit(user, mc):
        raise Http404
    return mc


@extend_schema(responses={200: QualityChecksSerializer, **ERRORS}, operation_id="quality_checks")
@api_view(["GET"])
@permission_classes([IsAuthenticated])
def version_checks(request, slug, number):
    """The automatic checks of one version (its owner's authors and issuer admins, platform admins)."""
    version = get_object_or_404(_editable_mc(request.user, slug).versions, number=number)
    findings = services.check_version(version)
    return Response(QualityChecksSerializer({"blocked": bool(checks.blocking(findings)), "findings": [f.as_dict() for f in findings]}).data)


@extend_schema(request=QualitySubmitSerializer, responses={201: QualityReviewSerializer, **ERRORS}, operation_id="quality_review_submit")
@api_view(["POST"])
@permission_classes([IsAuthenticated])
def submit(request):
    """Submit a version for independent quality review. Refused (400) with the reasons when an automatic check blocks it."""
    body = QualitySubmitSerializer(data=request.data)
    body.is_valid(raise_exception=True)
    mc = _editable_mc(request.user, body.validated_data["micro_credential"])
    version = get_object_or_404(mc.versions, number=body.validated_data["version"])
    review = services.submit_for_review(by=request.user, version=version)
    return Response(QualityReviewSerializer(review, context={"request": request}).data, status=status.HTTP_201_CREATED)


@extend_schema(responses={200: QualityReviewSerializer, **ERRORS}, operation_id="quality_review_detail")
@api_view(["GET"])
@permission_classes([IsAuthenticated])
def review(request, pk):
    """One quality review (the issuer's people and the reviewers who may rate it)."""
    return Response(QualityReviewSerializer(selectors.review_for(request.user, pk), context={"request": request}).data)


@extend_schema(request=QualityRateSerializer, responses={200: QualityReviewSerializer, **ERRORS}, operation_id="quality_review_rate")
@api_view(["POST"])
@permission_classes([IsAuthenticated])
def rate(request, pk):
    """Rate every criterion of the review's framework (a certified reviewer from another organization)."""
    found = selectors.review_for(request.user, pk)
    body = QualityRateSerializer(data=request.data)
    body.is_valid(raise_exception=True)
    ratings = {}
    for key, value in body.validated_data["ratings"].items():
        level = value.get("level")
        comment = value.get("comment", "")
        if not isinstance(comment, str):
            raise ValidationError({str(key)[:40]: [_("The comment must be text.")]})
        ratings[str(key)] = (level, comment)
    found = services.rate(by=request.user, review=found, ratings=ratings)
    return Response(QualityReviewSerializer(found, context={"request": request}).data)


@extend_schema(request=QualityDecideSerializer, responses={200: QualityReviewSerializer, **ERRORS}, operation_id="quality_review_decide")
@api_view(["POST"])
@permission_classes([IsAuthenticated])
def decide(request, pk):
    """Reconcile the ratings and record the outcome (a reviewer who rated the review)."""
    found = selectors.review_for(request.user, pk)
    body = QualityDecideSerializer(data=request.data)
    body.is_valid(raise_exception=True)
    found = services.decide(by=request.user, review=found, scores=dict(body.validated_data["scores"]),
                            outcome=body.validated_data["outcome"], changes_requested=body.validated_data.get("changes_requested", ""))
    return Response(QualityReviewSerializer(found, context={"request": request}).data)


@extend_schema(responses={200: QualityRecordSerializer, **ERRORS}, operation_id="micro_credential_quality")
@api_view(["GET"])
@permission_classes([AllowAny])
def quality_record(request, slug):
    """The public quality record of a published micro-credential: QA status, framework version, criterion scores,
    reviewer organizations, and the last 12 months' reliability, pass rates, time to a decision and earners
    (figures from fewer than 10 earners are null, with too_few set)."""
    mc = selectors.public_micro_credential(slug, request.user)
    return Response(QualityRecordSerializer(selectors.quality_record(mc)).data)


def _pilot_data(mc, pilot) -> dict:
    return {"micro_credential": mc.slug, **selectors.pilot_report(pilot)}


@extend_schema(methods=["GET"], responses={200: PilotReportSerializer, **ERRORS}, operation_id="quality_pilot_report")
@extend_schema(methods=["POST"], request=OpenPilotSerializer, responses={201: PilotReportSerializer, **ERRORS},
               operation_id="quality_pilot_open")
@api_view(["GET", "POST"])
@permission_classes([IsAuthenticated])
def pilot(request, slug, number):
    """GET: the version's pilot report (the issuer's people and its quality reviewers; 404 for everyone else).
    POST: open the version (current, published) as a pilot for at most ``cap`` earners (the owner's issuer admins)."""
    if request.method == "GET":
        mc = MicroCredential.objects.filter(slug=slug).first()
        version = mc.versions.filter(number=number).first() if mc else None
        if version is None:
            raise Http404
        return Response(PilotReportSerializer(_pilot_data(mc, selectors.pilot_for(request.user, version))).data)
    mc = _editable_mc(request.user, slug)
    version = get_object_or_404(mc.versions, number=number)
    body = OpenPilotSerializer(data=request.data)
    body.is_valid(raise_exception=True)
    found = services.open_pilot(by=request.user, version=version, cap=body.validated_data["cap"])
    return Response(PilotReportSerializer(_pilot_data(mc, found)).data, status=status.HTTP_201_CREATED)


@extend_schema(request=None, responses={200: PilotReportSerializer, **ERRORS}, operation_id="quality_pilot_close")
@api_view(["POST"])
@permission_classes([IsAuthenticated])
def close_pilot(request, slug, number):
    """Close the version's open pilot (the owner's issuer admins). Refused (400) when it is closed already."""
    mc = _editable_mc(request.user, slug)
    version = get_object_or_404(mc.versions, number=number)
    found = services.close_pilot(by=request.user, pilot=get_object_or_404(Pilot, version=version))
    return Response(PilotReportSerializer(_pilot_data(mc, found)).data)
