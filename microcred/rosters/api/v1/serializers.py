from rest_framework import serializers

from ...models import ImportProblem, ImportRun


class RosterProblemSerializer(serializers.ModelSerializer):
    class Meta:
        model = ImportProblem
        fields = ["file", "row", "column", "message"]


class RosterImportRunSerializer(serializers.ModelSerializer):
    organization = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    percent = serializers.IntegerField(read_only=True)

    class Meta:
        model = ImportRun
        fields = ["id", "organization", "kind", "source", "state", "dry_run", "file_name", "total", "processed",
                  "percent", "created", "updated", "deactivated", "unchanged", "skipped", "errors", "message",
                  "created_at", "started_at", "finished_at"]


class RosterImportRunDetailSerializer(RosterImportRunSerializer):
    problems = serializers.SerializerMethodField()

    class Meta(RosterImportRunSerializer.Meta):
        fields = [*RosterImportRunSerializer.Meta.fields, "problems"]

    def get_problems(self, run) -> list[dict]:
        return RosterProblemSerializer(run.problems.all()[:100], many=True).data


class RosterImportInSerializer(serializers.Serializer):
    organization = serializers.SlugField(help_text="slug of the importing organization")
    kind = serializers.ChoiceField(choices=ImportRun.Kind.choices, default=ImportRun.Kind.ROSTER)
    dry_run = serializers.BooleanField(default=False)
    file = serializers.FileField(help_text="a OneRoster .zip bundle, the simple roster CSV or the educator facts CSV")
