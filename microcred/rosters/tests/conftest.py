import pytest

from microcred.accounts import services as accounts
from microcred.accounts.models import User


@pytest.fixture
def district_admin(world):
    user = User.objects.create_user(username="grace", password="pw-grace-123", email="grace@example.org")
    accounts.grant_role(user=user, organization=world["orgs"]["district"], role="org_admin")
    return user


@pytest.fixture
def other_district_admin(world):
    user = User.objects.create_user(username="otto", password="pw-otto-123", email="otto@example.org")
    accounts.grant_role(user=user, organization=world["orgs"]["other_district"], role="org_admin")
    return user
