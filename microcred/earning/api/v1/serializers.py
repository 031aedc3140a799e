"""Shapes of earning's JSON API (v1): what goes in and what comes out. Views parse with these and answer with
these; no response is built as a dict in a view."""
from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

# --- in ------------------------------------------------------------------------------------------------------


class StartAttemptSerializer(serializers.Serializer):
    micro_credential = serializers.SlugField()


class AnswerSerializer(serializers.Serializer):
    prompt = serializers.IntegerField()
    text = serializers.CharField(required=False)
    url = serializers.CharField(required=False)
    choice = serializers.IntegerField(required=False)


class UploadSerializer(serializers.Serializer):
    prompt = serializers.IntegerField()
    file = serializers.FileField()


class SubmitSerializer(serializers.Serializer):
    privacy_confirmed = serializers.BooleanField()
    note_to_assessor = serializers.CharField(required=False, allow_blank=True)


# --- out: an attempt -----------------------------------------------------------------------------------------


class AttemptSummarySerializer(serializers.Serializer):
    """An attempt in a list (reads an Attempt)."""

    id = serializers.IntegerField(source="pk")
    micro_credential = serializers.CharField(source="micro_credential.slug")
    version = serializers.IntegerField(source="version.number")
    title = serializers.CharField(source="version.title")
    state = serializers.CharField()
    submitted_at = serializers.DateTimeField(allow_null=True)
    decided_at = serializers.DateTimeField(allow_null=True)


class AttemptEvidenceFileSerializer(serializers.Serializer):
    """A file given as evidence (reads an Evidence with a file)."""

    evidence_id = serializers.IntegerField(source="pk")
    name = serializers.CharField(source="file.original_name")
    size = serializers.IntegerField(source="file.size")
    url = serializers.SerializerMethodField()

    def get_url(self, evidence) -> str:
        return f"/earn/files/{evidence.file_id}/"


class AttemptPromptAnswerSerializer(serializers.Serializer):
    text = serializers.CharField(allow_blank=True)
    url = serializers.CharField(allow_blank=True)
    choice = serializers.JSONField(allow_null=True)


class AttemptPromptSerializer(serializers.Serializer):
    """One prompt of a part with the earner's answer (reads a row of selectors.attempt_workspace)."""

    prompt_id = serializers.IntegerField(source="prompt.pk")
    text = serializers.CharField(source="prompt.text")
    response_type = serializers.CharField(source="prompt.response_type")
    choices = serializers.JSONField(source="prompt.choices")
    answer = AttemptPromptAnswerSerializer(source="*")
    files = AttemptEvidenceFileSerializer(many=True)


class AttemptPartSerializer(serializers.Serializer):
    """One part of the attempt: what is there, what is missing, whether it is locked (passed earlier)."""

    part_id = serializers.IntegerField(source="part.pk")
    position = serializers.IntegerField(source="part.position")
    title = serializers.CharField(source="part.title")
    state = serializers.CharField(help_text="empty, started, complete; passed (locked after an earlier submission); "
                                            "revise (sent back by a “not yet”: revise and resubmit)")
    missing = serializers.ListField(child=serializers.CharField())
    locked = serializers.BooleanField()
    prompts = AttemptPromptSerializer(many=True)


class AttemptPartFeedbackSerializer(serializers.Serializer):
    part_id = serializers.IntegerField()
    passed = serializers.BooleanField(allow_null=True)
    feedback = serializers.CharField(allow_blank=True)


class AttemptCriterionScoreSerializer(serializers.Serializer):
    criterion_id = serializers.IntegerField()
    criterion = serializers.CharField(source="criterion.title")
    level = serializers.CharField(source="level.name")
    level_index = serializers.IntegerField(source="level.position")
    comment = serializers.CharField(allow_blank=True)


class AttemptDecisionSerializer(serializers.Serializer):
    result = serializers.CharField()
    decided_at = serializers.DateTimeField()
    overall_feedback = serializers.CharField(allow_blank=True)


class AttemptSubmissionSerializer(serializers.Serializer):
    """One submission with its decision and feedback (reads a row of selectors.submission_history). No assessor
    identity is included."""

    submission = serializers.IntegerField(source="submission.number")
    state = serializers.CharField(source="submission.state")
    submitted_at = serializers.DateTimeField(source="submission.submitted_at", allow_null=True)
    note_to_assessor = serializers.CharField(source="submission.note_to_assessor", allow_blank=True)
    quiz = serializers.SerializerMethodField()
    decision = serializers.SerializerMethodField()

    def get_quiz(self, row) -> dict:
        return {"correct": row["quiz_correct"], "total": row["quiz_total"]}

    def get_decision(self, row) -> dict | None:
        if row["decision"] is None:
            return None
        return {**AttemptDecisionSerializer(row["decision"]).data,
                "parts": AttemptPartFeedbackSerializer(row["feedback"], many=True).data,
                "criteria": AttemptCriterionScoreSerializer(row["criteria"], many=True).data}


class AttemptDetailSerializer(AttemptSummarySerializer):
    """An attempt with its parts, answers, files and submission history (reads an Attempt)."""

    privacy_confirmed = serializers.SerializerMethodField()
    shared_with_coach = serializers.BooleanField()
    fee_amount = serializers.FloatField(allow_null=True)
    paid_by = serializers.SerializerMethodField(help_text="Slug of the organization that pays the fee, if any")
    parts = serializers.SerializerMethodField()
    history = serializers.SerializerMethodField()

    def get_privacy_confirmed(self, attempt) -> bool:
        return attempt.privacy_confirmed_at is not None

    def get_paid_by(self, attempt) -> str | None:
        return attempt.paid_by_organization.slug if attempt.paid_by_organization_id else None

    @extend_schema_field(AttemptPartSerializer(many=True))
    def get_parts(self, attempt) -> list[dict]:
        from ...selectors import attempt_workspace

        return AttemptPartSerializer(attempt_workspace(attempt), many=True).data

    @extend_schema_field(AttemptSubmissionSerializer(many=True))
    def get_history(self, attempt) -> list[dict]:
        from ...selectors import submission_history

        return AttemptSubmissionSerializer(submission_history(attempt), many=True).data


# --- out: recommendations, notifications ---------------------------------------------------------------------


class RecommendationSerializer(serializers.Serializer):
    """A recommended MC (reads a row of plans.recommendations)."""

    micro_credential = serializers.CharField(source="micro_credential.slug")
    title = serializers.CharField(source="version.title")
    reasons = serializers.ListField(child=serializers.CharField())


class NotificationOutSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    kind = serializers.CharField()
    message = serializers.CharField()
    url = serializers.CharField()
    created_at = serializers.DateTimeField()
    read = serializers.SerializerMethodField()

    def get_read(self, notification) -> bool:
        return notification.read_at is not None


class NotificationPreferenceRowSerializer(serializers.Serializer):
    kind = serializers.CharField()
    label = serializers.CharField()
    email = serializers.BooleanField()
    in_app = serializers.BooleanField()
    locked = serializers.BooleanField(help_text="Account and security notices cannot be turned off.")


class NotificationPreferencesSerializer(serializers.Serializer):
    """In: the kinds to keep on for each channel (every kind not listed is turned off, except the locked ones).
    Out: the same lists, and one row per kind."""

    email = serializers.ListField(child=serializers.CharField(max_length=15), max_length=50)
    in_app = serializers.ListField(child=serializers.CharField(max_length=15), max_length=50)
    kinds = NotificationPreferenceRowSerializer(many=True, read_only=True)
