"""microcred deactivate_person: the rules of the pages, from the command line."""
import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

pytestmark = pytest.mark.django_db


def run(*args):
    out = StringIO()
    call_command("deactivate_person", *args, stdout=out)
    return json.loads(out.getvalue().strip().splitlines()[-1])


def test_deactivate_and_reactivate(district):
    p = district["people"]
    assert run("teacher", "--by", "district_admin") == {"outcome": "deactivated", "is_active": False, "memberships_ended": []}
    assert run("teacher", "--by", "district_admin", "--reactivate")["is_active"] is True
    assert run("dual", "--by", "district_admin") == {"outcome": "memberships_ended", "is_active": True,
                                                     "memberships_ended": [{"organization": "rural-district", "role": "earner"}]}
    p["dual"].refresh_from_db()
    assert p["dual"].is_active


@pytest.mark.parametrize("args", [("teacher", "--by", "city_admin"), ("district_admin", "--by", "district_admin"),
                                  ("nobody", "--by", "district_admin"), ("teacher", "--by", "nobody")])
def test_refusals(district, args):
    with pytest.raises(CommandError):
        run(*args)
    district["people"]["teacher"].refresh_from_db()
    assert district["people"]["teacher"].is_active
