"""The demo district's sign-in services, as its people admin would set them up (docs/sso.md): Google Workspace
(OpenID Connect) and the state's SAML identity provider. Both are turned off: they point at the real Google and at
a reserved example address, so nothing is reached until an operator enters their own client and turns one on."""
from microcred.accounts.models import Organization, User
from microcred.sso import services
from microcred.sso.models import IdentityProvider

from . import content


def load_sso_demo() -> None:
    district = Organization.objects.filter(slug=content.RURAL).first()
    admin = User.objects.filter(username="district_admin").first()
    if district is None or admin is None or IdentityProvider.objects.filter(organization=district).exists():
        return
    services.save_provider(by=admin, secret="demo-client-secret-replace-me", provider=IdentityProvider(
        organization=district, slug="cumberland-valley-google", name="Cumberland Valley Google Workspace",
        protocol=IdentityProvider.Protocol.OIDC, issuer="https://accounts.google.com",
        client_id="demo-cumberland-valley.apps.googleusercontent.com", email_domains="cvschools.example",
        enabled=False))
    services.save_provider(by=admin, provider=IdentityProvider(
        organization=district, slug="pennsylvania-state-sign-in", name="Pennsylvania state sign-in",
        protocol=IdentityProvider.Protocol.SAML, idp_metadata_url="https://idp.state.example/saml/metadata",
        idp_entity_id="https://idp.state.example/saml", email_domains="cvschools.example", email_attribute="mail",
        sourced_id_attribute="urn:oid:1.3.6.1.4.1.5923.1.1.1.10", enabled=False))
