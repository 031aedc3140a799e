"""Stored qualifier standings (docs/decisions/0040): built by a task, kept current per educator by events, read by
the qualifiers page and API in a constant number of queries, and always equal to the live evaluation."""
import datetime as dt
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext, override_settings
from django.utils import timezone

from microcred.accounts.models import Membership, User
from microcred.credentials.models import ExternalCredential
from microcred.credentials.services import issue_for_attempt, revoke
from microcred.credentials.tests.conftest import earn
from microcred.recognition import selectors, services
from microcred.recognition.models import Policy, QualifierSnapshot, QualifierStanding

from .pages_fixtures import (awarded, city_policy, city_published, city_recognizer, login, mcs,  # noqa: F401
                             published_policy, qualifiers_get, state_policy, two_credentials)
from .test_api import BASE, api

DUMMY_TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}


def comparable(data: dict) -> dict:
    """The page's content, without what only the stored or only the live version carries."""
    def rows(items):
        return [{k: (v.pk if k == "educator" else v) for k, v in r.items() if k != "credits"} for r in items]

    return {"evaluated": data["evaluated"], "in_jurisdiction": data["in_jurisdiction"], "outcomes": data["outcomes"],
            "qualified": rows(data["qualified"]), "close": rows(data["close"]), "by_district": data["by_district"],
            "by_school": data["by_school"], "elsewhere": data["elsewhere"],
            "counts": (data["qualified_count"], data["close_count"])}


def assert_stored_equals_live(policy: Policy) -> None:
    stored = selectors.stored_qualifiers(policy, limit=100_000)
    assert stored is not None, policy.slug
    assert comparable(stored) == comparable(selectors.qualifiers(policy)), policy.slug


@pytest.mark.django_db
def test_stored_standings_equal_the_live_evaluation_for_the_demo_world(seeded_demo):
    policies = list(Policy.objects.filter(state=Policy.State.PUBLISHED).select_related("recognizer"))
    assert len(policies) >= 3
    built = services.build_qualifier_standings([p.pk for p in policies])
    assert {s.state for s in built} == {QualifierSnapshot.State.READY}
    assert QualifierStanding.objects.filter(policy=policies[0]).count() == len(selectors.educators_to_evaluate())
    for policy in policies:
        assert_stored_equals_live(policy)
    assert any(selectors.stored_qualifiers(p)["qualified_count"] for p in policies)  # a world with qualifiers


@pytest.mark.django_db
def test_issuing_and_revoking_update_only_that_educator_and_match_the_live_page(
        world, mcs, published_policy, city_published, django_capture_on_commit_callbacks):
    services.build_qualifier_standings([published_policy.pk, city_published.pk])
    generation = QualifierSnapshot.objects.get(policy=published_policy).generation
    assert selectors.stored_qualifiers(published_policy)["evaluated"] == 0  # nobody holds a credential yet
    with django_capture_on_commit_callbacks(execute=True):
        first = issue_for_attempt(earn(world, mcs[0]))
    with django_capture_on_commit_callbacks(execute=True):
        second = issue_for_attempt(earn(world, mcs[1]))
    with django_capture_on_commit_callbacks(execute=True):
        issue_for_attempt(earn(world, mcs[0], earner_key="other_earner"))
    for policy in (published_policy, city_published):
        assert_stored_equals_live(policy)
    data = selectors.stored_qualifiers(published_policy)
    assert [r["educator"].username for r in data["qualified"]] == ["earner"] and data["qualified"][0]["credits"] == {"PDP": 60}
    with django_capture_on_commit_callbacks(execute=True):
        revoke(second, by=world["people"]["issuer_admin"], reason="Evidence was not their own")
    for policy in (published_policy, city_published):
        assert_stored_equals_live(policy)
    data = selectors.stored_qualifiers(published_policy)
    assert data["qualified_count"] == 0 and data["close_count"] == 0
    # Incremental: no rebuild happened; only the educators concerned were (re)written.
    snapshot = QualifierSnapshot.objects.get(policy=published_policy)
    assert snapshot.generation == generation and snapshot.state == QualifierSnapshot.State.READY
    assert first.pk and QualifierStanding.objects.filter(policy=published_policy).count() == 2


@pytest.mark.django_db
def test_only_policies_that_could_count_a_credential_re_evaluate_its_educator(world, mcs, published_policy):
    by = world["people"]["recognizer"]
    draft = services.create_or_update_draft(recognizer=world["orgs"]["state"], by=by, document=state_policy(
        slug="issuer-two-only", approved={"issuers": ["issuer-two"]}))
    other = services.publish(policy=draft, by=by)
    services.build_qualifier_standings([published_policy.pk, other.pk])
    earner = world["people"]["earner"].pk
    first = issue_for_attempt(earn(world, mcs[0]))
    # A first credential: the educator joins everyone's counts under both; only tn-renewal can count it.
    assert services.update_qualifiers_for_educator(earner, credential_id=str(first.pk)) == sorted([published_policy.pk, other.pk])
    second = issue_for_attempt(earn(world, mcs[1]))
    assert services.update_qualifiers_for_educator(earner, credential_id=str(second.pk)) == [published_policy.pk]
    assert services.update_qualifiers_for_educator(earner, credential_id=str(second.pk)) == []  # nothing changed
    for policy in (published_policy, other):
        assert_stored_equals_live(policy)


@pytest.mark.django_db
def test_an_edited_draft_and_a_publication_rebuild_the_standings(world, mcs, django_capture_on_commit_callbacks):
    by = world["people"]["recognizer"]
    for v in mcs[:2]:
        issue_for_attempt(earn(world, v))
    draft = services.create_or_update_draft(recognizer=world["orgs"]["state"], document=state_policy(), by=by)
    services.build_qualifier_standings([draft.pk])
    assert selectors.stored_qualifiers(draft)["qualified_count"] == 1
    with django_capture_on_commit_callbacks(execute=True):
        services.create_or_update_draft(recognizer=world["orgs"]["state"], by=by, document=state_policy(
            rules=[{"kind": "convert", "per_mc": 30, "unit": "PDP"}, {"kind": "threshold", "unit": "PDP", "min": 80}]))
    draft.refresh_from_db()
    data = selectors.stored_qualifiers(draft)
    assert data["qualified_count"] == 0 and data["close_count"] == 1 and data["snapshot"].generation == 2
    assert QualifierStanding.objects.filter(policy=draft).values("generation").distinct().count() == 1  # old rows gone
    assert_stored_equals_live(draft)


@pytest.mark.django_db
@override_settings(TASKS=DUMMY_TASKS)
def test_without_standings_the_page_says_being_computed_and_enqueues_one_build(client, world, awarded):
    c = login(client, world["people"]["recognizer"])
    response = c.get("/recognition/policies/tn-renewal/qualifiers/")
    html = response.content.decode()
    assert response.status_code == 200 and "Being computed" in html and "Earner Tester" not in html
    snapshot = QualifierSnapshot.objects.get()
    assert snapshot.state == QualifierSnapshot.State.PENDING and not QualifierStanding.objects.exists()
    c.get("/recognition/policies/tn-renewal/qualifiers/")
    assert QualifierSnapshot.objects.count() == 1  # a second view asks for no second build
    api_response = api(world["people"]["recognizer"]).get(f"{BASE}/policies/tn-renewal/qualifiers/")
    assert api_response.status_code == 202 and api_response.json()["state"] == "pending"
    es = c.get("/recognition/policies/tn-renewal/qualifiers/", HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert "Calculándose" in es
    services.build_qualifier_standings([snapshot.policy_id])
    assert "Earner Tester" in c.get("/recognition/policies/tn-renewal/qualifiers/").content.decode()


@pytest.mark.django_db
def test_a_failed_build_is_shown_and_tried_again(client, world, awarded, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(selectors, "evaluate_without_saving", broken)
    with pytest.raises(RuntimeError):
        services.build_qualifier_standings([awarded.policy_id])
    assert QualifierSnapshot.objects.get().state == QualifierSnapshot.State.FAILED
    monkeypatch.undo()
    assert services.request_qualifier_build(awarded.policy) is True  # the next view enqueues a new build
    assert services.build_qualifier_standings([awarded.policy_id])[0].state == QualifierSnapshot.State.READY


def _more_educators(world, n: int) -> None:
    """n more educators in the state, each with imported credentials (qualifying, close or neither)."""
    now = timezone.now()
    for i in range(n):
        user = User.objects.create(username=f"extra{i}", first_name=f"Extra{i}", last_name="Person")
        district = world["orgs"]["district"] if i % 3 else world["orgs"]["other_district"]
        Membership.objects.create(user=user, organization=district, role="earner")
        for k in range(i % 4):
            ExternalCredential.objects.create(
                earner=user, raw="{}", credential={}, credential_id=f"urn:x:{i}:{k}", issuer_id="issuer-one",
                achievement_name=f"Imported {k}", valid_from=now - dt.timedelta(days=30 + k), verified_at=now,
                issuer_known=True)


@pytest.mark.django_db
def test_the_page_and_the_api_issue_the_same_number_of_queries_however_many_educators(client, world, mcs):
    by = world["people"]["recognizer"]
    draft = services.create_or_update_draft(recognizer=world["orgs"]["state"], by=by, document=state_policy(
        approved={"issuers": ["issuer-one"], "external": True},
        rules=[{"kind": "convert", "per_mc": 30, "unit": "PDP"}, {"kind": "threshold", "unit": "PDP", "min": 80}]))
    policy = services.publish(policy=draft, by=by)
    c, a = login(client, by), api(by)

    def measure(size: int) -> tuple[int, int, dict]:
        _more_educators(world, size)
        call_command("rebuild_qualifiers", "--no-progress", stdout=StringIO())
        counts = []
        for get, url in ((c.get, "/recognition/policies/tn-renewal/qualifiers/"),
                         (a.get, f"{BASE}/policies/tn-renewal/qualifiers/")):
            get(url)  # warm caches (sessions, content types)
            with CaptureQueriesContext(connection) as queries:
                assert get(url).status_code == 200
            counts.append(len(queries))
        return counts[0], counts[1], selectors.stored_qualifiers(policy, limit=1000)

    small_html, small_api, small = measure(4)
    assert small["qualified_count"] >= 1 and small["close_count"] >= 1
    User.objects.filter(username__startswith="extra").delete()
    large_html, large_api, large = measure(60)
    assert large["qualified_count"] > 10 and large["close_count"] > 10
    assert (large_html, large_api) == (small_html, small_api)
    assert_stored_equals_live(policy)


def listed(html: str) -> int:
    """Educators listed in the page's "Qualify" section."""
    return html[html.index('id="qualified"'):html.index('id="close"')].count('<td><span translate="no">')


@pytest.mark.django_db
def test_pages_of_the_lists_in_html_and_api(client, world, mcs):
    by = world["people"]["recognizer"]
    draft = services.create_or_update_draft(recognizer=world["orgs"]["state"], by=by, document=state_policy(
        approved={"issuers": ["issuer-one"], "external": True}))
    policy = services.publish(policy=draft, by=by)
    _more_educators(world, 140)
    services.build_qualifier_standings([policy.pk])
    c = login(client, by)
    html = c.get("/recognition/policies/tn-renewal/qualifiers/").content.decode()
    total = selectors.stored_qualifiers(policy)["qualified_count"]
    assert total > selectors.QUALIFIERS_PAGE_SIZE and f"Qualify ({total})" in html and "Page 1 of 2" in html
    assert listed(html) == selectors.QUALIFIERS_PAGE_SIZE
    second = c.get("/recognition/policies/tn-renewal/qualifiers/", {"qualified_page": 2}).content.decode()
    assert "Page 2 of 2" in second and listed(second) == total - selectors.QUALIFIERS_PAGE_SIZE
    for bad in ("x", "-3", "99999999999999999999", "1e9", "<script>"):
        assert c.get("/recognition/policies/tn-renewal/qualifiers/", {"qualified_page": bad}).status_code == 200
    a = api(by)
    data = a.get(f"{BASE}/policies/tn-renewal/qualifiers/", {"limit": 10, "offset": 5}).json()
    assert len(data["qualified"]) == 10 and data["qualified_count"] == total and data["offset"] == 5
    names = [r["educator"] for r in a.get(f"{BASE}/policies/tn-renewal/qualifiers/", {"limit": 15}).json()["qualified"]]
    assert [r["educator"] for r in data["qualified"]] == names[5:15]
    for bad in ({"limit": "lots"}, {"offset": "-1"}, {"limit": 10**9}):
        assert a.get(f"{BASE}/policies/tn-renewal/qualifiers/", bad).status_code == 200


@pytest.mark.django_db
def test_rebuild_command(world, awarded):
    out = StringIO()
    call_command("rebuild_qualifiers", "--no-progress", stdout=out)
    assert "of 1 policies over 1 educators" in out.getvalue()
    call_command("rebuild_qualifiers", "--policy", str(awarded.policy_id), "--no-progress", stdout=out)
    assert QualifierSnapshot.objects.get().generation == 2
    with pytest.raises(CommandError):
        call_command("rebuild_qualifiers", "--policy", "999999", stdout=out)


@pytest.mark.django_db
def test_an_event_during_a_build_is_folded_in_at_its_end(world, mcs, published_policy, monkeypatch):
    issue_for_attempt(earn(world, mcs[0]))
    real = services._standings

    def meanwhile(*args, **kwargs):  # a credential is issued while the build evaluates its chunk
        rows = real(*args, **kwargs)
        if not meanwhile.done:
            meanwhile.done = True
            credential = issue_for_attempt(earn(world, mcs[1]))
            services.update_qualifiers_for_educator(world["people"]["earner"].pk, credential_id=str(credential.pk))
        return rows

    meanwhile.done = False
    monkeypatch.setattr(services, "_standings", meanwhile)
    services.build_qualifier_standings([published_policy.pk])
    monkeypatch.undo()
    assert selectors.stored_qualifiers(published_policy)["qualified_count"] == 1
    assert_stored_equals_live(published_policy)


@pytest.mark.django_db
def test_someone_else_cannot_read_or_build_the_standings(client, world, awarded, city_recognizer):
    c = login(client, city_recognizer)
    assert c.get("/recognition/policies/tn-renewal/qualifiers/").status_code == 404
    assert api(city_recognizer).get(f"{BASE}/policies/tn-renewal/qualifiers/").status_code == 404
    assert login(client, world["people"]["earner"]).get("/recognition/policies/tn-renewal/qualifiers/").status_code == 404
    assert not QualifierSnapshot.objects.exists()


@pytest.mark.django_db
def test_publishing_a_new_version_gives_it_standings_and_drops_the_retired_ones(world, mcs, published_policy,
                                                                               django_capture_on_commit_callbacks):
    by = world["people"]["recognizer"]
    for v in mcs[:2]:
        issue_for_attempt(earn(world, v))
    services.build_qualifier_standings([published_policy.pk])
    with django_capture_on_commit_callbacks(execute=True):
        draft = services.create_or_update_draft(recognizer=world["orgs"]["state"], by=by, document=state_policy(
            rules=[{"kind": "convert", "per_mc": 30, "unit": "PDP"}, {"kind": "threshold", "unit": "PDP", "min": 80}]))
    assert not QualifierSnapshot.objects.filter(policy=draft).exists()  # nobody looks at the draft's qualifiers
    with django_capture_on_commit_callbacks(execute=True):
        services.publish(policy=draft, by=by)
    assert list(QualifierSnapshot.objects.values_list("policy_id", "state")) == [(draft.pk, "ready")]
    assert not QualifierStanding.objects.filter(policy=published_policy).exists()
    assert_stored_equals_live(Policy.objects.get(pk=draft.pk))


def _many_schools(policy, schools: int) -> None:
    """The built snapshot's counts as a state's would be: many schools of 20 educators, 5 qualifying, 5 close."""
    snapshot = QualifierSnapshot.objects.get(policy=policy)
    names = {f"School {i:03d} <b>&amp;</b>": [20, 5, 5] for i in range(schools)}
    snapshot.counts = {**snapshot.counts, "evaluated": 20 * schools, "by_school": names,
                       "by_district": {"One district": [20 * schools, 5 * schools, 5 * schools]}}
    snapshot.save(update_fields=["counts"])


def _published_with_standings(world):
    """The recognizer and its published state policy (issuer-one approved), standings built."""
    by = world["people"]["recognizer"]
    policy = services.publish(policy=services.create_or_update_draft(
        recognizer=world["orgs"]["state"], by=by, document=state_policy(approved={"issuers": ["issuer-one"]})), by=by)
    services.build_qualifier_standings([policy.pk])
    return by, policy


@pytest.mark.django_db
def test_a_page_of_schools_at_a_time_keeping_the_other_lists_pages(client, world, mcs):
    by, policy = _published_with_standings(world)
    _many_schools(policy, 120)
    c, url = login(client, by), "/recognition/policies/tn-renewal/qualifiers/"
    html = c.get(url).content.decode()
    schools = html[html.index('id="by-school"'):]
    assert "By school (120)" in schools and "Page 1 of 3" in schools and schools.count("<td>School ") == 50
    assert "School 000 &lt;b&gt;&amp;amp;" in schools and "School 050" not in schools  # names escaped
    assert "?qualified_page=1&amp;close_page=1&amp;school_page=2#by-school" in schools
    last = c.get(url, {"school_page": 3, "qualified_page": 1}).content.decode()
    last = last[last.index('id="by-school"'):]
    assert last.count("<td>School ") == 20 and "School 119" in last and 'rel="next"' not in last
    beyond = c.get(url, {"school_page": 999}).content.decode()
    assert "Page 3 of 3" in beyond and "School 119" in beyond  # past the end shows the last page, not "nobody"
    for bad in ("x", "-1", "1e9", "<script>", "9" * 40):
        assert c.get(url, {"school_page": bad}).status_code == 200
    api_schools = api(by).get(f"{BASE}/policies/tn-renewal/qualifiers/").json()["by_school"]
    assert len(api_schools) == 120  # the API gives them all
    stranger = world["people"]["earner"]
    assert login(client, stranger).get(url, {"school_page": 2}).status_code in (403, 404)


@pytest.mark.django_db
def test_suppressed_counts_are_worked_out_once_per_distinct_counts(world, mcs, monkeypatch):
    by, policy = _published_with_standings(world)
    _many_schools(policy, 3)
    calls = []
    real = selectors._suppressed
    monkeypatch.setattr(selectors, "_suppressed", lambda data: calls.append(1) or real(data))
    first = selectors.stored_qualifiers(policy)
    assert selectors.stored_qualifiers(policy)["by_school"] == first["by_school"] and len(calls) == 1
    snapshot = QualifierSnapshot.objects.get(policy=policy)
    snapshot.counts["by_school"]["School 000 <b>&amp;</b>"] = [3, 1, 1]  # a small school appears: must be hidden
    snapshot.counts["by_school"]["School 001 <b>&amp;</b>"] = [37, 9, 9]
    snapshot.save(update_fields=["counts"])
    changed = selectors.stored_qualifiers(policy)
    assert len(calls) == 2
    small = next(r for r in changed["by_school"] if r["name"].startswith("School 000"))
    assert small["educators"] != 3 and small["qualified"] != 1  # suppressed, not the cached figure
