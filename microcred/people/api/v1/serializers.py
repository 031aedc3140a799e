"""Shapes of the people JSON API (v1). Each named component of the schema is one serializer class here. A person
is only ever shown with their memberships in the organizations the caller manages."""
from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from microcred.accounts.models import Role


class PersonMembershipSerializer(serializers.Serializer):
    organization = serializers.CharField(source="organization.slug")
    organization_name = serializers.CharField(source="organization.name")
    role = serializers.CharField()
    role_label = serializers.CharField(source="get_role_display")


class PersonSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    username = serializers.CharField()
    name = serializers.CharField(source="get_full_name")
    email = serializers.CharField()
    is_active = serializers.BooleanField()
    memberships = PersonMembershipSerializer(source="managed_memberships", many=True,
                                             help_text="in the organizations you manage only")


class PersonPageSerializer(serializers.Serializer):
    count = serializers.IntegerField()
    offset = serializers.IntegerField()
    limit = serializers.IntegerField()
    next_offset = serializers.IntegerField(allow_null=True)
    results = PersonSerializer(many=True)


class PersonRefSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    username = serializers.CharField()
    name = serializers.CharField(source="get_full_name")


class PersonCohortSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    name = serializers.CharField()
    organization = serializers.CharField(source="organization.slug")
    deadline = serializers.DateTimeField(allow_null=True)


class PersonProfileSerializer(serializers.Serializer):
    position = serializers.CharField()
    career_stage = serializers.CharField()
    school = serializers.CharField(source="school.slug", allow_null=True, default=None)
    district = serializers.CharField(source="district.slug", allow_null=True, default=None)


class PersonFactsSerializer(serializers.Serializer):
    license_type = serializers.CharField()
    license_number = serializers.CharField()
    years_experience = serializers.IntegerField(allow_null=True)
    evaluation_rating = serializers.CharField()
    evaluation_growth_areas = serializers.ListField(child=serializers.CharField())
    facts_updated_at = serializers.DateTimeField(allow_null=True)


class PersonDetailSerializer(serializers.Serializer):
    """selectors.person_page's dict."""

    person = PersonSerializer()
    profile = PersonProfileSerializer(allow_null=True)
    facts = serializers.SerializerMethodField(help_text="the facts your organizations keep (null when they keep none)")
    coaches = serializers.SerializerMethodField()
    coachees = serializers.SerializerMethodField()
    cohorts = serializers.SerializerMethodField()
    grantable = serializers.SerializerMethodField(help_text="{organization slug: [roles you may give there]}")
    deactivation = serializers.SerializerMethodField(help_text="deactivate | end_memberships | refused")

    @extend_schema_field(PersonFactsSerializer(allow_null=True))
    def get_facts(self, page) -> dict | None:
        return PersonFactsSerializer(page["profile"]).data if page["profile"] and page["show_facts"] else None

    @extend_schema_field(PersonRefSerializer(many=True))
    def get_coaches(self, page) -> list:
        return PersonRefSerializer([row["assignment"].coach for row in page["coaches"]], many=True).data

    @extend_schema_field(PersonRefSerializer(many=True))
    def get_coachees(self, page) -> list:
        return PersonRefSerializer([a.earner for a in page["coachees"]], many=True).data

    @extend_schema_field(PersonCohortSerializer(many=True))
    def get_cohorts(self, page) -> list:
        return PersonCohortSerializer([row["cohort"] for row in page["cohorts"]], many=True).data

    @extend_schema_field(serializers.DictField(child=serializers.ListField(child=serializers.CharField())))
    def get_grantable(self, page) -> dict:
        return {g["organization"].slug: [r for r, _ in g["roles"]] for g in page["grants"]}

    @extend_schema_field(serializers.CharField())
    def get_deactivation(self, page) -> str:
        return page["deactivation"]["kind"]


class PersonRoleChangeSerializer(serializers.Serializer):
    organization = serializers.SlugField(help_text="slug of an organization whose people you manage")
    role = serializers.ChoiceField(choices=Role.choices)
    action = serializers.ChoiceField(choices=["grant", "revoke"], default="grant")


class PersonDeactivationSerializer(serializers.Serializer):
    outcome = serializers.ChoiceField(choices=["deactivated", "memberships_ended"],
                                      help_text="memberships_ended: the person also belongs elsewhere; the account stays active")
    is_active = serializers.BooleanField(source="person.is_active")
    memberships_ended = PersonMembershipSerializer(source="memberships", many=True)
