from rest_framework import serializers


class DashboardRefSerializer(serializers.Serializer):
    kind = serializers.CharField()
    organization = serializers.CharField(source="organization.slug", allow_null=True, default=None)
    label = serializers.CharField()


class TableSerializer(serializers.Serializer):
    name = serializers.CharField()
    title = serializers.CharField()
    columns = serializers.ListField(child=serializers.CharField())
    computed = serializers.BooleanField(help_text="false for a section only the background refresh computes, "
                                                  "not computed yet for these filters (rows is then empty)")
    rows = serializers.ListField(child=serializers.DictField(allow_null=True),
                                 help_text="one object per row; a count hidden by the small-cell rule is null")


class DashboardSerializer(serializers.Serializer):
    kind = serializers.CharField()
    organization = serializers.CharField(allow_null=True)
    threshold = serializers.IntegerField(help_text="groups of fewer people are never shown")
    as_of = serializers.DateTimeField(allow_null=True, help_text="when the figures were pre-aggregated; null: computed now")
    tables = TableSerializer(many=True)
