"""The demand section (issue 17): MCs, competencies, subjects, grade bands and stacks chosen and finished — its own
page, CSVs and API, suppressed with the shared helper; and the snapshots refreshed by a task when the data changes."""
import csv
import io
from unittest import mock

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from microcred.analytics import selectors, services
from microcred.analytics.models import DashboardSnapshot

pytestmark = pytest.mark.django_db

DEMAND = ("demand_mcs", "demand_months", "demand_stacks", "demand_competencies", "demand_subjects",
          "demand_grade_bands")


@pytest.fixture
def demand_world(analytics_world):
    """The published MC gets a subject, a grade band, a whole-competency CASE alignment (and one of a criterion,
    which is not a competency of the MC) and sits in a published all-of stack."""
    from microcred.catalog.models import Alignment, Criterion, GradeBand, Stack, StackItem, Subject

    version = analytics_world["mc"]
    version.subjects.add(Subject.objects.get_or_create(slug="math-demand", defaults={"name": "Mathematics"})[0])
    version.grade_bands.add(GradeBand.objects.get_or_create(slug="k-2-demand", defaults={"name": "K-2"})[0])
    Alignment.objects.create(version=version, framework="InTASC", code="6(a)", name="Assessment")
    criterion = Criterion.objects.filter(rubric__part__version=version).first()
    if criterion is not None:
        Alignment.objects.create(version=version, framework="Criterion-only", code="X1", criterion=criterion)
    stack = Stack.objects.create(slug="assessment-stack", owner=analytics_world["orgs"]["issuer"],
                                 title="Assessment stack", state=Stack.State.PUBLISHED)
    StackItem.objects.create(stack=stack, position=1, micro_credential=version.micro_credential)
    analytics_world["stack"] = stack
    return analytics_world


def _table(client, url, name):
    response = client.get(url)
    assert response.status_code == 200
    return response


def _api(client, kind, slug, **query):
    response = client.get(f"/api/v1/analytics/{kind}/{slug}/", query)
    assert response.status_code == 200
    return {t["name"]: t for t in response.json()["tables"]}


def test_demand_page_shows_every_breakdown_with_chart_table_and_csv(demand_world, as_user):
    client = as_user(demand_world["people"]["district_admin"])
    response = client.get("/analytics/district/rural-district/demand/")
    assert response.status_code == 200
    body = response.content.decode()
    for name in DEMAND:
        assert f'id="{name}"' in body and f"/analytics/district/rural-district/{name}.csv" in body
    assert "<svg" in body
    assert "Mathematics" in body and "InTASC 6(a)" in body and "Assessment stack" in body and "K-2" in body
    assert "Criterion-only" not in body  # a criterion's alignment is not a competency of the MC
    assert 'id="funnel"' not in body  # only the demand section on its own page
    tables = _api(client, "district", "rural-district")
    # 33 educators of the district started it, 18 earned (even numbers in schools of 11, 10, 9 and 3)
    for name in ("demand_subjects", "demand_competencies", "demand_grade_bands"):
        assert tables[name]["rows"][0]["chose"] == 33 and tables[name]["rows"][0]["finished"] == 18
    stack = tables["demand_stacks"]["rows"][0]
    assert (stack["label"], stack["chose"], stack["finished"]) == ("Assessment stack", 33, 18)
    rows = list(csv.reader(io.StringIO(client.get("/analytics/district/rural-district/demand_subjects.csv")
                                       .content.decode())))
    assert rows[0] == ["label", "chose", "finished"] and ["Mathematics", "33", "18"] in rows


@pytest.mark.parametrize("school, chose, finished", [
    ("rural-school", None, None),   # 3 people
    ("town-school", None, None),    # 9 people
    ("suburb-school", 10, None),    # 10 people, 5 earned: the 5 and the 5 who did not are both hidden
    ("city-school", 11, None),      # 11 people, 6 earned
])
def test_small_groups_are_hidden_on_page_csv_and_api(demand_world, as_user, school, chose, finished):
    client = as_user(demand_world["people"]["district_admin"])
    tables = _api(client, "district", "rural-district", organization=school)
    for name in ("demand_subjects", "demand_competencies", "demand_grade_bands", "demand_stacks", "demand_mcs"):
        row = tables[name]["rows"][0]
        assert (row["chose"], row["finished"]) == (chose, finished), name
    rows = list(csv.reader(io.StringIO(client.get(
        f"/analytics/district/rural-district/demand_stacks.csv?organization={school}").content.decode())))
    expected_chose = "suppressed" if chose is None else str(chose)
    assert rows[1][1:3] == [expected_chose, "suppressed"]
    body = client.get(f"/analytics/district/rural-district/demand/?organization={school}").content.decode()
    for n in (3, 9, 5, 6, 4):
        assert f"<td>{n}</td>" not in body


@pytest.mark.parametrize("query", [
    {"period": "<script>alert(1)</script>"}, {"mc": "../../etc"}, {"stack": "x" * 5000},
    {"organization": "other-district"}, {"locale": ["rural", "city"]}, {"title_i": "\x00"},
])
def test_bad_filters_are_refused_clearly(demand_world, as_user, query):
    client = as_user(demand_world["people"]["district_admin"])
    response = client.get("/analytics/district/rural-district/demand/", query)
    assert response.status_code == 200
    assert "<script>alert(1)</script>" not in response.content.decode()
    if "organization" in query:  # another district's figures never come through a filter
        assert "Choose a district or school of this dashboard." in response.content.decode()
        assert _api(client, "district", "rural-district", **query)["demand_subjects"]["rows"][0]["chose"] == 33
    assert client.get("/api/v1/analytics/district/rural-district/", query).status_code in (200, 400)


def test_a_district_admin_never_sees_another_district_and_an_earner_sees_no_dashboard(demand_world, as_user):
    client = as_user(demand_world["people"]["district_admin"])
    other = demand_world["orgs"]["other_district"].slug
    assert client.get(f"/analytics/district/{other}/demand/").status_code == 404
    assert client.get(f"/analytics/district/{other}/demand_subjects.csv").status_code == 404
    assert client.get(f"/api/v1/analytics/district/{other}/").status_code == 404
    assert client.get("/analytics/platform/demand/").status_code == 404
    earner = as_user(demand_world["people"]["earner"])
    assert earner.get("/analytics/").status_code == 403
    assert earner.get("/analytics/district/rural-district/demand/").status_code == 404
    assert earner.get("/analytics/platform/demand/").status_code == 404
    assert earner.get("/analytics/district/rural-district/demand_stacks.csv").status_code == 404


def test_the_demand_page_makes_the_same_number_of_queries_as_data_grows(demand_world, as_user):
    from microcred.accounts.models import EducatorProfile, User
    from microcred.analytics.tests.conftest import _attempt
    from django.utils import timezone

    client = as_user(demand_world["people"]["district_admin"])
    url = "/analytics/district/rural-district/demand/"
    client.get(url)

    def count():
        client.get(url)  # the menu is kept per person and retired by the writes below (decision 0050)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries.captured_queries)

    before = count()
    school = demand_world["schools"]["city-school"]
    for i in range(25):
        teacher = User.objects.create_user(username=f"more-{i}", password="pw-more-123456")
        EducatorProfile.objects.create(user=teacher, district=demand_world["orgs"]["district"], school=school)
        _attempt(teacher, demand_world["mc"], state="earned" if i % 3 else "submitted", now=timezone.now(), days=3)
    assert count() == before


# --- snapshots refreshed on change (docs/decisions/0037) -------------------------------------------------------

def _built_snapshot(world):
    board = selectors.Dashboard("district", world["orgs"]["district"])
    snapshot = services.request_snapshot(board=board, filters=selectors.Filters(), language="en",
                                         by=world["people"]["district_admin"])
    return services.build_snapshot(snapshot.pk)


def _earn_one(world):
    from microcred.earning.models import Attempt

    attempt = Attempt.objects.filter(state="submitted", earner__educator_profile__district=world["orgs"]["district"]
                                     ).order_by("pk").first()
    Attempt.objects.filter(pk=attempt.pk).update(state="earned")
    return attempt


def test_a_decision_refreshes_the_snapshot_after_the_task_runs(demand_world, django_capture_on_commit_callbacks):
    from microcred.earning.signals import attempt_decided

    snapshot = _built_snapshot(demand_world)
    assert snapshot.tables["demand_subjects"][0]["finished"] == 18
    attempt = _earn_one(demand_world)
    with django_capture_on_commit_callbacks(execute=True):
        attempt_decided.send(sender=None, attempt_id=attempt.pk, submission_id=None, result="earned")
    snapshot.refresh_from_db()
    assert snapshot.state == DashboardSnapshot.State.READY and snapshot.stale_since is None
    assert snapshot.tables["demand_subjects"][0]["finished"] == 19
    assert snapshot.previous_built_at is not None


def test_a_burst_of_events_enqueues_one_refresh(demand_world):
    from microcred.analytics import tasks
    from microcred.credentials.signals import credential_issued
    from microcred.earning.signals import attempt_decided, attempt_submitted

    snapshot = _built_snapshot(demand_world)
    other_board = services.request_snapshot(board=selectors.Dashboard("district", demand_world["orgs"]["other_district"]),
                                            filters=selectors.Filters(), language="en", by=None)
    services.build_snapshot(other_board.pk)
    attempt = _earn_one(demand_world)
    with mock.patch.object(tasks, "enqueue_snapshot") as enqueue:
        for _ in range(5):
            attempt_submitted.send(sender=None, attempt_id=attempt.pk, submission_id=None)
            attempt_decided.send(sender=None, attempt_id=attempt.pk, submission_id=None, result="earned")
            credential_issued.send(sender=None, credential_id="x", earner_id=attempt.earner_id)
    assert enqueue.call_count == 1
    assert enqueue.call_args.args == (snapshot.pk,)
    snapshot.refresh_from_db()
    assert snapshot.state == DashboardSnapshot.State.PENDING and snapshot.stale_since is not None
    other_board.refresh_from_db()  # the other district's figures do not count this educator: left alone
    assert other_board.state == DashboardSnapshot.State.READY and other_board.stale_since is None


def test_events_without_any_snapshot_enqueue_nothing(demand_world):
    from microcred.analytics import tasks
    from microcred.earning.signals import attempt_decided

    attempt = _earn_one(demand_world)
    with mock.patch.object(tasks, "enqueue_snapshot") as enqueue:
        attempt_decided.send(sender=None, attempt_id=attempt.pk, submission_id=None, result="earned")
    assert enqueue.call_count == 0


def test_events_inside_one_refresh_block_build_each_snapshot_once_with_a_backend_that_cannot_wait(demand_world):
    """A task backend that cannot wait (the tests' and a one-off command's immediate backend) builds at each event, so
    outside a block every event rebuilds; inside one_refresh_for_the_block (the demo loader's bulk load) the lot is
    refreshed once, as the block ends."""
    from microcred.analytics import handlers, tasks
    from microcred.credentials.signals import credential_issued
    from microcred.earning.signals import attempt_decided

    snapshot = _built_snapshot(demand_world)
    attempt = _earn_one(demand_world)
    with mock.patch.object(tasks, "enqueue_snapshot", side_effect=services.build_snapshot) as build:
        for _ in range(3):
            credential_issued.send(sender=None, credential_id="x", earner_id=attempt.earner_id)
        assert build.call_count == 3  # no block: one build per event
        build.reset_mock()
        with handlers.one_refresh_for_the_block():
            with handlers.one_refresh_for_the_block():  # nested: still one refresh, by the outer block
                for _ in range(5):
                    attempt_decided.send(sender=None, attempt_id=attempt.pk, submission_id=None, result="earned")
                    credential_issued.send(sender=None, credential_id="x", earner_id=attempt.earner_id)
            assert build.call_count == 0
        assert build.call_args_list == [mock.call(snapshot.pk)]
    snapshot.refresh_from_db()
    assert snapshot.state == DashboardSnapshot.State.READY and snapshot.stale_since is None
    assert snapshot.tables["demand_subjects"][0]["finished"] == 19


def test_a_failing_block_still_refreshes_what_it_noted(demand_world):
    from microcred.analytics import handlers, tasks
    from microcred.earning.signals import attempt_decided

    snapshot = _built_snapshot(demand_world)
    attempt = _earn_one(demand_world)
    with mock.patch.object(tasks, "enqueue_snapshot", side_effect=services.build_snapshot) as build:
        with pytest.raises(RuntimeError), handlers.one_refresh_for_the_block():
            attempt_decided.send(sender=None, attempt_id=attempt.pk, submission_id=None, result="earned")
            raise RuntimeError("the load stopped half way")
    assert build.call_args_list == [mock.call(snapshot.pk)]
    snapshot.refresh_from_db()
    assert snapshot.tables["demand_subjects"][0]["finished"] == 19 and snapshot.stale_since is None
