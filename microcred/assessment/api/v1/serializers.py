"""Shapes of assessment's JSON API (v1). Assessors see items blind: nothing here names the earner."""
from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from ... import selectors


class AssessmentItemSummarySerializer(serializers.Serializer):
    """One queue row (reads selectors.item_summary): role, MC, due date — never who the earner is."""

    id = serializers.IntegerField()
    role = serializers.CharField()
    micro_credential = serializers.CharField()
    title = serializers.CharField()
    due_at = serializers.DateTimeField()
    overdue = serializers.BooleanField()
    url = serializers.SerializerMethodField()

    def get_url(self, row) -> str:
        return f"/api/v1/assessment/items/{row['id']}/"


class NextItemSummarySerializer(AssessmentItemSummarySerializer):
    pass


class NextItemSerializer(serializers.Serializer):
    item = NextItemSummarySerializer(allow_null=True)
    message = serializers.CharField()


def _evidence(e: dict) -> dict:
    """Evidence as assessors see it: content only (the snapshot's internal ids and hashes stay out)."""
    if e.get("kind") == "quiz":
        return {"kind": "quiz", "choice": e.get("choice"), "correct": e.get("correct")}
    if e.get("file_id"):
        return {"kind": e.get("kind"), "file": {"name": e.get("name"), "size": e.get("size"), "content_type": e.get("content_type"),
                                                 "url": f"/earn/files/{e['file_id']}/"}}
    if e.get("url"):
        return {"kind": e.get("kind"), "url": e["url"]}
    return {"kind": e.get("kind"), "text": e.get("text", "")}


class AssessmentItemSerializer(serializers.Serializer):
    """The blind view of an item (reads an Assignment): parts, prompts, evidence and rubric (criteria ids, level
    indexes); parts passed earlier are listed as locked, without content."""

    id = serializers.IntegerField(source="assignment.pk")
    role = serializers.CharField(source="view.role")
    state = serializers.CharField(source="assignment.state")
    title = serializers.CharField(source="view.title")
    version = serializers.IntegerField(source="view.version")
    micro_credential = serializers.CharField(source="summary.micro_credential")
    due_at = serializers.DateTimeField(source="summary.due_at")
    overdue = serializers.BooleanField(source="summary.overdue")
    note_to_assessor = serializers.CharField(source="view.note_to_assessor")
    parts = serializers.SerializerMethodField()

    def to_representation(self, assignment):
        view = selectors.blind_view(assignment)
        return super().to_representation({"assignment": assignment, "view": view,
                                          "summary": selectors.item_summary(assignment, version=view["display_version"])})

    @extend_schema_field(serializers.ListField(child=serializers.DictField()))
    def get_parts(self, data) -> list[dict]:
        parts = []
        for p in data["view"]["parts"]:
            part = p["part"]
            row = {"part_id": part.pk, "position": part.position, "title": part.title, "locked": p["locked"]}
            if not p["locked"]:
                rubric = part.rubric
                row.update(
                    overview=part.overview, quiz=p["quiz"],
                    prompts=[{"prompt_id": q["prompt"].pk, "text": q["prompt"].text, "response_type": q["prompt"].response_type,
                              "choices": q["prompt"].choices, "evidence": [_evidence(e) for e in q["evidence"]]} for q in p["prompts"]],
                    rubric={"passing_rule": rubric.passing_rule, "passing_level": rubric.passing_level, "min_criteria": rubric.min_criteria,
                            "levels": [{"index": lvl.position, "name": lvl.name} for lvl in p["levels"]],
                            "criteria": [{"criterion_id": c["criterion"].pk, "title": c["criterion"].title,
                                          "description": c["criterion"].description,
                                          "descriptors": [{"level_index": cell["level"].position, "text": cell["text"]} for cell in c["cells"]]}
                                         for c in p["criteria"]]})
            parts.append(row)
        return parts


class AssessmentScoresSerializer(serializers.Serializer):
    levels = serializers.DictField(child=serializers.IntegerField(), help_text="criterion id → level index (0 = lowest)")
    comments = serializers.DictField(child=serializers.CharField(), required=False, help_text="criterion id → comment")
    part_feedback = serializers.DictField(child=serializers.CharField(), required=False, help_text="part id → feedback to the earner")


class ReliabilityFiguresSerializer(serializers.Serializer):
    """Inter-rater reliability of one MC (reads assessment.reliability.figures, with the MC's slug)."""

    micro_credential = serializers.CharField()
    n_pairs = serializers.IntegerField()
    n_reviews = serializers.IntegerField()
    exact_agreement = serializers.FloatField(allow_null=True)
    adjacent_agreement = serializers.FloatField(allow_null=True)
    cohen_kappa = serializers.FloatField(allow_null=True)
    quadratic_weighted_kappa = serializers.FloatField(allow_null=True)
    krippendorff_alpha = serializers.FloatField(allow_null=True)
    gwet_ac1 = serializers.FloatField(allow_null=True)
    pass_rate = serializers.FloatField(allow_null=True)
