"""Deactivate (or reactivate) a person's account from the command line, under the same rules as the people pages:
the acting admin is named with --by, the policy decides, the change is audited in their name."""
import json

from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError

from microcred.accounts.models import User
from microcred.people import services


class Command(BaseCommand):
    help = ("Deactivate USERNAME's account as the people admin --by (signed out everywhere, credentials stay valid); "
            "someone who also belongs to organizations --by does not manage keeps the account and loses only the "
            "memberships in --by's organizations. --reactivate lets the account sign in again. Prints a JSON object last.")

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--by", required=True, help="username of the people admin acting (audited in their name)")
        parser.add_argument("--reactivate", action="store_true", help="reactivate instead of deactivating")

    def handle(self, *args, username, by, reactivate=False, **options):
        person = User.objects.filter(username=username).first()
        admin = User.objects.filter(username=by, is_active=True).first()
        if admin is None:
            raise CommandError(f"No active account “{by}” to act as.")
        if person is None:
            raise CommandError(f"No account “{username}”.")
        try:
            if reactivate:
                person = services.reactivate(by=admin, person=person)
                result = {"outcome": "reactivated", "is_active": person.is_active, "memberships_ended": []}
            else:
                done = services.deactivate(by=admin, person=person)
                result = {"outcome": done.kind, "is_active": done.person.is_active,
                          "memberships_ended": [{"organization": m.organization.slug, "role": m.role} for m in done.memberships]}
        except PermissionDenied as exc:
            raise CommandError(str(exc) or "Not allowed.") from None
        self.stdout.write(json.dumps(result))
