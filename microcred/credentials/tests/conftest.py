"""Fixtures: an earned attempt on the published MC, and its issued credential."""
import pytest

from microcred.earning import services as earning
from microcred.earning.tests.factories import answer_everything, levels_for


def earn(world, version, *, earner_key="earner", public_evidence=True):
    earner = world["people"][earner_key]
    attempt = earning.start_attempt(earner=earner, micro_credential=version.micro_credential)
    answer_everything(attempt, earner)
    if public_evidence:
        for evidence in attempt.responses.first().evidence.all():
            earning.set_evidence_public(evidence=evidence, by=earner, public=True)
    earning.confirm_privacy(attempt=attempt, by=earner)
    earning.submit_attempt(attempt=attempt, by=earner)
    earning.record_decision(submission=attempt.submissions.get(), by=world["people"]["assessor"], levels=levels_for(attempt))
    attempt.refresh_from_db()
    assert attempt.state == "earned"
    return attempt


@pytest.fixture
def earned(world, published):
    return earn(world, published)


@pytest.fixture
def issued(earned):
    from microcred.credentials.services import issue_for_attempt

    return issue_for_attempt(earned)
