from rest_framework import serializers

from ...models import IdentityProvider


class IdentityProviderSerializer(serializers.ModelSerializer):
    """An identity provider as its configuring admins see it (never the client secret)."""

    organization = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    email_domains = serializers.ListField(child=serializers.CharField(), source="domains", read_only=True)
    has_client_secret = serializers.SerializerMethodField()

    class Meta:
        model = IdentityProvider
        fields = ["id", "slug", "name", "organization", "protocol", "enabled", "issuer", "client_id", "scopes",
                  "idp_entity_id", "idp_metadata_url", "email_domains", "email_attribute", "sourced_id_attribute",
                  "default_role", "has_client_secret", "created_at", "updated_at"]
        read_only_fields = fields

    def get_has_client_secret(self, obj) -> bool:
        return bool(obj.client_secret_encrypted)
