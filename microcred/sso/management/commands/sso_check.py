"""microcred sso_check SLUG: fetch an identity provider's discovery document and keys (OpenID Connect) or metadata
(SAML) and report what is wrong. The last line is JSON: {"provider", "protocol", "enabled", "ok", "problems"}."""
import json

from django.core.management.base import BaseCommand, CommandError

from microcred.sso.checks import check_provider
from microcred.sso.models import IdentityProvider


class Command(BaseCommand):
    help = "Check an identity provider's configuration against the provider itself (discovery, keys, metadata)."

    def add_arguments(self, parser):
        parser.add_argument("slug", help="the provider's slug (see /sso/providers/)")

    def handle(self, *args, slug, **options):
        provider = IdentityProvider.objects.filter(slug=slug).select_related("organization").first()
        if provider is None:
            raise CommandError(f"No identity provider has the slug {slug!r}.")
        problems = check_provider(provider)
        for problem in problems:
            self.stdout.write(f"problem: {problem}")
        if not problems:
            self.stdout.write(f"{provider.name} ({provider.get_protocol_display()}) of {provider.organization.name} answered; "
                              "its configuration looks right.")
        self.stdout.write(json.dumps({"provider": provider.slug, "protocol": provider.protocol, "enabled": provider.enabled,
                                      "ok": not problems, "problems": problems}))
        if problems:
            raise SystemExit(1)
