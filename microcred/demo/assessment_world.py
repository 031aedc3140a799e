"""The assessment part of the demo world: assessor pools, calibration sets, certification by calibration, and a
season of scored work (double-scored, some adjudicated) so the queue, the dashboards and the reliability
figures have something real to show. Idempotent.

Everything goes through the services a person would use (earners answer and submit, assessors calibrate and
score); only timestamps are moved back afterwards so the work looks like it happened over the last months.
ALL PEOPLE AND EVIDENCE HERE ARE FICTIONAL.
"""
from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field

from django.utils import timezone

from microcred.accounts import services as account_services
from microcred.accounts.models import Organization, User
from microcred.assessment import services
from microcred.assessment.models import AnchorItem, AnchorScore, Assignment, Qualification, Review, Score
from microcred.catalog import selectors as catalog_selectors
from microcred.catalog.models import EvidenceType, MicroCredential, MicroCredentialVersion
from microcred.earning import services as earning_services
from microcred.earning.models import Attempt, Decision, Submission

from . import content

A = Assignment
R = Review.Stage
OPEN_STAGES = (R.FIRST, R.SECOND, R.ADJUDICATION)
ROLE_FOR_STAGE = {R.FIRST: A.Role.FIRST, R.SECOND: A.Role.SECOND, R.ADJUDICATION: A.Role.ADJUDICATOR}

# --- Who assesses ----------------------------------------------------------------------------

# (username, first, last, assessor of, educator profile or None). Two assessors work in the city district, so
# conflict-of-interest rules keep them away from its teachers' submissions.
ASSESSORS = [
    ("assessor2", "Grace", "Nakamura", [content.BB, content.DP], None),
    ("assessor3", "Luis", "Romero", [content.BB, content.DP],
     {"district": content.CITY, "school": content.CITY_ELEM, "position": "coach", "career_stage": "experienced"}),
    ("assessor4", "Hannah", "Becker", [content.BB],
     {"district": content.CITY, "school": content.CITY_MIDDLE, "position": "teacher", "career_stage": "experienced"}),
    ("assessor5", "Tom", "Fischer", [content.BB, content.DP], None),
    ("assessor6", "Aisha", "Bello", [content.BB], None),
]
SENIOR = {"assessor", "assessor2"}  # may adjudicate
HARSH = "assessor5"                 # reads a little below the others: the reliability figures should show it
MISSES_BAR = ("assessor6", "interactive-read-aloud")  # stays "in training" on this MC

# MC → the organization its assessors score for. Every MC the earning demo submits to has a certified pool.
POOLS = {
    "teaching-phonics": content.BB,
    "interactive-read-aloud": content.BB,
    "maximizing-learning-through-classroom-routines": content.BB,
    "promoting-shared-values-and-expectations": content.BB,
    "modifying-instruction-through-formative-assessments-during-a-lesson": content.BB,
    "assessing-how-time-is-currently-used": content.DP,
}
# Synthetic submissions per MC: the first three carry enough double-scored pairs for the reliability figures.
VOLUME = {
    "teaching-phonics": 12,
    "interactive-read-aloud": 11,
    "maximizing-learning-through-classroom-routines": 10,
    "promoting-shared-values-and-expectations": 6,
    "modifying-instruction-through-formative-assessments-during-a-lesson": 4,
    "assessing-how-time-is-currently-used": 5,
}
# Left in the queue: (MC, submitted days ago, stage to stop at). Over 14 business days old = overdue.
LEFT_OPEN = [
    ("teaching-phonics", 33, R.FIRST),
    ("interactive-read-aloud", 27, R.FIRST),
    ("maximizing-learning-through-classroom-routines", 9, R.SECOND),
    ("promoting-shared-values-and-expectations", 2, R.FIRST),
]

EARNERS = [
    ("Aaliyah", "Brooks"), ("Ben", "Carver"), ("Carmen", "Diaz"), ("Devon", "Ellis"), ("Emily", "Foster"),
    ("Felix", "Grant"), ("Gabriela", "Hughes"), ("Henry", "Ibarra"), ("Imani", "Jensen"), ("Jacob", "Kowalski"),
    ("Keisha", "Lambert"), ("Liam", "Morales"), ("Mei", "Nguyen"), ("Nathan", "O'Brien"), ("Olivia", "Patel"),
    ("Pedro", "Quinn"), ("Rachel", "Stewart"), ("Samuel", "Tran"), ("Tasha", "Underwood"), ("Victor", "Walsh"),
]
SCHOOLS = [(content.RURAL, content.RURAL_ELEM), (content.RURAL, content.RURAL_HIGH),
           (content.CITY, content.CITY_ELEM), (content.CITY, content.CITY_MIDDLE)]

# --- Illustrative evidence ----------------------------------------------------------------------

STRONG = [
    "In my {grade} class of {n} students, {k} receive intervention support. I planned {name} before the lesson: I wrote "
    "out each step, decided where I would check every student's understanding, and prepared a quick regrouping plan. "
    "During the lesson I collected answers on whiteboards at three points and pulled {k} students for a five-minute "
    "reteach while the others practiced. Two of them caught up by the exit ticket.",
    "I chose {name} because my beginning-of-year data showed that {k} of my {n} students were not yet independent. "
    "I explained each component of the method to students in plain language, modeled it, and gave them guided "
    "practice with immediate feedback. The research in the resources matched what I saw: the students who had been "
    "quiet answered more often once the routine was predictable.",
    "Before: {k} of {n} students met the goal on my checklist. After three weeks of {name}: {m} of {n}. The students "
    "who moved most were the ones I met in a small group twice a week. I kept the student work samples and my notes "
    "from each lesson; the attached recording shows the second lesson of the sequence.",
]
WEAK = [
    "I use {name} in my class most days. The students like it and they are more engaged than before.",
    "I tried {name} with my {grade} class. It went well overall, although some students did not participate. "
    "Next time I will try it again.",
]
REFLECT_STRONG = ("The clearest change was in the {k} students who had been least engaged: on the exit tickets {m} of {n} "
                  "students met the goal, up from {k0}. Next I will keep the planned checkpoints, shorten my modeling, and "
                  "add a partner-talk step because the recording shows I did most of the talking in the middle of the lesson.")
REFLECT_WEAK = "The lesson went better than usual. I will keep doing it."

GRADES = ["kindergarten", "first-grade", "second-grade", "third-grade", "fourth-grade", "sixth-grade", "ninth-grade"]


def _text(template: str, *, name: str, rng: random.Random) -> str:
    n = rng.randint(18, 28)
    k = rng.randint(3, 7)
    return template.format(name=name, grade=rng.choice(GRADES), n=n, k=k, m=min(n, n - k + rng.randint(1, k)), k0=n - k - 3)


_PARTS: dict[int, list] = {}


def _parts(version: MicroCredentialVersion) -> list:
    """The version's parts with rubrics and prompts loaded once: the season reads them hundreds of times."""
    if version.pk not in _PARTS:
        _PARTS[version.pk] = list(version.parts.prefetch_related("rubric__criteria", "rubric__levels", "prompts"))
    return _PARTS[version.pk]


def _mc_name(version: MicroCredentialVersion) -> str:
    title = version.title
    return title[0].lower() + title[1:]


# --- Accounts ----------------------------------------------------------------------------------

def _orgs() -> dict[str, Organization]:
    return {o.slug: o for o in Organization.objects.all()}


def _assessors(orgs: dict[str, Organization]) -> dict[str, User]:
    people = {"assessor": User.objects.get(username="assessor")}
    for username, first, last, of, profile in ASSESSORS:
        user = User(username=username, first_name=first, last_name=last, email=f"{username}@demo.microcred.test")
        user.set_password(f"demo-{username}-2026")  # the same pattern as content.PEOPLE
        user.save()
        for slug in of:
            account_services.grant_role(user=user, organization=orgs[slug], role="assessor")
        if profile:
            fields = dict(profile, state=content.STATE, district=orgs[profile["district"]], school=orgs[profile["school"]])
            account_services.update_educator_profile(user=user, by=user, **fields)
        people[username] = user
    return people


def _earners(orgs: dict[str, Organization]) -> list[User]:
    earners = []
    for i, (first, last) in enumerate(EARNERS, start=1):
        district, school = SCHOOLS[i % len(SCHOOLS)]
        user = User(username=f"educator{i:02d}", first_name=first, last_name=last, email=f"educator{i:02d}@demo.microcred.test")
        user.set_unusable_password()  # nobody logs in as them; hashing 20 passwords would slow the seed
        user.save()
        for slug in (district, school):
            account_services.grant_role(user=user, organization=orgs[slug], role="earner")
        account_services.update_educator_profile(user=user, by=user, state=content.STATE, district=orgs[district], school=orgs[school],
                                                 position="teacher", career_stage="new" if i % 3 == 0 else "experienced",
                                                 license_number=f"TN-{700000 + i * 137:09d}")
        earners.append(user)
    return earners


def _issuer_admin(org: Organization) -> User:
    return User.objects.filter(memberships__organization=org, memberships__role="issuer_admin").order_by("pk").first()


# --- Pools, anchors, calibration -------------------------------------------------------------------

def _anchor_levels(version: MicroCredentialVersion, kind: str) -> dict[int, int]:
    """Agreed levels: "strong" passes everything; "borderline" misses one criterion of Part 2 by one level;
    "weak" misses Part 2 and is one level short in Part 3."""
    levels = {}
    for part in _parts(version):
        bar = part.rubric.passing_level
        for i, criterion in enumerate(part.rubric.criteria.all()):
            level = bar
            if kind == "borderline" and part.position == 2 and i == 0:
                level = bar - 1
            elif kind == "weak" and part.position == 2:
                level = 0
            elif kind == "weak" and part.position == 3:
                level = bar - 1
            levels[criterion.pk] = level
    return levels


def _anchor_snapshot(version: MicroCredentialVersion, kind: str, letter: str, rng: random.Random) -> dict:
    name = _mc_name(version)
    parts = []
    for part in _parts(version):
        good = kind == "strong" or (kind == "borderline" and part.position != 2) or (kind == "weak" and part.position == 1)
        evidence, quiz = [], None
        for prompt in part.prompts.all():
            if prompt.response_type == EvidenceType.QUIZ:
                choice = prompt.correct_choice or 0
                evidence.append({"kind": "quiz", "prompt_id": prompt.pk, "choice": choice, "correct": True})
                quiz = {"correct": 1, "total": 1}
            elif prompt.response_type in (EvidenceType.VIDEO, EvidenceType.FILE, EvidenceType.LINK):
                evidence.append({"kind": "link", "prompt_id": prompt.pk,
                                 "url": f"https://video.example.org/anchors/{version.micro_credential.slug}-{letter.lower()}"})
                summary = (f"Recording summary (anchor {letter}): a full lesson showing {name} with students; every step of the "
                           "method is visible, and the teacher acts on what students say." if good else
                           f"Recording summary (anchor {letter}): the lesson shows the activity, but the key steps of {name} are "
                           "not visible and students are rarely heard.")
                evidence.append({"kind": "written", "prompt_id": prompt.pk, "text": summary})
            else:
                kind_ = "reflection" if prompt.response_type == EvidenceType.REFLECTION else "written"
                if kind_ == "reflection":
                    text = _text(REFLECT_STRONG if good else REFLECT_WEAK, name=name, rng=rng)
                else:
                    text = _text(rng.choice(STRONG) if good else rng.choice(WEAK), name=name, rng=rng)
                evidence.append({"kind": kind_, "prompt_id": prompt.pk, "text": text})
        parts.append({"part_id": part.pk, "position": part.position, "locked": False, "evidence": evidence, "quiz": quiz})
    return {"version_id": version.pk, "parts": parts}


def _calibration_set(mc: MicroCredential, by: User, rng: random.Random) -> None:
    version = mc.current_version
    for letter, kind, title in (("A", "strong", "clear proficient evidence"), ("B", "borderline", "borderline: Part 2 one level short"),
                                ("C", "weak", "not yet: Part 2 and Part 3")):
        item = AnchorItem.objects.create(micro_credential=mc, version=version, title=f"Anchor {letter} — {title}",
                                         snapshot=_anchor_snapshot(version, kind, letter, rng), created_by=by)
        levels = _anchor_levels(version, kind)
        rows = []
        for part in _parts(version):
            by_position = {lvl.position: lvl for lvl in part.rubric.levels.all()}
            rows += [AnchorScore(item=item, criterion=c, level=by_position[levels[c.pk]]) for c in part.rubric.criteria.all()]
        AnchorScore.objects.bulk_create(rows)


def _calibrate(assessor: User, mc: MicroCredential, rng: random.Random) -> None:
    """Score the calibration set the way this assessor would: the anchors' levels, with a slip now and then."""
    misses = (assessor.username, mc.slug) == MISSES_BAR
    for assignment in services.start_calibration(assessor=assessor, micro_credential=mc):
        top = {c.pk: len(part.rubric.levels.all()) for part in _parts(assignment.anchor_item.version) for c in part.rubric.criteria.all()}
        anchors = {a.criterion_id: (a.level.position, top[a.criterion_id]) for a in assignment.anchor_item.anchor_scores.select_related("level")}
        levels = {}
        for i, (criterion_id, (level, n)) in enumerate(sorted(anchors.items())):
            slip = (misses and i % 3 == 0) or (not misses and rng.random() < 0.02)
            levels[criterion_id] = (level + 1 if level < n - 1 else level - 1) if slip else level
        services.submit_scores(assignment=assignment, by=assessor, levels=levels)


# --- Scoring model ---------------------------------------------------------------------------------

@dataclass
class Work:
    """One synthetic submission and its latent quality, so every reader scores the same underlying work."""

    attempt: Attempt
    submitted_days_ago: float
    strong: bool
    stop_at: str | None = None
    truth: dict[int, float] = field(default_factory=dict)
    review: Review | None = None


def _truth(version: MicroCredentialVersion, strong: bool, rng: random.Random) -> dict[int, float]:
    # Latent quality per criterion: above 0 is the passing level, below -1.2 the lowest of a 3-level scale.
    mean = 1.6 if strong else -0.2
    return {c.pk: mean + rng.gauss(0, 0.5) for part in _parts(version) for c in part.rubric.criteria.all()}


def _read(truth: dict[int, float], version: MicroCredentialVersion, assessor: User, role: str, rng: random.Random) -> dict[int, int]:
    """A reader's levels: the latent quality seen through their own noise (and, for one assessor, a harsher eye)."""
    bias = -0.5 if assessor.username == HARSH else 0.0
    spread = 0.25 if role == A.Role.ADJUDICATOR else 0.45
    levels = {}
    for part in _parts(version):
        top = len(part.rubric.levels.all()) - 1
        for c in part.rubric.criteria.all():
            seen = truth[c.pk] + bias + rng.gauss(0, spread)
            levels[c.pk] = top if seen > 0 else (max(top - 1, 0) if seen > -1.2 else 0)
    return levels


def _feedback(version: MicroCredentialVersion, levels: dict[int, int], locked: set[int]) -> dict[int, str]:
    notes = {}
    for part in _parts(version):
        if part.pk in locked:
            continue
        short = [c for c in part.rubric.criteria.all() if c.pk in levels and levels[c.pk] < part.rubric.passing_level]
        if short:
            notes[part.pk] = " ".join(f"Not yet for “{c.title}”: {c.description} Show it with your own students — a short clip "
                                      "or student work with your notes on what you changed." for c in short)
    return notes


def score_review(review: Review, *, levels_for, stop_at: str | None = None, part_feedback=None, comments=None) -> Review:
    """Score whatever assignment is live for each stage until the review is decided, reaches `stop_at`, or has
    nobody eligible (then it waits in the queue). `levels_for(assignment)` gives that reader's levels;
    `part_feedback` is a {part id: text} dict or a function of (assignment, levels)."""
    while True:
        review.refresh_from_db()
        if review.stage not in OPEN_STAGES or review.stage == stop_at:
            return review
        assignment = review.assignments.filter(role=ROLE_FOR_STAGE[review.stage], state=A.State.ASSIGNED).select_related("assessor").first()
        if assignment is None:
            return review
        levels = levels_for(assignment)
        notes = part_feedback(assignment, levels) if callable(part_feedback) else (part_feedback or {})
        services.submit_scores(assignment=assignment, by=assignment.assessor, levels=levels, part_feedback=notes, comments=comments)


def _answer(attempt: Attempt, earner: User, strong: bool, rng: random.Random) -> None:
    name = _mc_name(attempt.version)
    locked = set(attempt.responses.filter(locked=True).values_list("part_id", flat=True))
    for part in _parts(attempt.version):
        if part.pk in locked:
            continue
        for prompt in part.prompts.all():
            if prompt.response_type == EvidenceType.QUIZ:
                correct = prompt.correct_choice or 0
                choice = correct if strong or rng.random() < 0.5 else (correct + 1) % max(len(prompt.choices), 1)
                earning_services.save_answer(attempt=attempt, by=earner, prompt=prompt, choice=choice)
            elif prompt.response_type in (EvidenceType.VIDEO, EvidenceType.FILE, EvidenceType.LINK):
                earning_services.save_answer(attempt=attempt, by=earner, prompt=prompt,
                                             url=f"https://video.example.org/{earner.username}/{attempt.micro_credential.slug}-{part.position}")
            elif prompt.response_type == EvidenceType.REFLECTION:
                earning_services.save_answer(attempt=attempt, by=earner, prompt=prompt,
                                             text=_text(REFLECT_STRONG if strong else REFLECT_WEAK, name=name, rng=rng))
            else:
                earning_services.save_answer(attempt=attempt, by=earner, prompt=prompt,
                                             text=_text(rng.choice(STRONG) if strong else rng.choice(WEAK), name=name, rng=rng))


def _submit(work: Work, rng: random.Random) -> None:
    attempt, earner = work.attempt, work.attempt.earner
    _answer(attempt, earner, work.strong, rng)
    earning_services.confirm_privacy(attempt=attempt, by=earner)
    earning_services.submit_attempt(attempt=attempt, by=earner)
    # In the demo, tasks wait for a worker; opening the review here is what that task would do (idempotent).
    work.review = services.open_review(submission=attempt.submissions.order_by("-number").first())


def _plan(earners: list[User], mcs: dict[str, MicroCredential], rng: random.Random) -> list[tuple[User, MicroCredential]]:
    """Spread the VOLUME of submissions over the earners: up to three MCs each, never the same MC twice, only MCs
    they may see (a members-only MC is for its district's teachers)."""
    taken: dict[int, set[str]] = {e.pk: set() for e in earners}
    order = list(earners)
    rng.shuffle(order)
    plan, cursor = [], 0
    for slug, count in VOLUME.items():
        placed = 0
        while placed < count:
            earner = order[cursor % len(order)]
            cursor += 1
            if slug in taken[earner.pk] or len(taken[earner.pk]) >= 3 or not catalog_selectors.can_view(earner, mcs[slug]):
                continue
            taken[earner.pk].add(slug)
            plan.append((earner, mcs[slug]))
            placed += 1
    return plan


# --- History -------------------------------------------------------------------------------------

def _backdate(review: Review, submitted_at: dt.datetime, rng: random.Random) -> None:
    """Move one review's timeline back: submitted, then each reader a few days after the last."""
    submission = review.submission
    turnaround = services.issuer_policy(review.micro_credential).turnaround_business_days
    Submission.objects.filter(pk=submission.pk).update(submitted_at=submitted_at)
    Review.objects.filter(pk=review.pk).update(created_at=submitted_at, due_at=services.add_business_days(submitted_at, turnaround))
    cursor = submitted_at + dt.timedelta(hours=rng.randint(1, 20))
    for assignment in review.assignments.order_by("id"):
        if assignment.state != A.State.SCORED:
            A.objects.filter(pk=assignment.pk).update(assigned_at=cursor)
            continue
        scored = cursor + dt.timedelta(days=rng.randint(1, 4), hours=rng.randint(0, 8))
        A.objects.filter(pk=assignment.pk).update(assigned_at=cursor, scored_at=scored)
        Score.objects.filter(assignment=assignment).update(scored_at=scored)
        cursor = scored
    attempt_fields = {"submitted_at": submitted_at}
    if review.stage == R.DECIDED:
        Review.objects.filter(pk=review.pk).update(decided_at=cursor)
        Decision.objects.filter(submission=submission).update(decided_at=cursor)
        attempt_fields["decided_at"] = cursor
    if submission.number == 1:
        attempt_fields["started_at"] = submitted_at - dt.timedelta(days=rng.randint(5, 20))
    Attempt.objects.filter(pk=submission.attempt_id).update(**attempt_fields)


def _backdate_certifications(now: dt.datetime) -> None:
    certified_on = now - dt.timedelta(days=130)
    pooled = Qualification.objects.filter(micro_credential__slug__in=POOLS, calibration_started_at__isnull=False)
    for q in pooled.select_related("micro_credential__scoring_policy"):
        fields = {"calibration_started_at": certified_on - dt.timedelta(days=2)}
        if q.status == Qualification.Status.CERTIFIED:
            valid = dt.timedelta(days=q.micro_credential.scoring_policy.certification_valid_days)
            fields.update(certified_at=certified_on, expires_at=certified_on + valid)
        Qualification.objects.filter(pk=q.pk).update(**fields)
        A.objects.filter(assessor=q.assessor, role=A.Role.CALIBRATION, anchor_item__micro_credential=q.micro_credential) \
            .update(assigned_at=certified_on - dt.timedelta(days=2), scored_at=certified_on - dt.timedelta(days=1))


# --- The whole season ---------------------------------------------------------------------------------

def load_assessment_demo() -> None:
    """Pools, calibration and a season of scored work. Runs once: a later run finds the synthetic earners and stops."""
    if User.objects.filter(username="educator01").exists() or not User.objects.filter(username="assessor").exists():
        return
    rng = random.Random(2026)
    now = timezone.now()
    _PARTS.clear()
    orgs = _orgs()
    assessors = _assessors(orgs)
    mcs = {m.slug: m for m in MicroCredential.objects.filter(slug__in=POOLS).select_related("current_version")}

    for slug, org_slug in POOLS.items():
        mc, org = mcs[slug], orgs[org_slug]
        admin = _issuer_admin(mc.owner)
        _calibration_set(mc, admin, rng)
        for username, user in assessors.items():
            if user.memberships.filter(organization=org, role="assessor").exists():
                services.add_to_pool(assessor=user, micro_credential=mc, organization=org, by=admin, senior=username in SENIOR)
                _calibrate(user, mc, rng)
    _backdate_certifications(now)

    earners = _earners(orgs)
    plan = _plan(earners, mcs, rng)
    season = []
    for earner, mc in plan:
        attempt = earning_services.start_attempt(earner=earner, micro_credential=mc)
        season.append(Work(attempt=attempt, submitted_days_ago=rng.uniform(12, 110), strong=rng.random() < 0.8))
    for slug, days_ago, stop_at in LEFT_OPEN:
        work = next(w for w in reversed(season) if w.attempt.micro_credential.slug == slug)
        work.submitted_days_ago, work.stop_at, work.strong = days_ago, stop_at, True
    season.sort(key=lambda w: -w.submitted_days_ago)

    # Submit everything first, as a season's queue fills; then the readers work through it in order.
    for work in season:
        work.truth = _truth(work.attempt.version, work.strong, rng)
        _submit(work, rng)
    for work in season:
        _score(work, rng)

    # A few "not yet" earners revise and resubmit about three weeks later; only the parts that did not pass are re-scored.
    resubmitted = []
    for work in season:
        if len(resubmitted) == 3:
            break
        work.attempt.refresh_from_db()
        if work.attempt.state == Attempt.State.NOT_YET and work.submitted_days_ago > 40:
            again = Work(attempt=work.attempt, submitted_days_ago=work.submitted_days_ago - 21, strong=True)
            again.truth = _truth(work.attempt.version, True, rng)
            _submit(again, rng)
            _score(again, rng)
            resubmitted.append(again)

    for work in season + resubmitted:
        _backdate(work.review, now - dt.timedelta(days=work.submitted_days_ago), rng)
    _cover_featured(orgs, assessors, rng)  # last: the season above draws the same random numbers as before


# The English-learner MC the home page features (issue 15: its pool was empty, so teachers submitted into a void)
# gets certified assessors of its own. The in-review SIOP MC of the same issuer keeps no assessors and no anchors:
# publishing it shows the coverage warning (docs/decisions/0019-assessor-coverage.md).
FEATURED_POOL = ("helping-students-clarify-and-support-their-ideas", content.UNIV, ("assessor2", "assessor3"))


def _cover_featured(orgs: dict[str, Organization], assessors: dict[str, User], rng: random.Random) -> None:
    slug, org_slug, usernames = FEATURED_POOL
    mc = MicroCredential.objects.filter(slug=slug).select_related("current_version").first()
    if mc is None or mc.current_version is None:
        return
    org = orgs[org_slug]
    admin = User.objects.filter(memberships__role="platform_admin").order_by("pk").first()  # the issuer has no admin here
    _calibration_set(mc, admin, rng)
    for username in usernames:
        user = assessors[username]
        account_services.grant_role(user=user, organization=org, role="assessor")
        services.add_to_pool(assessor=user, micro_credential=mc, organization=org, by=admin, senior=True)
        _calibrate(user, mc, rng)


def _score(work: Work, rng: random.Random) -> None:
    version = work.attempt.version
    locked = {p["part_id"] for p in work.review.submission.snapshot["parts"] if p["locked"]}
    score_review(work.review, stop_at=work.stop_at,
                 levels_for=lambda a: _read(work.truth, version, a.assessor, a.role, rng),
                 part_feedback=lambda a, levels: _feedback(version, levels, locked))
