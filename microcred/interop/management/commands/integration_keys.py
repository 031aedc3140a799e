"""microcred integration_keys [--rotate PURPOSE] [--retire KID] [--revoke KID --reason TEXT]: integration keys."""
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from microcred.interop import keys
from microcred.interop.models import IntegrationKey


class Command(BaseCommand):
    help = ("List the integration keys (LTI tool, webhook signing) and rotate, retire or revoke one. A rotation makes "
            "a new active key; the one it replaces stays published at /interop/jwks.json until it is retired.")

    def add_arguments(self, parser):
        parser.add_argument("--rotate", metavar="PURPOSE", choices=IntegrationKey.Purpose.values,
                            help="Make a new active key for PURPOSE (lti, webhook); the first one if none exists")
        parser.add_argument("--algorithm", choices=IntegrationKey.Algorithm.values,
                            help="With --rotate: RS256 or ES256 (default: RS256 for lti, ES256 for webhook)")
        parser.add_argument("--retire", metavar="KID", help="Stop publishing the key KID (write --retire=KID: a kid may start with -)")
        parser.add_argument("--revoke", metavar="KID", help="Revoke the key KID at once (give --reason; write --revoke=KID)")
        parser.add_argument("--reason", default="", help="With --revoke: why")

    def _key(self, kid):
        key = IntegrationKey.objects.filter(kid=kid).first()
        if key is None:
            raise CommandError(f"No integration key has kid {kid!r}.")
        return key

    def handle(self, *args, rotate, algorithm, retire, revoke, reason, **options):
        try:
            if rotate:
                key = keys.rotate_key(purpose=rotate, algorithm=algorithm, by=None)
                self.stdout.write(f"New active {rotate} key {key.kid} ({key.algorithm}).")
            if retire:
                keys.retire_key(key=self._key(retire), by=None)
                self.stdout.write(f"Retired {retire}: no longer published.")
            if revoke:
                keys.revoke_key(key=self._key(revoke), by=None, reason=reason)
                self.stdout.write(f"Revoked {revoke}.")
        except ValidationError as error:
            raise CommandError("; ".join(error.messages)) from None
        rows = IntegrationKey.objects.all()
        if not rows:
            self.stdout.write("No integration keys yet. Make one with --rotate lti.")
        for key in rows:
            self.stdout.write(f"{key.purpose:8} {key.algorithm:6} {key.status:9} {key.created_at:%Y-%m-%d} {key.kid}")
