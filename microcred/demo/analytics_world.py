"""The analytics demo: the demo schools' attributes (imported from a CCD-style CSV by the platform's operator, as a
state would), and a history of 40 fictional educators of Cumberland Valley and Riverbend earning the demo MCs over
the past year — enough that the dashboards show numbers, and small groups show as hidden. Some of them told their
demographics (consented) and chose to be findable; a few offer to mentor."""
from __future__ import annotations

import datetime as dt
import random
from pathlib import Path

from django.utils import timezone

from microcred.accounts import services as accounts
from microcred.accounts.models import EducatorProfile, Organization, User
from microcred.analytics import services
from microcred.analytics.models import EducatorDemographics, Findability, SchoolProfile
from microcred.catalog.models import MicroCredential
from microcred.credentials.services import issue_for_attempt
from microcred.earning.models import Attempt, Decision, Submission

from . import content

SCHOOLS_CSV = Path(__file__).parent / "data" / "school-attributes.csv"
EDUCATORS = 40


def load_analytics_demo() -> None:
    state = Organization.objects.filter(slug=content.SEA).first()
    if state is None or SchoolProfile.objects.filter(organization__slug=content.RURAL_ELEM).exists():
        return
    services.import_school_attributes(organization=state, data=SCHOOLS_CSV.read_bytes(), by=None)
    mcs = [m for m in MicroCredential.objects.filter(current_version__isnull=False).select_related("current_version")
           .order_by("slug")[:6]]
    if not mcs:
        return
    rng = random.Random(17)
    now = timezone.now()
    places = [(content.RURAL, content.RURAL_ELEM), (content.RURAL, content.RURAL_HIGH),
              (content.CITY, content.CITY_MIDDLE), (content.CITY, content.CITY_ELEM)]
    orgs = {o.slug: o for o in Organization.objects.filter(slug__in={s for p in places for s in p})}
    races = ["white"] * 6 + ["black"] * 2 + ["hispanic"] * 2 + ["asian", "multiple", ""]
    for i in range(EDUCATORS):
        district, school = places[0] if i < 16 else places[1] if i < 26 else places[2] if i < 34 else places[3]
        username = f"demo-educator-{i + 1:02d}"
        if User.objects.filter(username=username).exists():
            continue
        user = User.objects.create_user(username=username, password=None, first_name=f"Educator {i + 1}",
                                        last_name="(demo)", email=f"{username}@demo.microcred.test")
        accounts.grant_role(user=user, organization=orgs[school], role="earner")
        EducatorProfile.objects.create(user=user, state=content.STATE, district=orgs[district], school=orgs[school],
                                       years_experience=rng.randint(1, 25))
        if i % 3 != 2:  # two in three told their demographics, with consent
            EducatorDemographics.objects.create(user=user, race_ethnicity=rng.choice(races),
                                                gender=rng.choice(["woman", "woman", "man", ""]),
                                                consented_at=now - dt.timedelta(days=rng.randint(1, 200)))
        if i % 4 == 0:
            Findability.objects.create(user=user, findable=True, offers_mentoring=i % 8 == 0)
        for mc in rng.sample(mcs, k=rng.randint(1, 3)):
            attempt = _history(user, mc, rng, now)
            if i % 4 == 0 and attempt.state == "earned":  # the findable ones hold their credentials (expertise finder)
                issue_for_attempt(attempt)


def _history(user, mc: MicroCredential, rng: random.Random, now) -> None:
    """One attempt with its submissions: earned (some after a "not yet"), waiting, or still a draft."""
    started = now - dt.timedelta(days=rng.randint(20, 360))
    fate = rng.choice(["earned", "earned", "earned", "not_yet_then_earned", "submitted", "draft", "not_yet"])
    state = {"not_yet_then_earned": "earned"}.get(fate, fate)
    attempt = Attempt.objects.create(earner=user, version=mc.current_version, micro_credential=mc, state=state)
    submitted = started + dt.timedelta(days=rng.randint(7, 60))
    decided = submitted + dt.timedelta(days=rng.randint(2, 21))
    Attempt.objects.filter(pk=attempt.pk).update(
        started_at=started, submitted_at=None if fate == "draft" else min(submitted, now),
        decided_at=decided if state in ("earned", "not_yet") and decided < now else None)
    if fate == "draft":
        return attempt
    results = {"earned": ["earned"], "not_yet_then_earned": ["not_yet", "earned"], "not_yet": ["not_yet"],
               "submitted": []}[fate]
    for number, result in enumerate(results or [None], start=1):
        at = min(submitted + dt.timedelta(days=(number - 1) * 14), now)
        submission = Submission.objects.create(attempt=attempt, number=number,
                                               state="decided" if result else "pending")
        Submission.objects.filter(pk=submission.pk).update(submitted_at=at)
        if result:
            decision = Decision.objects.create(submission=submission, result=result)
            Decision.objects.filter(pk=decision.pk).update(decided_at=min(at + dt.timedelta(days=rng.randint(2, 21)), now))
    return attempt


def load_analytics_insights_demo() -> None:
    """Cumberland Valley takes part in impact data (its fictional educators' observation ratings of the school years
    before and after their first earning, a little higher after); its teacher-leader cohort pays the fees of the
    rural high school's attempts (funding by program); and the dashboards' figures are pre-aggregated once, so
    assessor quality, educators close to qualifying and ratings before and after show at first sight. Idempotent."""
    from microcred.analytics import insights, selectors
    from microcred.analytics.models import DashboardSnapshot, ImpactOptIn
    from microcred.earning.models import Cohort

    district = Organization.objects.filter(slug=content.RURAL).first()
    if district is None:
        return
    if not ImpactOptIn.objects.filter(organization=district).exists():
        services.set_impact_opt_in(organization=district, by=None, opted_in=True)
        rng = random.Random(5)
        rows = ["educator,year,rating"]
        for username, decided in Attempt.objects.filter(
                earner__username__startswith="demo-educator-", state="earned", decided_at__isnull=False,
                earner__educator_profile__district=district).order_by("decided_at").values_list("earner__username", "decided_at"):
            year = insights.school_year(decided)
            if f"{username},{year - 1}" in "\n".join(rows):
                continue
            before = rng.choice([2, 2.5, 3, 3, 3.5])
            rows += [f"{username},{year - 1},{before}", f"{username},{year + 1},{min(5, before + rng.choice([0, 0.5, 0.5, 1]))}"]
        services.import_impact_ratings(organization=district, data="\n".join(rows).encode(), by=None)
        cohort, _created = Cohort.objects.get_or_create(organization=district, name="Teacher Leader Academy 2026")
        Attempt.objects.filter(earner__educator_profile__school__slug=content.RURAL_HIGH,
                               earner__username__startswith="demo-educator-").update(
            cohort=cohort, fee_amount=75, paid_by_organization=district)
        Attempt.objects.filter(earner__educator_profile__school__slug=content.RURAL_ELEM,
                               earner__username__startswith="demo-educator-", fee_amount__isnull=True).update(
            fee_amount=75, paid_by_organization=district)
    state = Organization.objects.filter(slug=content.SEA).first()
    boards = [selectors.Dashboard("platform", None), selectors.Dashboard("district", district)]
    if state is not None:
        boards.append(selectors.Dashboard("state", state))
    boards += [selectors.Dashboard("issuer", o) for o in
               Organization.objects.filter(owned_micro_credentials__isnull=False).distinct()]
    for board in boards:
        # Made once: the default filters' signature is not empty (it names the default period).
        if not DashboardSnapshot.objects.filter(key=services.snapshot_key(board, "en"),
                                                filters=selectors.Filters().signature()).exists():
            snapshot = services.request_snapshot(board=board, filters=selectors.Filters(), language="en", by=None)
            services.build_snapshot(snapshot.pk)
