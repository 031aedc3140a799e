from rest_framework import serializers


class DashboardRefSerializer(serializers.Serializer):
    kind = serializers.CharField()
    organization = serializers.CharField(source="organization.slug", allow_null=True, default=None)
    label = serializers.CharField()


class TableSerializer(serializers.Serializer):
    name = serializers.CharField()
    title = serializers.CharField()
    columns = serializers.ListField(child=serializers.CharField())
    rows = serializers.ListField(child=serializers.DictField(allow_null=True),
                                 help_text="one object per row; a count hidden by the small-cell rule is null")


class DashboardSerializer(serializers.Serializer):
    kind = serializers.CharField()
    organization = serializers.CharField(allow_null=True)
    threshold = serializers.IntegerField(help_text="groups of fewer people are never shown")
    tables = TableSerializer(many=True)
