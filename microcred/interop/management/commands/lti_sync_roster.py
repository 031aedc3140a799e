"""microcred lti_sync_roster LINK_ID --as USERNAME — enroll an LMS course's learners (NRPS) in its cohort now, as
that administrator (the same rules as the page's button). Prints a JSON object last."""
import json

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError

from microcred.accounts.models import User
from microcred.interop.lti import roster
from microcred.interop.models import LtiCourseLink


class Command(BaseCommand):
    help = "Enroll an LMS course's teachers (LTI Names and Role Provisioning) in its cohort."

    def add_arguments(self, parser):
        parser.add_argument("link_id", type=int)
        parser.add_argument("--as", dest="username", required=True, help="an administrator of the LMS's organization")

    def handle(self, *args, link_id, username, **options):
        link = LtiCourseLink.objects.select_related("platform").filter(pk=link_id).first()
        user = User.objects.filter(username=username, is_active=True).first()
        if link is None or user is None:
            raise CommandError("No such course link or user.")
        try:
            sync = roster.run_sync(roster.request_sync(link=link, by=user).pk)
        except (ValidationError, PermissionDenied) as error:
            raise CommandError(" ".join(getattr(error, "messages", [str(error)]))) from None
        self.stdout.write(json.dumps({"sync": sync.pk, "state": sync.state, "added": sync.added, "already": sync.already,
                                      "skipped": sync.skipped, "error": sync.error}))
