"""JSON API of earning: the same services as the web pages, for integrations."""
from __future__ import annotations

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.decorators import api_view, parser_classes, permission_classes
from rest_framework.parsers import MultiPartParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from django.utils.translation import gettext as _

from microcred.core.api import ERROR_RESPONSES
from microcred.catalog import selectors as catalog_selectors
from microcred.catalog.models import MicroCredential, Prompt

from ... import notifications as notices
from ... import plans, selectors, services
from ...models import Evidence
from .serializers import (AnswerSerializer, AttemptDetailSerializer, AttemptSummarySerializer, NotificationOutSerializer,
                          NotificationPreferenceRowSerializer, NotificationPreferencesSerializer,
                          RecommendationSerializer, StartAttemptSerializer, SubmitSerializer, UploadSerializer)


def _detail(attempt) -> dict:
    return AttemptDetailSerializer(attempt).data

@extend_schema(methods=["GET"], responses={200: AttemptSummarySerializer(many=True), **ERROR_RESPONSES},
               operation_id="earning_attempts_list")
@extend_schema(methods=["POST"], request=StartAttemptSerializer,
               responses={201: AttemptDetailSerializer, **ERROR_RESPONSES}, operation_id="earning_attempts_start")
@api_view(["GET", "POST"])
@permission_classes([IsAuthenticated])
def attempts(request):
    """Your attempts; POST starts one on the MC's published version (returns the open one if it exists)."""
    if request.method == "POST":
        slug = request.data.get("micro_credential") if isinstance(request.data, dict) else None
        if not isinstance(slug, str):
            return Response({"micro_credential": [_("Give the slug of a published micro-credential.")]}, status=400)
        mc = MicroCredential.objects.filter(slug=slug).first()
        if mc is None or not catalog_selectors.can_view(request.user, mc):  # a members-only MC does not exist for outsiders
            return Response({"micro_credential": [_("No such micro-credential.")]}, status=400)
        attempt = services.start_attempt(earner=request.user, micro_credential=mc)
        return Response(_detail(attempt), status=status.HTTP_201_CREATED)
    return Response(AttemptSummarySerializer(selectors.attempts_for_earner(request.user), many=True).data)


@extend_schema(responses={200: AttemptDetailSerializer, **ERROR_RESPONSES}, operation_id="earning_attempt_detail")
@api_view(["GET"])
@permission_classes([IsAuthenticated])
def attempt_detail(request, pk):
    return Response(_detail(selectors.attempt_for(user=request.user, attempt_id=pk)))


@extend_schema(request=AnswerSerializer,
               responses={200: AttemptDetailSerializer, **ERROR_RESPONSES}, operation_id="earning_attempt_answer")
@api_view(["POST"])
@permission_classes([IsAuthenticated])
def answer(request, pk):
    """Save (autosave) the answer to one prompt: text, a link, or a quiz choice. Empty clears it."""
    attempt = selectors.own_attempt(user=request.user, attempt_id=pk)
    data = request.data if isinstance(request.data, dict) else {}
    prompt_id = data.get("prompt")
    if isinstance(prompt_id, bool) or not isinstance(prompt_id, int):
        return Response({"prompt": [_("Give the id of a prompt of this micro-credential.")]}, status=400)
    prompt = get_object_or_404(Prompt, pk=prompt_id, part__version=attempt.version)
    for key, kind in (("text", str), ("url", str)):
        if key in data and data[key] is not None and not isinstance(data[key], kind):
            return Response({key: ["must be text."]}, status=400)
    services.save_answer(attempt=attempt, by=request.user, prompt=prompt, text=data.get("text"), url=data.get("url"), choice=data.get("choice"))
    return Response(_detail(attempt))


@extend_schema(request={"multipart/form-data": UploadSerializer},
               responses={201: AttemptDetailSerializer, **ERROR_RESPONSES}, operation_id="earning_attempt_upload")
@api_view(["POST"])
@parser_classes([MultiPartParser])
@permission_classes([IsAuthenticated])
def upload(request, pk):
    """Upload a file (video, document, image, audio) as evidence for a prompt. Streamed; content is sniffed."""
    attempt = selectors.own_attempt(user=request.user, attempt_id=pk)
    try:
        prompt_id = int(request.data.get("prompt", ""))
    except (TypeError, ValueError):
        return Response({"prompt": [_("Give the id of a prompt of this micro-credential.")]}, status=400)
    prompt = get_object_or_404(Prompt, pk=prompt_id, part__version=attempt.version)
    from ...uploads import upload_refusal

    files = request.FILES
    refusal = upload_refusal(request._request) or (None if "file" in files else _("Send the file in the field “file”."))
    if refusal:
        return Response({"file": [refusal]}, status=400)
    services.add_file(attempt=attempt, by=request.user, prompt=prompt, uploaded_file=request.FILES["file"])
    return Response(_detail(attempt), status=201)


@extend_schema(request=None, responses={200: AttemptDetailSerializer, **ERROR_RESPONSES}, operation_id="earning_evidence_remove")
@api_view(["DELETE"])
@permission_classes([IsAuthenticated])
def remove_evidence(request, pk, evidence_id):
    attempt = selectors.own_attempt(user=request.user, attempt_id=pk)
    services.remove_evidence(evidence=get_object_or_404(Evidence, pk=evidence_id, response__attempt=attempt), by=request.user)
    return Response(_detail(attempt))


@extend_schema(request=SubmitSerializer,
               responses={200: AttemptDetailSerializer, **ERROR_RESPONSES}, operation_id="earning_attempt_submit")
@api_view(["POST"])
@permission_classes([IsAuthenticated])
def submit(request, pk):
    """Submit (or resubmit) for assessment. Idempotent: a second call returns the same submitted attempt."""
    attempt = selectors.own_attempt(user=request.user, attempt_id=pk)
    data = request.data if isinstance(request.data, dict) else {}
    note = data.get("note_to_assessor", "")
    if not isinstance(note, str) or len(note) > 5000:
        return Response({"note_to_assessor": [_("Text of at most 5,000 characters.")]}, status=400)
    if data.get("privacy_confirmed") is True:
        services.confirm_privacy(attempt=attempt, by=request.user)
    return Response(_detail(services.submit_attempt(attempt=attempt, by=request.user, note_to_assessor=note)))


@extend_schema(request=None, responses={200: AttemptDetailSerializer, **ERROR_RESPONSES}, operation_id="earning_attempt_withdraw")
@api_view(["POST"])
@permission_classes([IsAuthenticated])
def withdraw(request, pk):
    attempt = selectors.own_attempt(user=request.user, attempt_id=pk)
    return Response(_detail(services.withdraw_submission(attempt=attempt, by=request.user)))


@extend_schema(responses={200: RecommendationSerializer(many=True),
                          **ERROR_RESPONSES}, operation_id="earning_recommendations")
@api_view(["GET"])
@permission_classes([IsAuthenticated])
def recommendations(request):
    """Recommended MCs: growth plan first, then district/state priorities, then MCs written for your role."""
    return Response(RecommendationSerializer(plans.recommendations(earner=request.user, limit=20), many=True).data)


@extend_schema(responses={200: NotificationOutSerializer(many=True),
                          **ERROR_RESPONSES}, operation_id="earning_notifications")
@api_view(["GET"])
@permission_classes([IsAuthenticated])
def notifications(request):
    return Response(NotificationOutSerializer(notices.shown(request.user)[:200], many=True).data)




def _preferences_out(user) -> dict:
    rows = notices.preferences(user)
    return {"email": [r["kind"] for r in rows if r["email"]], "in_app": [r["kind"] for r in rows if r["in_app"]],
            "kinds": NotificationPreferenceRowSerializer(rows, many=True).data}


@extend_schema(methods=["GET"], responses={200: NotificationPreferencesSerializer, **ERROR_RESPONSES},
               operation_id="earning_notification_preferences")
@extend_schema(methods=["PUT"], request=NotificationPreferencesSerializer,
               responses={200: NotificationPreferencesSerializer, **ERROR_RESPONSES},
               operation_id="earning_notification_preferences_set")
@api_view(["GET", "PUT"])
@permission_classes([IsAuthenticated])
def notification_preferences(request):
    """Your own notification choices: per kind, e-mail and in-app. Account notices are always on."""
    if request.method == "PUT":
        serializer = NotificationPreferencesSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        notices.set_preferences(user=request.user, by=request.user, emailed=serializer.validated_data["email"],
                                in_app=serializer.validated_data["in_app"])
    return Response(_preferences_out(request.user))
