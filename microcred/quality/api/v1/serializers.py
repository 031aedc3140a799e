"""Serializers of the quality API (shapes of the same selectors the pages use)."""
from __future__ import annotations

from rest_framework import serializers


class QualityFrameworkSerializer(serializers.Serializer):
    number = serializers.IntegerField()
    title = serializers.CharField()
    adopted_at = serializers.DateTimeField()
    note = serializers.CharField()
    data = serializers.JSONField(help_text="The framework document: criteria, indicators, rating levels, sources.")


class AdoptFrameworkSerializer(serializers.Serializer):
    data = serializers.JSONField(help_text="The revised framework document (same shape as the shipped one).")
    note = serializers.CharField(required=False, allow_blank=True, max_length=4000)


class QualityFindingSerializer(serializers.Serializer):
    code = serializers.CharField()
    severity = serializers.ChoiceField(choices=["block", "warn"])
    message = serializers.CharField()


class QualityChecksSerializer(serializers.Serializer):
    blocked = serializers.BooleanField()
    findings = QualityFindingSerializer(many=True)


class QualitySubmitSerializer(serializers.Serializer):
    micro_credential = serializers.SlugField(max_length=120)
    version = serializers.IntegerField(min_value=1, max_value=100_000)


class QualityRatingSerializer(serializers.Serializer):
    criterion = serializers.CharField()
    level = serializers.IntegerField()
    comment = serializers.CharField()
    organization = serializers.CharField(source="organization.name")
    reviewer = serializers.CharField(source="reviewer.username")


class QualityReviewSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    micro_credential = serializers.CharField(source="version.micro_credential.slug")
    version = serializers.IntegerField(source="version.number")
    framework_version = serializers.IntegerField(source="framework.number")
    state = serializers.CharField()
    outcome = serializers.CharField()
    scores = serializers.JSONField()
    changes_requested = serializers.CharField()
    checks = serializers.JSONField()
    submitted_at = serializers.DateTimeField()
    decided_at = serializers.DateTimeField(allow_null=True)
    pilot_report = serializers.JSONField(help_text="The version's pilot report at submission ({} when it had no pilot).")
    ratings = serializers.SerializerMethodField()

    def get_ratings(self, review) -> list[dict]:
        if review.state == "open":  # independent: nobody sees another's ratings before reconciliation
            user = self.context["request"].user
            found = review.ratings.filter(reviewer=user)
        else:
            found = review.ratings.all()
        return QualityRatingSerializer(found.select_related("organization", "reviewer"), many=True).data


class QualityRateSerializer(serializers.Serializer):
    ratings = serializers.DictField(child=serializers.DictField(), help_text='{"<criterion key>": {"level": 2, "comment": "…"}}')


class QualityDecideSerializer(serializers.Serializer):
    scores = serializers.DictField(child=serializers.IntegerField(min_value=0, max_value=100))
    outcome = serializers.ChoiceField(choices=["approved", "approved_with_conditions", "revise"])
    changes_requested = serializers.CharField(required=False, allow_blank=True, max_length=4000)


class QualityCriterionScoreSerializer(serializers.Serializer):
    key = serializers.CharField()
    title = serializers.CharField()
    level = serializers.IntegerField(allow_null=True)
    level_name = serializers.CharField()


class QualityOutcomesSerializer(serializers.Serializer):
    too_few = serializers.BooleanField(help_text="Fewer earners than min_earners: the figures are null (too few to report).")
    earners = serializers.IntegerField()
    min_earners = serializers.IntegerField()
    pairs = serializers.IntegerField(allow_null=True)
    exact_agreement = serializers.FloatField(allow_null=True)
    quadratic_weighted_kappa = serializers.FloatField(allow_null=True)
    pass_rate = serializers.FloatField(allow_null=True)
    first_attempt_pass_rate = serializers.FloatField(allow_null=True)
    median_business_days_to_decision = serializers.FloatField(allow_null=True)


class QualitySurveyFiguresSerializer(serializers.Serializer):
    responses = serializers.IntegerField()
    too_few = serializers.BooleanField()
    mean_rating = serializers.FloatField(allow_null=True, help_text="1–5; null when fewer than 10 answers")


class QualitySurveysSerializer(serializers.Serializer):
    decision = QualitySurveyFiguresSerializer(help_text="Worth the time, asked when the attempt was decided")
    follow_up = QualitySurveyFiguresSerializer(help_text="Changed practice, asked days later")


class RecognizedBySerializer(serializers.Serializer):
    recognizer = serializers.CharField(help_text="The recognizing organization.")
    policy = serializers.CharField(help_text="The published policy's title.")
    slug = serializers.CharField(help_text="The policy's identifier.")


class QualityRecordSerializer(serializers.Serializer):
    micro_credential = serializers.CharField(source="micro_credential.slug")
    status = serializers.ChoiceField(choices=["approved", "approved_with_conditions", "revise", "pending", "none"])
    pending = serializers.BooleanField()
    framework_version = serializers.IntegerField()
    decided_at = serializers.DateTimeField(allow_null=True)
    criteria = QualityCriterionScoreSerializer(many=True)
    reviewer_organizations = serializers.ListField(child=serializers.CharField())
    changes_requested = serializers.CharField()
    outcomes = QualityOutcomesSerializer()
    surveys = QualitySurveysSerializer()
    recognized_by = RecognizedBySerializer(many=True, help_text="Published recognition policies whose approved set "
                                           "includes this MC (educators still meet each policy's other conditions).")
    since = serializers.DateTimeField()
    until = serializers.DateTimeField()


class PilotCommentSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=["decision", "follow_up"])
    rating = serializers.IntegerField(allow_null=True)
    comment = serializers.CharField()
    answered_at = serializers.DateTimeField()


class PilotReportSerializer(serializers.Serializer):
    micro_credential = serializers.CharField()
    version = serializers.IntegerField()
    state = serializers.ChoiceField(choices=["open", "closed"])
    cap = serializers.IntegerField()
    opened_at = serializers.DateTimeField()
    closed_at = serializers.DateTimeField(allow_null=True)
    earners = serializers.IntegerField()
    min_earners = serializers.IntegerField()
    too_few = serializers.BooleanField(help_text="Fewer than min_earners earners: the rates below are null.")
    submissions = serializers.IntegerField(help_text="Pilot submissions opened for assessment.")
    double_scored = serializers.IntegerField(help_text="Of those, scored by a first and a second reader.")
    pairs = serializers.IntegerField(help_text="Criterion score pairs of the double-scored submissions.")
    decided = serializers.IntegerField()
    exact_agreement = serializers.FloatField(allow_null=True)
    quadratic_weighted_kappa = serializers.FloatField(allow_null=True)
    pass_rate = serializers.FloatField(allow_null=True)
    median_days_to_earn = serializers.FloatField(allow_null=True)
    comments = PilotCommentSerializer(many=True)


class OpenPilotSerializer(serializers.Serializer):
    cap = serializers.IntegerField(min_value=1, max_value=500, help_text="The most earners the pilot takes.")
