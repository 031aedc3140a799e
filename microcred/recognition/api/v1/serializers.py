"""Shapes of recognition's JSON API (v1). Each named component of the schema is one serializer class here (their
names, minus "Serializer", are the component names clients see). Views hand these objects or the selectors'
rows; no response is put together in a view.

Rows that selectors already build for the pages and the CSV export (requirements, per-district counts, export
rows) pass through unchanged (``rows_of``): the schema documents their fields, the values stay exactly what the
pages show."""
from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from microcred.core import suppression

from ... import selectors


def rows_of(component: type[serializers.Serializer]):
    """A list of the selectors' row dicts, passed through as they are, documented as a list of ``component``."""

    @extend_schema_field(component(many=True))
    class Rows(serializers.ListField):
        child = serializers.DictField()

    Rows.__name__ = f"{component.__name__}Rows"
    return Rows


# --- progress and awards of one educator --------------------------------------------------------------------


class RecognitionRequirementSerializer(serializers.Serializer):
    kind = serializers.CharField()
    label = serializers.CharField()
    met = serializers.BooleanField()
    have = serializers.FloatField()
    need = serializers.FloatField()
    missing = serializers.CharField()
    percent = serializers.IntegerField()
    credentials = serializers.ListField(child=serializers.CharField())


class RecognitionOutcomeSerializer(serializers.Serializer):
    key = serializers.CharField()
    kind = serializers.CharField()
    name = serializers.CharField()
    achieved = serializers.BooleanField()
    amount = serializers.FloatField(allow_null=True)
    unit = serializers.CharField()
    expires_after_years = serializers.IntegerField(allow_null=True)


class RecognitionPolicyProgressSerializer(serializers.Serializer):
    """One policy's evaluation for one educator (reads selectors.educator_progress/portability rows; the
    credential labels come in the context as ``labels``)."""

    policy = serializers.CharField(source="policy.slug")
    version = serializers.IntegerField(source="policy.version")
    title = serializers.CharField(source="policy.title")
    recognizer = serializers.CharField(source="policy.recognizer.slug")
    recognizer_name = serializers.CharField(source="policy.recognizer.name")
    in_effect = serializers.BooleanField(source="evaluation.in_effect")
    achieved = serializers.BooleanField()
    outcomes = RecognitionOutcomeSerializer(source="evaluation.outcomes", many=True)
    requirements = rows_of(RecognitionRequirementSerializer)()
    missing = serializers.ListField(child=serializers.CharField())
    totals = serializers.DictField(source="evaluation.totals", child=serializers.FloatField(),
                                   help_text="unit → converted amount after caps")
    counted_credentials = serializers.SerializerMethodField(help_text="[{id, label}] — the credentials that count")
    suggestions = serializers.SerializerMethodField(help_text="[{slug, title, url}] — published MCs that would close the gap")

    @extend_schema_field(serializers.ListField(child=serializers.DictField(child=serializers.CharField())))
    def get_counted_credentials(self, p) -> list[dict]:
        labels = self.context.get("labels", {})
        return [{"id": c, "label": labels.get(c, c)} for c in p.evaluation.counted]

    @extend_schema_field(serializers.ListField(child=serializers.DictField(child=serializers.CharField())))
    def get_suggestions(self, p) -> list[dict]:
        return [{"slug": v.micro_credential.slug, "title": v.title, "url": f"/catalog/mc/{v.micro_credential.slug}/"}
                for v in p.suggestions]


class RecognitionProgressSerializer(serializers.Serializer):
    policies = RecognitionPolicyProgressSerializer(many=True)


class RecognitionAwardSerializer(serializers.Serializer):
    """An award with its provenance (reads an Award)."""

    id = serializers.IntegerField(source="pk")
    policy = serializers.CharField(source="policy.slug")
    policy_version = serializers.IntegerField(source="policy.version")
    recognizer = serializers.CharField(source="policy.recognizer.slug")
    outcome_key = serializers.CharField()
    name = serializers.CharField()
    kind = serializers.CharField()
    amount = serializers.CharField(allow_null=True)
    unit = serializers.CharField()
    state = serializers.CharField()
    awarded_at = serializers.DateTimeField()
    expires_at = serializers.DateTimeField(allow_null=True)
    withdrawn_at = serializers.DateTimeField(allow_null=True)
    withdrawn_reason = serializers.CharField()
    credentials = serializers.SerializerMethodField()

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_credentials(self, award) -> list:
        return list(award.provenance.get("credentials", []))


# --- policies -------------------------------------------------------------------------------------------------


class RecognitionPolicyVersionSerializer(serializers.Serializer):
    """One version of a policy (reads a Policy)."""

    slug = serializers.CharField()
    version = serializers.IntegerField()
    title = serializers.CharField()
    state = serializers.CharField()
    recognizer = serializers.CharField(source="recognizer.slug")
    effective_from = serializers.DateField()
    effective_until = serializers.DateField(allow_null=True)
    created_at = serializers.DateTimeField()
    published_at = serializers.DateTimeField(allow_null=True)
    url = serializers.SerializerMethodField()

    def get_url(self, policy) -> str:
        return f"/api/v1/recognition/policies/{policy.slug}/"


class RecognitionPolicyVersionDetailSerializer(RecognitionPolicyVersionSerializer):
    document = serializers.DictField(help_text="The validated microcred.policy/1 document")


class RecognitionPolicySerializer(serializers.Serializer):
    """Every version of one policy, newest first (reads the list of its versions)."""

    slug = serializers.SerializerMethodField()
    recognizer = serializers.SerializerMethodField()
    versions = serializers.SerializerMethodField()

    def get_slug(self, versions) -> str:
        return versions[0].slug

    def get_recognizer(self, versions) -> str:
        return versions[0].recognizer.slug

    @extend_schema_field(RecognitionPolicyVersionDetailSerializer(many=True))
    def get_versions(self, versions) -> list[dict]:
        return RecognitionPolicyVersionDetailSerializer(versions, many=True).data


class RecognitionPolicyDocumentSerializer(serializers.Serializer):
    document = serializers.JSONField(help_text="The microcred.policy/1 document: an object, or its JSON or YAML text (≤ 256 KB)")


class RecognitionPolicyVersionChoiceSerializer(serializers.Serializer):
    version = serializers.IntegerField(required=False, help_text="Defaults to the current draft")


# --- dry run and qualifiers -----------------------------------------------------------------------------------


class RecognitionDryRunSerializer(serializers.Serializer):
    """Who would qualify under a version and what would change (reads {"policy": Policy, "rows": [DryRunRow]})."""

    policy = serializers.CharField(source="policy.slug")
    version = serializers.IntegerField(source="policy.version")
    educators = serializers.SerializerMethodField()
    would_qualify = serializers.SerializerMethodField()
    changes = serializers.SerializerMethodField()
    rows = serializers.SerializerMethodField()

    @staticmethod
    def _qualifies(row) -> bool:
        return bool(row.evaluation.outcomes) and row.evaluation.outcomes[0].achieved

    def get_educators(self, data) -> int:
        return len(data["rows"])

    def get_would_qualify(self, data) -> int:
        return sum(1 for r in data["rows"] if self._qualifies(r))

    @extend_schema_field(serializers.DictField(child=serializers.IntegerField()))
    def get_changes(self, data) -> dict:
        changes: dict[str, int] = {}
        for r in data["rows"]:
            for c in r.changes:
                changes[c.action] = changes.get(c.action, 0) + 1
        return changes

    @extend_schema_field(serializers.ListField(child=serializers.DictField()))
    def get_rows(self, data) -> list[dict]:
        return [{"educator": r.educator.username, "name": r.educator.get_full_name(), "qualifies": self._qualifies(r),
                 "requirements": [selectors.requirement_row(q) for q in r.evaluation.requirements],
                 "changes": [{"action": c.action, "outcome_key": c.outcome_key, "detail": c.detail} for c in r.changes]}
                for r in data["rows"]]


class SuppressedCountField(serializers.IntegerField):
    """A count of people, null when the small-cell rule hides it (microcred/core/suppression.py)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("allow_null", True)
        super().__init__(**kwargs)

    def to_representation(self, value):
        return None if value is None or value == suppression.HIDDEN else super().to_representation(value)


class RecognitionCountSerializer(serializers.Serializer):
    name = serializers.CharField()
    educators = SuppressedCountField()
    qualified = SuppressedCountField()
    close = SuppressedCountField()


class RecognitionQualifiersSerializer(serializers.Serializer):
    """Who qualifies or is close (reads selectors.stored_qualifiers(policy) with the policy under "policy"): one
    page of each list from ``offset``; ``qualified_count``/``close_count`` say how many there are in all."""

    policy = serializers.CharField(source="policy.slug")
    version = serializers.IntegerField(source="policy.version")
    state = serializers.CharField(source="snapshot.state", help_text="ready, or pending/building while being recomputed")
    computed_at = serializers.DateTimeField(help_text="When the standings were last built (events update them since)")
    offset = serializers.IntegerField(source="qualified_offset")
    limit = serializers.IntegerField()
    qualified_count = serializers.IntegerField()
    close_count = serializers.IntegerField()
    evaluated = SuppressedCountField()
    in_jurisdiction = SuppressedCountField()
    near_percent = serializers.IntegerField()
    outcomes = serializers.ListField(child=serializers.DictField())
    qualified = serializers.SerializerMethodField()
    close = serializers.SerializerMethodField()
    by_district = RecognitionCountSerializer(many=True)
    by_school = RecognitionCountSerializer(many=True)
    elsewhere = serializers.DictField(child=SuppressedCountField())

    @staticmethod
    def _row(r: dict) -> dict:
        return {"educator": r["educator"].username, "name": r["educator"].get_full_name(), "district": r["district"],
                "school": r["school"], "qualified": r["qualified"], "close": r["close"], "percent": r["percent"],
                "missing": r["missing"], "awarded": r["awarded"], "requirements": r["requirements"]}

    @extend_schema_field(serializers.ListField(child=serializers.DictField()))
    def get_qualified(self, data) -> list[dict]:
        return [self._row(r) for r in data["qualified"]]

    @extend_schema_field(serializers.ListField(child=serializers.DictField()))
    def get_close(self, data) -> list[dict]:
        return [self._row(r) for r in data["close"]]


class RecognitionQualifiersPendingSerializer(serializers.Serializer):
    """The stored standings are being computed for the first time (reads {"policy", "snapshot"})."""

    policy = serializers.CharField(source="policy.slug")
    version = serializers.IntegerField(source="policy.version")
    state = serializers.CharField(source="snapshot.state")
    done = serializers.IntegerField(source="snapshot.done")
    total = serializers.IntegerField(source="snapshot.total")
    percent = serializers.IntegerField(source="snapshot.percent")


# --- exports and facts ----------------------------------------------------------------------------------------


class RecognitionAwardExportRowSerializer(serializers.Serializer):
    """One row of the award export: the CSV export's columns (selectors.EXPORT_COLUMNS)."""

    award_id = serializers.IntegerField()
    educator_id = serializers.IntegerField()
    policy_version = serializers.IntegerField()
    credential_ids = serializers.ListField(child=serializers.CharField())


for _column in selectors.EXPORT_COLUMNS:  # the text columns, declared from the one list the CSV export uses too
    if _column not in RecognitionAwardExportRowSerializer._declared_fields:
        RecognitionAwardExportRowSerializer._declared_fields[_column] = serializers.CharField()


class RecognitionAwardExportSerializer(serializers.Serializer):
    recognizer = serializers.CharField()
    state = serializers.CharField()
    offset = serializers.IntegerField()
    limit = serializers.IntegerField()
    next_offset = serializers.IntegerField(allow_null=True)
    results = rows_of(RecognitionAwardExportRowSerializer)()


class RecognitionFactInSerializer(serializers.Serializer):
    recognizer = serializers.SlugField()
    educator = serializers.CharField(help_text="The educator's username")
    key = serializers.SlugField()
    value = serializers.JSONField(help_text="A number, true/false or text (≤ 200 characters)")


class RecognitionFactSerializer(serializers.Serializer):
    """A fact a recognizer keeps about an educator (reads an EducatorFact)."""

    recognizer = serializers.CharField(source="recognizer.slug")
    educator = serializers.CharField(source="educator.username")
    key = serializers.CharField()
    value = serializers.JSONField()
    updated_at = serializers.DateTimeField()
