"""Fixtures: a credential issued to the earner (the one wallets fetch), the API client's registration."""
import pytest

from .helpers import register


@pytest.fixture
def issued(world, published):
    from microcred.credentials.services import issue_for_attempt
    from microcred.credentials.tests.conftest import earn

    return issue_for_attempt(earn(world, published))


@pytest.fixture
def wallet(client):
    """A registered wallet (client_id, client_secret and its metadata as the registration answered)."""
    return register(client)
