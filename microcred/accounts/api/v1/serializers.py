"""Shapes of the invitations JSON API (v1). The token of an invitation is never shown: only its invitee gets it, by mail."""
from __future__ import annotations

from rest_framework import serializers

from microcred.accounts.models import Invitation, Role


class InvitationSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    email = serializers.CharField()
    organization = serializers.CharField(source="organization.slug")
    organization_name = serializers.CharField(source="organization.name")
    role = serializers.CharField()
    role_label = serializers.CharField(source="get_role_display")
    state = serializers.ChoiceField(choices=Invitation.State.choices)
    invited_by = serializers.CharField(source="invited_by.username", allow_null=True, default=None)
    accepted_by = serializers.CharField(source="accepted_by.username", allow_null=True, default=None)
    created_at = serializers.DateTimeField()
    expires_at = serializers.DateTimeField()
    sent_at = serializers.DateTimeField(allow_null=True)


class InvitationPageSerializer(serializers.Serializer):
    count = serializers.IntegerField()
    offset = serializers.IntegerField()
    limit = serializers.IntegerField()
    next_offset = serializers.IntegerField(allow_null=True)
    results = InvitationSerializer(many=True)


class InvitationCreateSerializer(serializers.Serializer):
    organization = serializers.SlugField(help_text="slug of an organization whose people you manage")
    role = serializers.ChoiceField(choices=Role.choices, help_text="a role you may give there")
    email = serializers.CharField(max_length=254)
