"""The assessor queue and issuer dashboard at scale (commit 71ea3e0): the stored reviews per MC (ReviewTally, kept by
tallies.py), the dashboard's one-line glance, the queue's order and blindness, and query counts that do not grow."""
import datetime as dt

import pytest
from django.core import serializers
from django.core.cache import caches
from django.core.management import call_command
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from microcred.accounts import services as account_services
from microcred.accounts.models import EducatorProfile, Organization, User
from microcred.assessment import selectors, services, tallies
from microcred.assessment.models import AnchorItem, Assignment, Qualification, Review, ReviewTally, ScoringPolicy

from .factories import certified_pool, levels, submitted


@pytest.fixture
def mc(published):
    return published.micro_credential


def single_scoring(mc):
    ScoringPolicy.objects.update_or_create(micro_credential=mc, defaults={"calibration_period": 0, "random_double_rate": 0, "conditional_double": False})


def make_earner(world, tag):
    """An earner whose name, username, email, district and school are strings that appear nowhere else."""
    district = Organization.objects.create(slug=f"zebulon-county-{tag}", name=f"Zebulon County {tag} Schools", kind="district", state="GA")
    school = Organization.objects.create(slug=f"quillfeather-{tag}", name=f"Quillfeather {tag} Elementary", kind="school", parent=district)
    user = User.objects.create_user(username=f"earner_x{tag}q", email=f"hortensia.{tag}@uniq-mail.example", password="a-long-password-1",
                                    first_name=f"Hortensia{tag}", last_name=f"Vandersloot{tag}")
    account_services.grant_role(user=user, organization=district, role="earner")
    EducatorProfile.objects.create(user=user, district=district, school=school, state="GA")
    return user


def identity_of(user):
    profile = user.educator_profile
    return [user.username, user.first_name, user.last_name, user.email, profile.district.name, profile.school.name]


_counter = iter(range(10_000))


def open_reviews(world, mc, n):
    """n submissions of n new earners put into assessment (assigned if the MC has an eligible pool)."""
    return [services.open_review(submission=submitted(make_earner(world, next(_counter)), mc)) for _ in range(n)]


def tally(mc):
    row = ReviewTally.objects.filter(pk=mc.pk).first()
    return None if row is None else row.reviews


def as_user(client, user):
    client.force_login(user)
    return client


# --- 1. ReviewTally kept by tallies.py ----------------------------------------------------------------------------

def test_orm_creates_and_deletes_move_the_tally(world, mc):
    assert tally(mc) is None  # no review yet: no tally row
    (first,) = open_reviews(world, mc, 1)
    assert tally(mc) == 1  # the first review created the row
    second, third = open_reviews(world, mc, 2)
    assert tally(mc) == 3 == Review.objects.filter(micro_credential=mc).count()
    second.delete()
    assert tally(mc) == 2
    Review.objects.filter(pk__in=[first.pk, third.pk]).delete()  # a queryset delete sends post_delete per row
    assert tally(mc) == 0 and not Review.objects.filter(micro_credential=mc).exists()


def test_saving_an_existing_review_does_not_count_it_again(world, mc):
    review = open_reviews(world, mc, 1)[0]
    review.stage = Review.Stage.SECOND
    review.save()
    Review.objects.get(pk=review.pk).save()
    assert tally(mc) == 1


def test_a_review_rolled_back_leaves_the_tally_unchanged(world, mc, publish_mc):
    # The MC's very first review rolled back: no tally row is left behind.
    with pytest.raises(RuntimeError), transaction.atomic():
        open_reviews(world, mc, 1)
        assert tally(mc) == 1  # counted inside the transaction...
        raise RuntimeError("roll back")
    assert tally(mc) is None and not Review.objects.filter(micro_credential=mc).exists()  # ...and undone with it

    open_reviews(world, mc, 2)
    with pytest.raises(RuntimeError), transaction.atomic():
        open_reviews(world, mc, 1)
        raise RuntimeError("roll back")
    assert tally(mc) == 2 == Review.objects.filter(micro_credential=mc).count()

    kept = Review.objects.filter(micro_credential=mc).first()
    with pytest.raises(RuntimeError), transaction.atomic():
        kept.delete()
        raise RuntimeError("roll back")
    assert tally(mc) == 2


def test_recount_rebuilds_wrong_and_missing_tallies(world, mc, publish_mc):
    other = publish_mc(title="Hinge Questions Two").micro_credential
    idle = publish_mc(title="No Reviews Yet").micro_credential
    open_reviews(world, mc, 2)
    ReviewTally.objects.filter(pk=mc.pk).update(reviews=99)  # corrupted
    # Reviews written past the signals (bulk_create): the other MC has reviews but no tally.
    subs = [submitted(make_earner(world, next(_counter)), other) for _ in range(3)]
    Review.objects.bulk_create([Review(submission=s, micro_credential=other, version=other.current_version, stage="first",
                                       due_at=timezone.now() + dt.timedelta(days=10)) for s in subs])
    assert tally(other) is None
    ReviewTally.objects.create(micro_credential=idle, reviews=7)  # a tally for an MC without reviews

    # Only the MCs named are rebuilt; the return value is how many tallies were written.
    assert tallies.recount([other.pk, str(other.pk)]) == 1
    assert tally(other) == 3 and tally(mc) == 99 and tally(idle) == 7
    assert tallies.recount([idle.pk]) == 0
    assert tally(idle) is None and tally(mc) == 99

    assert tallies.recount() == 2
    assert tally(mc) == 2 and tally(other) == 3 and tally(idle) is None
    # After a recount the signals go on from the right figure.
    open_reviews(world, other, 1)
    assert tally(other) == 4 == Review.objects.filter(micro_credential=other).count()
    assert tallies.recount() == 2 and tally(other) == 4


def test_recount_of_an_empty_database_writes_nothing(world):
    assert tallies.recount() == 0 and not ReviewTally.objects.exists()


def test_raw_receiver_does_not_count(world, mc):
    review = open_reviews(world, mc, 1)[0]
    tallies._review_saved(sender=Review, instance=review, created=True, raw=True)
    assert tally(mc) == 1
    tallies._review_saved(sender=Review, instance=review, created=True, raw=False)  # the receiver is live (control)
    assert tally(mc) == 2


def test_loaddata_of_a_review_and_its_tally_does_not_double_count(world, mc, tmp_path):
    review = open_reviews(world, mc, 1)[0]
    review_pk = review.pk
    Assignment.objects.filter(review=review).delete()
    # The fixture carries the tally first, then the review (so a review counted on load would make it 2).
    data = serializers.serialize("json", [ReviewTally.objects.get(pk=mc.pk), Review.objects.get(pk=review.pk)])
    review.delete()
    ReviewTally.objects.filter(pk=mc.pk).delete()
    fixture = tmp_path / "reviews.json"
    fixture.write_text(data)
    call_command("loaddata", str(fixture), verbosity=0)
    assert Review.objects.filter(pk=review_pk, micro_credential=mc).exists()
    assert tally(mc) == 1 == Review.objects.filter(micro_credential=mc).count()


# --- 2. Issuer dashboard glance -----------------------------------------------------------------------------------

def glance_of(mc):
    g = selectors.dashboard_glance([mc.pk])[mc.pk]
    return {k: g[k] for k in ("waiting", "overdue", "unassigned", "to_reassign")}


def health_of(mc):
    """The same three figures from queue_health, an independent way of counting them (the MC's own page)."""
    h = selectors.queue_health(micro_credential_ids=[mc.pk])
    return {k: h[k] for k in ("waiting", "overdue", "unassigned")}


def test_glance_counts_follow_assignments_scores_releases_and_due_dates(client, world, mc, publish_mc):
    single_scoring(mc)
    elsewhere = publish_mc(title="Other MC Glance").micro_credential
    r1, r2 = open_reviews(world, mc, 2)  # no pool yet: both wait unassigned
    open_reviews(world, elsewhere, 1)  # another MC's review is not counted here
    assert glance_of(mc) == {"waiting": 2, "overdue": 0, "unassigned": 2, "to_reassign": 0}
    assert selectors.dashboard_glance([mc.pk])[mc.pk]["pool"] == 0
    page = as_user(client, world["people"]["issuer_admin"]).get("/assess/issuer/").content.decode()
    assert "Waiting 2 · Overdue 0 · Unassigned 2 · Pool 0" in page

    (rater,) = certified_pool(world, mc, n=1)
    made = services.auto_assign(review=r1, role="first")  # assignment made
    assert made.assessor == rater
    assert glance_of(mc) == {"waiting": 2, "overdue": 0, "unassigned": 1, "to_reassign": 0}
    assert selectors.dashboard_glance([mc.pk])[mc.pk]["pool"] == 1

    past = timezone.now() - dt.timedelta(days=1)
    Review.objects.filter(pk=r1.pk).update(due_at=past)  # overdue, with an open assignment to reassign
    assert glance_of(mc) == {"waiting": 2, "overdue": 1, "unassigned": 1, "to_reassign": 1}
    Review.objects.filter(pk=r2.pk).update(due_at=past)  # overdue, nobody to reassign from
    assert glance_of(mc) == {"waiting": 2, "overdue": 2, "unassigned": 1, "to_reassign": 1}
    assert {k: v for k, v in glance_of(mc).items() if k != "to_reassign"} == health_of(mc)
    page = as_user(client, world["people"]["issuer_admin"]).get("/assess/issuer/").content.decode()
    assert "Waiting 2 · Overdue 2 · Unassigned 1 · Pool 1" in page and "1 overdue to reassign" in page

    # Released with no one else eligible (the only rater is paused): the review is unassigned again.
    Qualification.objects.filter(assessor=rater, micro_credential=mc).update(status=Qualification.Status.PAUSED)
    services.release(assignment=made, by=rater, reason="I know this teacher")
    assert not r1.assignments.filter(state="assigned").exists()
    assert glance_of(mc) == {"waiting": 2, "overdue": 2, "unassigned": 2, "to_reassign": 0}

    Qualification.objects.filter(assessor=rater, micro_credential=mc).update(status=Qualification.Status.CERTIFIED)
    again = services.auto_assign(review=r1, role="first")
    assert glance_of(mc) == {"waiting": 2, "overdue": 2, "unassigned": 1, "to_reassign": 1}
    services.submit_scores(assignment=again, by=rater, levels=levels(r1.version, "pass"))  # scored: decided, no longer waiting
    assert Review.objects.get(pk=r1.pk).stage == "decided"
    assert glance_of(mc) == {"waiting": 1, "overdue": 1, "unassigned": 1, "to_reassign": 0}
    assert {k: v for k, v in glance_of(mc).items() if k != "to_reassign"} == health_of(mc)
    assert glance_of(elsewhere) == {"waiting": 1, "overdue": 0, "unassigned": 1, "to_reassign": 0}
    page = as_user(client, world["people"]["issuer_admin"]).get("/assess/issuer/").content.decode()
    line = page.split(f'id="mc-{mc.slug}"')[1].split('<section class="mc"')[0]
    assert "Waiting 1 · Overdue 1 · Unassigned 1 · Pool 1" in line and "overdue to reassign" not in line


def test_a_review_with_first_and_second_readers_open_counts_both_to_reassign(world, mc):
    review = open_reviews(world, mc, 1)[0]
    pool = certified_pool(world, mc, n=2)
    Assignment.objects.create(review=review, assessor=pool[0], role="first")
    Assignment.objects.create(review=review, assessor=pool[1], role="second")
    Review.objects.filter(pk=review.pk).update(due_at=timezone.now() - dt.timedelta(hours=1))
    assert glance_of(mc) == {"waiting": 1, "overdue": 1, "unassigned": 0, "to_reassign": 2}
    assert len(selectors.overdue_assignments(mc)) == 2


def _section_order(html, mcs):
    positions = {m.slug: html.index(f'id="mc-{m.slug}"') for m in mcs}
    return sorted(positions, key=positions.get)


def test_dashboard_lists_the_busiest_mcs_first_by_tally(client, world, mc, publish_mc):
    busy = publish_mc(title="ZZ Busy MC").micro_credential
    quiet = publish_mc(title="AA Quiet MC").micro_credential
    open_reviews(world, mc, 1)
    open_reviews(world, busy, 2)
    admin = world["people"]["issuer_admin"]
    listed = list(selectors.issuer_micro_credentials(admin))
    assert [m.pk for m in listed] == [busy.pk, mc.pk, quiet.pk]  # 2 reviews, 1, none
    assert [m.n_reviews for m in listed] == [2, 1, 0]
    html = as_user(client, admin).get("/assess/issuer/").content.decode()
    assert _section_order(html, [mc, busy, quiet]) == [busy.slug, mc.slug, quiet.slug]

    # The order is the stored tally's: two more reviews of mc put it first.
    open_reviews(world, mc, 2)
    assert [m.pk for m in selectors.issuer_micro_credentials(admin)] == [mc.pk, busy.pk, quiet.pk]
    # A tie is broken by slug.
    open_reviews(world, quiet, 3)
    listed = list(selectors.issuer_micro_credentials(admin))
    assert [m.n_reviews for m in listed] == [3, 3, 2] and [m.pk for m in listed] == [quiet.pk, mc.pk, busy.pk]
    # Other issuers' MCs are not listed.
    assert not {m.pk for m in selectors.issuer_micro_credentials(world["people"]["other_admin"])} & {mc.pk, busy.pk, quiet.pk}


def test_dashboard_shows_the_mcs_a_page_at_a_time_busiest_first(client, world, mc, publish_mc, monkeypatch):
    from microcred.assessment import views

    monkeypatch.setattr(views, "DASHBOARD_PAGE_SIZE", 2)  # 25 in production: a state catalog's admin manages thousands
    busy = publish_mc(title="ZZ Busy MC").micro_credential
    quiet = publish_mc(title="AA Quiet MC").micro_credential
    open_reviews(world, busy, 2)
    open_reviews(world, mc, 1)
    c = as_user(client, world["people"]["issuer_admin"])
    first = c.get("/assess/issuer/").content.decode()
    assert _section_order(first, [busy, mc]) == [busy.slug, mc.slug] and f'id="mc-{quiet.slug}"' not in first
    assert "1–2 of 3" in first and 'href="?page=2" rel="next"' in first and 'rel="prev"' not in first
    second = c.get("/assess/issuer/?page=2").content.decode()
    assert f'id="mc-{quiet.slug}"' in second and f'id="mc-{busy.slug}"' not in second and "3–3 of 3" in second
    assert 'href="?page=1" rel="prev"' in second and 'rel="next"' not in second
    # Not a number: the first page; beyond the last: the last; hostile text is never echoed.
    for asked, shown in (("abc", busy), ("-1", quiet), ("999", quiet), ("<script>alert(1)</script>", busy)):
        response = c.get("/assess/issuer/", {"page": asked})
        html = response.content.decode()
        assert response.status_code == 200 and f'id="mc-{shown.slug}"' in html and "<script>alert(1)" not in html
    # Spanish: the range line is translated.
    spanish = c.get("/assess/issuer/", HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert "Micro-credentials 1–2 of 3" not in spanish


def test_one_page_of_mcs_shows_no_pager(client, world, mc):
    open_reviews(world, mc, 1)
    html = as_user(client, world["people"]["issuer_admin"]).get("/assess/issuer/").content.decode()
    assert f'id="mc-{mc.slug}"' in html and 'id="mc-range"' not in html and 'rel="next"' not in html


# --- 3. Assessor queue --------------------------------------------------------------------------------------------

def test_queue_lists_only_own_open_items_in_assigned_order_and_never_the_earner(client, world, mc):
    single_scoring(mc)
    reviews = open_reviews(world, mc, 7)  # no pool yet: all unassigned
    mine, theirs = certified_pool(world, mc, n=2)
    items = [services.claim(review=r, by=mine) for r in reviews[:6]]
    other_persons = services.claim(review=reviews[6], by=theirs)
    services.submit_scores(assignment=items[2], by=mine, levels=levels(reviews[2].version, "pass"))  # scored
    services.release(assignment=items[3], by=mine, reason="I coach this teacher")  # released: goes to the other rater
    assert reviews[3].assignments.get(state="assigned").assessor == theirs
    calibration_anchor = AnchorItem.objects.create(micro_credential=mc, version=mc.current_version, title="CAL-ANCHOR-TITLE-55",
                                                   snapshot={"parts": []})
    Assignment.objects.create(anchor_item=calibration_anchor, assessor=mine, role="calibration")  # listed with its pool instead

    t0 = timezone.now() - dt.timedelta(days=3)
    open_mine = [items[0], items[1], items[4], items[5]]
    Assignment.objects.filter(pk=items[5].pk).update(assigned_at=t0)  # the newest claimed, assigned the earliest
    Assignment.objects.filter(pk__in=[items[0].pk, items[1].pk]).update(assigned_at=t0 + dt.timedelta(hours=1))  # a tie
    Assignment.objects.filter(pk=items[4].pk).update(assigned_at=t0 + dt.timedelta(hours=2))
    expected = sorted(Assignment.objects.filter(pk__in=[a.pk for a in open_mine]), key=lambda a: (a.assigned_at, a.pk))
    assert [a.pk for a in expected] == [items[5].pk, items[0].pk, items[1].pk, items[4].pk]

    rows = selectors.queue_rows(mine)
    assert [r["id"] for r in rows] == [a.pk for a in expected]
    assert all(r["state"] == "assigned" and r["role"] == "First" and not r["overdue"] for r in rows)

    html = as_user(client, mine).get("/assess/").content.decode()
    links = {a.pk: html.find(f'href="/assess/items/{a.pk}/"') for a in Assignment.objects.filter(review__isnull=False)}
    assert [pk for pos, pk in sorted((pos, pk) for pk, pos in links.items() if pos >= 0)] == [a.pk for a in expected]
    for absent in (other_persons, items[2], items[3], reviews[3].assignments.get(state="assigned")):
        assert f'href="/assess/items/{absent.pk}/"' not in html
    for earner in (r.submission.attempt.earner for r in reviews):
        for secret in identity_of(earner):
            assert secret not in html, secret
    assert "CAL-ANCHOR-TITLE-55" not in html

    # The other rater sees their two and none of mine.
    theirs_html = as_user(client, theirs).get("/assess/").content.decode()
    assert [r["id"] for r in selectors.queue_rows(theirs)] == sorted(
        [other_persons.pk, reviews[3].assignments.get(state="assigned").pk],
        key=lambda pk: (Assignment.objects.get(pk=pk).assigned_at, pk))
    assert all(f'href="/assess/items/{a.pk}/"' not in theirs_html for a in open_mine)


def test_overdue_items_are_marked_in_the_queue(client, world, mc):
    single_scoring(mc)
    (rater,) = certified_pool(world, mc, n=1)
    late, on_time = open_reviews(world, mc, 2)
    Review.objects.filter(pk=late.pk).update(due_at=timezone.now() - dt.timedelta(days=1))
    rows = {r["id"]: r for r in selectors.queue_rows(rater)}
    assert rows[late.assignments.get().pk]["overdue"] and not rows[on_time.assignments.get().pk]["overdue"]
    assert as_user(client, rater).get("/assess/").content.decode().count("Overdue</span>") == 1


# --- 4. Query counts do not grow ----------------------------------------------------------------------------------

def _queries_for(c, url):
    caches["default"].clear()  # both measurements read the same (cold) cache
    with CaptureQueriesContext(connection) as queries:
        response = c.get(url)
    assert response.status_code == 200
    return len(queries), response.content.decode()


def test_assessor_queue_queries_do_not_grow_with_items(client, world, mc, publish_mc):
    other = publish_mc(title="Second Queue MC").micro_credential
    rater = certified_pool(world, mc, n=1)[0]
    Qualification.objects.create(assessor=rater, micro_credential=other, organization=other.owner, status=Qualification.Status.CERTIFIED,
                                 certified_at=timezone.now())

    def add_items(target, n_reviews, n_checks):
        for r in open_reviews(world, target, n_reviews):
            if not r.assignments.filter(assessor=rater, state="assigned").exists():
                Assignment.objects.create(review=r, assessor=rater, role="second")
        for i in range(n_checks):
            anchor = AnchorItem.objects.create(micro_credential=target, version=target.current_version, title=f"anchor {target.slug} {i}",
                                               snapshot={"parts": []})
            Assignment.objects.create(anchor_item=anchor, assessor=rater, role="check")

    add_items(mc, 1, 1)
    c = as_user(client, rater)
    c.get("/assess/")  # the session's first request
    assert len(selectors.queue_rows(rater)) == 2
    with_two, _ = _queries_for(c, "/assess/")
    add_items(mc, 2, 1)
    add_items(other, 2, 1)
    assert len(selectors.queue_rows(rater)) == 8
    with_eight, html = _queries_for(c, "/assess/")
    assert html.count('href="/assess/items/') == 8
    assert with_eight == with_two, (with_two, with_eight)


def test_the_queue_shows_a_page_of_items_oldest_first(client, world, mc, monkeypatch):
    """A busy assessor may hold a hundred items: the queue draws a page of them (25), the oldest first."""
    monkeypatch.setattr(selectors, "QUEUE_PAGE_SIZE", 2)
    single_scoring(mc)
    reviews = open_reviews(world, mc, 5)
    mine, _theirs = certified_pool(world, mc, n=2)
    items = [services.claim(review=r, by=mine) for r in reviews]
    order = [a.pk for a in sorted(items, key=lambda a: (a.assigned_at, a.pk))]
    c = as_user(client, mine)

    def shown(html):
        return [pk for pk in order if f'href="/assess/items/{pk}/"' in html]

    first = c.get("/assess/").content.decode()
    assert shown(first) == order[:2] and "5 open items, oldest first." in first
    assert 'href="?page=2" rel="next"' in first and 'rel="prev"' not in first
    assert shown(c.get("/assess/?page=2").content.decode()) == order[2:4]
    # Not a number: the first page; beyond the last: the last; hostile text is never echoed.
    for asked, expected in (("abc", order[:2]), ("999", order[4:]), ("-1", order[4:]), ("<script>alert(1)</script>", order[:2])):
        response = c.get("/assess/", {"page": asked})
        html = response.content.decode()
        assert response.status_code == 200 and shown(html) == expected and "<script>alert(1)" not in html
    assert "open items, oldest first" not in c.get("/assess/", HTTP_ACCEPT_LANGUAGE="es").content.decode()
    # Another assessor's items are on no page of theirs.
    assert shown(as_user(client, _theirs).get("/assess/").content.decode()) == []


def test_issuer_dashboard_queries_do_not_grow_with_mcs_and_reviews(client, world, mc, publish_mc):
    admin = world["people"]["issuer_admin"]

    raters = iter(range(1000))

    def busy_mc(target, n_reviews):
        """An MC with a certified assessor, n assigned reviews and a calibration anchor."""
        user = User.objects.create_user(username=f"pool-{next(raters)}", password="a-long-password-1")
        account_services.grant_role(user=user, organization=target.owner, role="assessor")
        Qualification.objects.create(assessor=user, micro_credential=target, organization=target.owner,
                                     status=Qualification.Status.CERTIFIED, certified_at=timezone.now())
        open_reviews(world, target, n_reviews)
        AnchorItem.objects.create(micro_credential=target, version=target.current_version, title="anchor", snapshot={"parts": []})

    busy_mc(mc, 1)
    second = publish_mc(title="Dash MC 1").micro_credential
    open_reviews(world, second, 1)
    c = as_user(client, admin)
    c.get("/assess/issuer/")
    with_two, html = _queries_for(c, "/assess/issuer/")
    assert html.count('class="small glance"') == 2
    for i in range(2, 8):
        busy_mc(publish_mc(title=f"Dash MC {i}").micro_credential, 2)
    Review.objects.filter(micro_credential=mc).update(due_at=timezone.now() - dt.timedelta(days=1))
    with_eight, html = _queries_for(c, "/assess/issuer/")
    assert html.count('class="small glance"') == 8
    assert with_eight == with_two, (with_two, with_eight)


# --- 5. Who sees the issuer dashboard -----------------------------------------------------------------------------

def test_earners_and_other_issuers_assessors_do_not_see_the_dashboard(client, world, mc):
    open_reviews(world, mc, 1)
    outsider = User.objects.create_user(username="far_assessor", password="a-long-password-1")
    account_services.grant_role(user=outsider, organization=world["orgs"]["other_issuer"], role="assessor")
    for user in (world["people"]["earner"], outsider):
        c = as_user(client, user)
        assert c.get("/assess/issuer/").status_code == 403
        assert c.get(f"/assess/issuer/mc/{mc.slug}/").status_code == 403
    assert as_user(client, outsider).get("/assess/").status_code == 200  # an assessor: their own queue only
    # The admin of the other issuer opens a dashboard without this MC's line.
    page = as_user(client, world["people"]["other_admin"]).get("/assess/issuer/")
    assert page.status_code == 200 and f'id="mc-{mc.slug}"' not in page.content.decode()
    assert f'id="mc-{mc.slug}"' in as_user(client, world["people"]["issuer_admin"]).get("/assess/issuer/").content.decode()
