import pytest

from microcred.accounts import services as accounts
from microcred.accounts.models import Organization, User
from microcred.demo import content
from microcred.demo.rosters_world import load_rosters_demo
from microcred.rosters.models import ImportRun

pytestmark = pytest.mark.django_db


def test_demo_roster_is_imported_once():
    district = Organization.objects.create(slug=content.RURAL, name="Cumberland Valley Schools", kind="district")
    for slug in (content.RURAL_ELEM, content.RURAL_HIGH):
        Organization.objects.create(slug=slug, name=slug, kind="school", parent=district)
    admin = User.objects.create_user(username="district_admin", password="x-demo-pw-123")
    accounts.grant_role(user=admin, organization=district, role="org_admin")
    load_rosters_demo()
    load_rosters_demo()
    run = ImportRun.objects.get()
    assert (run.state, run.created, run.skipped, run.errors) == ("finished", 22, 9, 1)
    assert run.problems.get().column == "email"
    assert Organization.objects.filter(parent=district).count() == 3  # the two demo schools and the new middle school
