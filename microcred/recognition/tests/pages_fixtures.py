"""Fixtures of the page, API and permission tests: a published state policy the earner meets with two credentials,
a third published MC that would close a gap, and a city-district recognizer (another jurisdiction)."""
import pytest

from microcred.credentials.services import issue_for_attempt
from microcred.credentials.tests.conftest import earn
from microcred.recognition import services

from .factories import TENNESSEE, doc


def state_policy(**changes):
    # Two MCs of issuer-one reach the threshold (30 PDPs each).
    return doc(TENNESSEE, **{"rules": [{"kind": "convert", "per_mc": 30, "unit": "PDP"}, {"kind": "threshold", "unit": "PDP", "min": 60}],
                             **changes})


def city_policy(**changes):
    # One MC is enough for the city district's stipend.
    return doc(TENNESSEE, **{"slug": "city-stipend", "title": "City stipend (illustrative)", "recognizer": "city-district",
                             "rules": [{"kind": "convert", "per_mc": 1, "unit": "MC"}, {"kind": "threshold", "unit": "MC", "min": 1}],
                             "outcomes": [{"key": "stipend", "kind": "pay", "name": "One-time stipend", "amount": 500, "unit": "USD"}],
                             **changes})


@pytest.fixture
def mcs(world, publish_mc):
    return [publish_mc(title=f"Practice number {i}") for i in (1, 2, 3)]


@pytest.fixture
def two_credentials(world, mcs):
    """The earner holds the first two MCs; the third stays unearned (a suggestion)."""
    return [issue_for_attempt(earn(world, v)) for v in mcs[:2]]


@pytest.fixture
def city_recognizer(world):
    from microcred.accounts.models import User
    from microcred.accounts.services import grant_role

    user = User.objects.create_user(username="city_recognizer", password="pw-city_recognizer-123", first_name="City",
                                    last_name="Recognizer")
    grant_role(user=user, organization=world["orgs"]["other_district"], role="recognizer_admin")
    return user


@pytest.fixture
def published_policy(world):
    by = world["people"]["recognizer"]
    draft = services.create_or_update_draft(recognizer=world["orgs"]["state"], document=state_policy(), by=by)
    return services.publish(policy=draft, by=by)


@pytest.fixture
def city_published(world, city_recognizer):
    draft = services.create_or_update_draft(recognizer=world["orgs"]["other_district"], document=city_policy(), by=city_recognizer)
    return services.publish(policy=draft, by=city_recognizer)


@pytest.fixture
def awarded(world, two_credentials, published_policy):
    services.evaluate_educator(world["people"]["earner"])
    from microcred.recognition.models import Award

    return Award.objects.get(educator=world["people"]["earner"], state="active")


def login(client, user):
    client.force_login(user)
    return client


@pytest.fixture
def qualifiers_get(django_capture_on_commit_callbacks):
    """GET a qualifiers page (HTML or API) the way a recognizer meets it: the first view enqueues the standings'
    build after commit (run here at once, as a worker would); the page is then read from them."""

    def get(client, url, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            client.get(url, *args, **kwargs)
        return client.get(url, *args, **kwargs)

    return get
