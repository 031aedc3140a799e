"""Issue 15, finding 7: calibration teaches. The assessor sees "item N of M" while scoring, the agreed scores beside
theirs (and what differed) after each item, and at the end their agreement, the pass threshold and what to do next —
not just "In training 71 %"."""
import re

import pytest

from microcred.assessment import services
from microcred.assessment.models import Assignment, Qualification, Review

from .factories import levels
from .test_views import _decided_review, as_user, form_data, mc, pool  # noqa: F401 (fixtures)

pytestmark = pytest.mark.django_db


def _text(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


@pytest.fixture
def calibrating(world, mc, pool):
    review = _decided_review(world, mc)
    admin = world["people"]["issuer_admin"]
    for title in ("Clear pass", "Borderline", "Strong"):
        services.create_anchor_from_submission(submission=review.submission, by=admin, title=title,
                                               levels=levels(review.version, "pass"))
    newcomer = world["people"]["assessor"]
    services.add_to_pool(assessor=newcomer, micro_credential=mc, organization=mc.owner, by=admin)
    return {"assessor": newcomer, "version": review.version, "mc": mc}


def test_calibration_shows_position_agreed_scores_threshold_and_next_steps(client, calibrating):
    c = as_user(client, calibrating["assessor"])
    version, mc = calibrating["version"], calibrating["mc"]
    first = c.post(f"/assess/calibration/{mc.slug}/start/")
    items = list(Assignment.objects.filter(assessor=calibrating["assessor"], role="calibration").order_by("id"))
    assert first["Location"] == f"/assess/items/{items[0].pk}/"
    page = _text(c.get(first["Location"]))
    assert "Calibration item 1 of 3." in page and "at least 80% of the criteria" in page
    assert "Your scores and the agreed scores" not in page  # the agreed scores stay hidden while scoring

    # Item 1 scored low everywhere: every criterion differs, each shown with the agreed and the given level.
    done = c.post(f"/assess/items/{items[0].pk}/", form_data(version, "low"))
    assert done["Location"] == f"/assess/items/{items[0].pk}/"
    page = _text(c.get(done["Location"]))
    criteria = len(levels(version))
    assert "Your scores and the agreed scores" in page and f"0 of {criteria} criteria" in page
    assert page.count("Differs") == criteria and "Agrees" not in page
    assert "Next: calibration item 2 of 3" in page
    # Items 2 and 3 match: 2/3 of the criteria agree, under the 80 % bar.
    c.post(f"/assess/items/{items[1].pk}/", form_data(version, "pass"))
    page = _text(c.get(f"/assess/items/{items[2].pk}/"))
    assert "Calibration item 3 of 3." in page
    c.post(f"/assess/items/{items[2].pk}/", form_data(version, "pass"))
    page = _text(c.get(f"/assess/items/{items[2].pk}/"))
    assert "Calibration not passed yet" in page
    assert f"matched the agreed level on {2 * criteria} of {3 * criteria} criteria ( 67% )" in page
    assert "The pass threshold is 80%" in page
    assert "What to do next" in page and "Restart calibration" in page
    assert Qualification.objects.get(assessor=calibrating["assessor"]).status == "training"
    queue = _text(c.get("/assess/"))
    assert "67%" in queue and "certified at 80% or more" in queue


def test_a_passed_calibration_says_so_and_points_to_the_queue(client, calibrating):
    c = as_user(client, calibrating["assessor"])
    version, mc = calibrating["version"], calibrating["mc"]
    c.post(f"/assess/calibration/{mc.slug}/start/")
    items = list(Assignment.objects.filter(assessor=calibrating["assessor"], role="calibration").order_by("id"))
    for item in items:
        c.post(f"/assess/items/{item.pk}/", form_data(version, "pass"))
    page = _text(c.get(f"/assess/items/{items[-1].pk}/"))
    assert "Calibration passed" in page and "100%" in page and "You are certified" in page
    assert Qualification.objects.get(assessor=calibrating["assessor"]).status == "certified"


def test_an_assessor_never_sees_another_assessors_calibration_feedback(client, calibrating, pool):  # noqa: F811
    c = as_user(client, calibrating["assessor"])
    c.post(f"/assess/calibration/{calibrating['mc'].slug}/start/")
    item = Assignment.objects.filter(assessor=calibrating["assessor"], role="calibration").first()
    c.post(f"/assess/items/{item.pk}/", form_data(calibrating["version"], "pass"))
    assert as_user(client, pool[0]).get(f"/assess/items/{item.pk}/").status_code == 404


def test_a_calibration_item_page_costs_a_constant_number_of_queries(client, world, calibrating):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    c = as_user(client, calibrating["assessor"])
    c.post(f"/assess/calibration/{calibrating['mc'].slug}/start/")
    items = list(Assignment.objects.filter(assessor=calibrating["assessor"], role="calibration").order_by("id"))
    for item in items:
        c.post(f"/assess/items/{item.pk}/", form_data(calibrating["version"], "pass"))
    with CaptureQueriesContext(connection) as three:
        assert c.get(f"/assess/items/{items[-1].pk}/").status_code == 200
    # A longer calibration set (more items and scores in the round) reads no more.
    services.create_anchor_from_submission(submission=Review.objects.get().submission, by=world["people"]["issuer_admin"],
                                           title="Fourth", levels=levels(calibrating["version"], "pass"))
    c.post(f"/assess/calibration/{calibrating['mc'].slug}/start/")
    items = list(Assignment.objects.filter(assessor=calibrating["assessor"], role="calibration", state="assigned").order_by("id"))
    assert len(items) == 4
    for item in items:
        c.post(f"/assess/items/{item.pk}/", form_data(calibrating["version"], "pass"))
    with CaptureQueriesContext(connection) as four:
        assert c.get(f"/assess/items/{items[-1].pk}/").status_code == 200
    assert len(four.captured_queries) == len(three.captured_queries)


def test_the_queue_shows_the_bar_without_an_extra_query(client, calibrating, world):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from microcred.assessment.models import ScoringPolicy

    c = as_user(client, calibrating["assessor"])
    c.get("/assess/")  # the menu's rules are read once and kept (decision 0050): compare two drawings after it
    with CaptureQueriesContext(connection) as at_80:
        page = _text(c.get("/assess/"))
    assert "certified at 80% or more" in page
    ScoringPolicy.objects.filter(micro_credential=calibrating["mc"]).update(certification_bar="0.9")
    with CaptureQueriesContext(connection) as at_90:
        page = _text(c.get("/assess/"))
    assert "certified at 90% or more" in page
    assert len(at_90.captured_queries) == len(at_80.captured_queries)
