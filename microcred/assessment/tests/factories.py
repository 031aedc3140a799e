"""Assessment test helpers: a certified pool and submissions ready for scoring."""
from django.utils import timezone

from microcred.accounts import services as account_services
from microcred.accounts.models import User
from microcred.assessment.models import Qualification
from microcred.earning import services as earning_services
from microcred.earning.tests.factories import answer_everything


def certified_pool(world, micro_credential, n=4, senior=(0, 1, 2)):
    issuer = micro_credential.owner
    people = []
    for i in range(n):
        user = User.objects.create_user(username=f"rater{i}", password="a-long-password-1", first_name=f"Rater{i}", last_name="Z")
        account_services.grant_role(user=user, organization=issuer, role="assessor")
        Qualification.objects.create(assessor=user, micro_credential=micro_credential, organization=issuer,
                                     status=Qualification.Status.CERTIFIED, certified_at=timezone.now(), senior=i in senior)
        people.append(user)
    return people


def submitted(earner, micro_credential):
    attempt = earning_services.start_attempt(earner=earner, micro_credential=micro_credential)
    answer_everything(attempt, earner)
    earning_services.confirm_privacy(attempt=attempt, by=earner)
    earning_services.submit_attempt(attempt=attempt, by=earner)
    return attempt.submissions.get()


def levels(version, value="pass", overrides=None):
    """criterion id → level: 'pass' = passing level, 'top' = highest, 'low' = 0."""
    out = {}
    for part in version.parts.all():
        rubric = part.rubric
        top = rubric.levels.count() - 1
        for c in rubric.criteria.all():
            out[c.pk] = {"pass": rubric.passing_level, "top": top, "low": 0}[value]
    out.update(overrides or {})
    return out
