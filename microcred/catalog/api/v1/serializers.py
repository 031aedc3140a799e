from rest_framework import serializers

from ...models import MicroCredentialVersion, Stack


class OrganizationRefSerializer(serializers.Serializer):
    slug = serializers.CharField()
    name = serializers.CharField()
    role = serializers.CharField()


class MicroCredentialSummarySerializer(serializers.ModelSerializer):
    slug = serializers.CharField(source="micro_credential.slug")
    version = serializers.IntegerField(source="number")
    owner = serializers.CharField(source="micro_credential.owner.slug")
    subjects = serializers.SerializerMethodField()
    grade_bands = serializers.SerializerMethodField()
    educator_roles = serializers.SerializerMethodField()
    issuers = serializers.SerializerMethodField()
    evidence_types = serializers.SerializerMethodField()
    url = serializers.SerializerMethodField()
    quality_status = serializers.SerializerMethodField(help_text="Independent quality review: approved, approved_with_conditions, "
                                                                 "revise, pending, or empty (not reviewed)")

    class Meta:
        model = MicroCredentialVersion
        fields = ["slug", "version", "title", "competency", "owner", "issuers", "estimated_hours", "cost", "fee_amount",
                  "subjects", "grade_bands", "educator_roles", "evidence_types", "tags", "published_at", "url", "quality_status"]

    def get_quality_status(self, obj) -> str:
        return getattr(obj, "quality_status", "")

    def get_subjects(self, obj) -> list[str]:
        return [s.name for s in obj.subjects.all()]

    def get_grade_bands(self, obj) -> list[str]:
        return [g.slug for g in obj.grade_bands.all()]

    def get_educator_roles(self, obj) -> list[str]:
        return [r.slug for r in obj.educator_roles.all()]

    def get_issuers(self, obj) -> list[str]:
        return sorted({r.organization.slug for r in obj.organization_roles.all() if r.role == "issuer"})

    def get_evidence_types(self, obj) -> list[str]:
        return sorted({e.evidence_type for p in obj.parts.all() for e in p.evidence_types.all()})

    def get_url(self, obj) -> str:
        request = self.context.get("request")
        path = f"/catalog/mc/{obj.micro_credential.slug}/"
        return request.build_absolute_uri(path) if request else path


class FacetValueSerializer(serializers.Serializer):
    value = serializers.CharField()
    label = serializers.CharField()
    count = serializers.IntegerField()
    selected = serializers.BooleanField()


class CatalogSearchSerializer(serializers.Serializer):
    total = serializers.IntegerField()
    results = MicroCredentialSummarySerializer(many=True)
    facets = serializers.DictField(child=FacetValueSerializer(many=True))


class DefinitionSerializer(serializers.Serializer):
    """The MC definition document (format microcred.mc-definition/1); see docs/catalog.md."""

    format = serializers.CharField(required=False)
    slug = serializers.CharField(required=False)
    title = serializers.CharField()
    competency = serializers.CharField()
    key_method = serializers.CharField()
    parts = serializers.ListField(child=serializers.DictField())


class CatalogAlignmentSerializer(serializers.Serializer):
    """One alignment, in the words of an Open Badges 3.0 Alignment (as issued credentials carry it)."""

    target_name = serializers.CharField()
    target_url = serializers.CharField(allow_blank=True)
    target_code = serializers.CharField(allow_blank=True)
    target_framework = serializers.CharField()
    target_type = serializers.CharField(allow_blank=True, help_text="CFItem for an item of a CASE framework")
    case_item = serializers.CharField(allow_null=True, help_text="The CASE CFItem identifier, if imported")
    case_framework = serializers.CharField(allow_null=True, help_text="The CASE CFDocument identifier, if imported")
    criterion = serializers.DictField(allow_null=True, help_text="{part, criterion, title}: aligns one rubric criterion; "
                                                                 "null: the whole competency")


class MicroCredentialDetailSerializer(serializers.Serializer):
    definition = serializers.DictField(help_text="The full template: every section, parts, prompts and rubrics.")
    state = serializers.CharField()
    published_at = serializers.DateTimeField(allow_null=True)
    stacks = serializers.ListField(child=serializers.CharField())
    alignments = CatalogAlignmentSerializer(many=True)


class StackItemSerializer(serializers.Serializer):
    position = serializers.IntegerField()
    slot = serializers.IntegerField(allow_null=True)
    micro_credential = serializers.CharField(allow_null=True)
    child_stack = serializers.CharField(allow_null=True)


class StackSerializer(serializers.ModelSerializer):
    owner = serializers.CharField(source="owner.slug")
    items = serializers.SerializerMethodField()

    class Meta:
        model = Stack
        fields = ["slug", "title", "description", "kind", "rule", "required_count", "partner", "owner", "state", "items"]

    def get_items(self, obj) -> list[dict]:
        return [{"position": i.position, "slot": i.slot,
                 "micro_credential": i.micro_credential.slug if i.micro_credential_id else None,
                 "child_stack": i.child_stack.slug if i.child_stack_id else None}
                for i in obj.items.select_related("micro_credential", "child_stack")]


class ImportRequestSerializer(serializers.Serializer):
    owner = serializers.SlugField(help_text="Identifier of the owning organization")
    definition = serializers.DictField()


class TransitionRequestSerializer(serializers.Serializer):
    action = serializers.ChoiceField(choices=["submit", "return", "publish", "retire", "new-version"])
    note = serializers.CharField(required=False, allow_blank=True, max_length=5000)
    reason = serializers.CharField(required=False, allow_blank=True, max_length=2000)
    publish_anyway = serializers.BooleanField(
        required=False, default=False,
        help_text="publish: confirm publishing although no certified assessor or no calibration anchor exists "
                  "(without it such a publish is refused with 400 and the warning in `coverage`); audited")


class VersionStateSerializer(serializers.Serializer):
    slug = serializers.CharField()
    version = serializers.IntegerField()
    state = serializers.CharField()
