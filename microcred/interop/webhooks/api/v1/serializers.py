from __future__ import annotations

from rest_framework import serializers

from ....models import WebhookAttempt, WebhookDelivery, WebhookSubscription
from ... import events


class SubscriptionSerializer(serializers.ModelSerializer):
    organization = serializers.SlugRelatedField(slug_field="slug", read_only=True)

    class Meta:
        model = WebhookSubscription
        fields = ["id", "organization", "url", "description", "events", "state", "disabled_at", "disabled_reason",
                  "consecutive_failures", "created_at", "updated_at"]
        read_only_fields = fields


class SubscriptionCreatedSerializer(SubscriptionSerializer):
    secret = serializers.CharField(help_text="The signing secret (whsec_…), shown in this answer only.")

    class Meta(SubscriptionSerializer.Meta):
        fields = [*SubscriptionSerializer.Meta.fields, "secret"]
        read_only_fields = fields


class SubscriptionInSerializer(serializers.Serializer):
    organization = serializers.SlugField(max_length=120, help_text="The organization's slug (POST only).")
    url = serializers.CharField(max_length=500)
    description = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    events = serializers.ListField(child=serializers.ChoiceField(choices=events.EVENT_TYPES), min_length=1, max_length=20)


class SubscriptionChangeSerializer(serializers.Serializer):
    url = serializers.CharField(max_length=500, required=False)
    description = serializers.CharField(max_length=200, required=False, allow_blank=True)
    events = serializers.ListField(child=serializers.ChoiceField(choices=events.EVENT_TYPES), min_length=1, max_length=20,
                                   required=False)


class AttemptSerializer(serializers.ModelSerializer):
    class Meta:
        model = WebhookAttempt
        fields = ["number", "started_at", "duration_ms", "status_code", "error", "response_excerpt", "succeeded"]


class DeliverySerializer(serializers.ModelSerializer):
    webhook_id = serializers.CharField(source="message_id")
    attempts = AttemptSerializer(many=True)
    replay_of = serializers.PrimaryKeyRelatedField(read_only=True)

    class Meta:
        model = WebhookDelivery
        fields = ["id", "event_type", "webhook_id", "state", "attempt_count", "next_attempt_at", "created_at",
                  "finished_at", "replay_of", "payload", "attempts"]
