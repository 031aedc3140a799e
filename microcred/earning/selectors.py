"""Every non-trivial read of earning: who may see an attempt, the earner's home, recommendations."""
from __future__ import annotations

import hashlib

from django.core.cache import cache
from django.core.paginator import Page, Paginator
from django.db.models import Prefetch, QuerySet, prefetch_related_objects
from django.http import Http404
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from microcred.accounts import policy
from microcred.accounts.models import Membership
from microcred.accounts.selectors import PEOPLE
from microcred.catalog.models import Part
from microcred.core.cache import Generation, spread

from .models import Attempt, CoachAssignment, CredentialStanding, Cohort, Evidence, EvidenceFile, Notification, PartResponse, Submission


# Who may see an attempt is the policy's rule; kept here under its old name for the selectors below and callers.
can_view_attempt = policy.can_view_attempt


def own_attempt(*, user, attempt_id: int, with_related: bool = True) -> Attempt:
    """One of this person's own attempts (to change it), or 404 (a coach who may read it may not change it).
    ``with_related=False`` reads the attempt's own row only: the autosave, many a minute per earner, takes its
    version from the kept content and needs nothing else."""
    attempt = attempt_for(user=user, attempt_id=attempt_id, with_related=with_related)
    if attempt.earner_id != user.pk:
        raise Http404("No such attempt.")
    return attempt


def attempt_for(*, user, attempt_id: int, with_related: bool = True) -> Attempt:
    """An attempt this person may see, or 404 (never 403: nothing about others' attempts leaks). ``with_related``:
    its version, MC, earner and credential standing come along (the standing is a reverse one-to-one: absent is
    known without a query)."""
    attempts = Attempt.objects.filter(pk=attempt_id)
    if with_related:
        attempts = attempts.select_related("version", "micro_credential", "earner", "credential_standing")
    attempt = attempts.first()
    if attempt is None or not can_view_attempt(user, attempt):
        raise Http404("No such attempt.")
    return attempt


def attempt_for_display(*, user, attempt_id: int, language: str | None) -> Attempt:
    """As attempt_for, with the version as kept for display in ``language`` (catalog.selectors.version_for_display:
    parts, prompts and rubric already loaded and localized) and its MC: neither is read again with the attempt.
    Shared by every request of the process that shows it: never changed, never saved."""
    attempt = Attempt.objects.filter(pk=attempt_id).select_related("earner", "credential_standing").first()
    if attempt is None or not can_view_attempt(user, attempt):
        raise Http404("No such attempt.")
    return _with_display_version(attempt, language)


def _with_display_version(attempt: Attempt, language: str | None) -> Attempt:
    """``attempt`` showing its version as kept for display in ``language``, and that version's MC."""
    from microcred.catalog.selectors import version_for_display

    attempt.version = version_for_display(attempt.version_id, language)
    attempt.micro_credential = attempt.version.micro_credential
    return attempt


_evidence_viewers: list = []


def register_evidence_viewer(check) -> None:
    """Higher apps (assessment) add who else may download a file, e.g. the assessor assigned to it."""
    if check not in _evidence_viewers:
        _evidence_viewers.append(check)


def can_view_evidence_file(user, evidence_file: EvidenceFile) -> bool:
    """Whoever may see an attempt that uses the file (the uploader always), or a registered viewer rule."""
    if not getattr(user, "is_authenticated", False):
        return False
    if evidence_file.owner_id == user.pk or policy.is_platform_admin(user):
        return True
    attempts = Attempt.objects.filter(responses__evidence__file=evidence_file).distinct()
    if any(can_view_attempt(user, a) for a in attempts):
        return True
    return any(check(user, evidence_file) for check in _evidence_viewers)


def neutral_file_name(file_id, name: str) -> str:
    """A name that says nothing about who uploaded it (blind assessment): evidence-<id><extension>."""
    import os

    ext = os.path.splitext(name or "")[1].lower()[:10]
    return f"evidence-{str(file_id)[:8]}{ext}"


def file_name_for(user, evidence_file: EvidenceFile) -> str:
    """The original name for the earner and whoever may see the attempt; a neutral one for anyone else (assessors)."""
    if getattr(user, "pk", None) == evidence_file.owner_id or policy.is_platform_admin(user):
        return evidence_file.original_name
    attempts = Attempt.objects.filter(responses__evidence__file=evidence_file).distinct()
    if any(can_view_attempt(user, a) for a in attempts):
        return evidence_file.original_name
    return neutral_file_name(evidence_file.pk, evidence_file.original_name)


def attempts_for_earner(earner) -> QuerySet[Attempt]:
    return (Attempt.objects.filter(earner=earner).select_related("version", "micro_credential", "credential_standing")
            .prefetch_related(Prefetch("responses", queryset=PartResponse.objects.select_related("part").prefetch_related("evidence")),
                              Prefetch("submissions", queryset=Submission.objects.select_related("decision"))))


OPEN_STATES = (Attempt.State.DRAFT, Attempt.State.SUBMITTED, Attempt.State.NOT_YET)
EARNED_ON_HOME = 10  # the most recent earned MCs on "My MCs"; all of them are on the paginated "Earned" page
EARNED_PAGE_SIZE = 50


def open_attempts_for_earner(earner, language: str | None = None) -> list[Attempt]:
    """The earner's attempts still in play (draft, submitted, not yet) for "My MCs", newest first, with what the
    page shows of them. Earned ones are read a page at a time (earned_attempts): an earner may hold hundreds.

    Each attempt's version is the copy kept for display in ``language`` (catalog.selectors.version_for_display):
    its parts, prompts and evidence types are already there, so the page reads only the attempts and their answers
    (three queries however many drafts), and the versions are already in the reader's language. They are shared by
    every request of the process: never changed, never saved."""
    attempts = list(Attempt.objects.filter(earner=earner, state__in=OPEN_STATES)
                    .prefetch_related(Prefetch("responses", queryset=PartResponse.objects.prefetch_related("evidence"))))
    for attempt in attempts:
        _with_display_version(attempt, language)
        parts = {part.pk: part for part in attempt.version.parts.all()}
        for response in attempt.responses.all():
            if response.part_id in parts:
                response.part = parts[response.part_id]
    return attempts


def _earned(earner) -> QuerySet[Attempt]:
    return Attempt.objects.filter(earner=earner, state=Attempt.State.EARNED).order_by("-updated_at", "-pk")


def _earned_rows_of(ids: list[int]) -> list[Attempt]:
    """The attempts ``ids``, in that order, with the credential's standing and only the version's fields the lists
    show (not its stored JSON documents). Reading the page's ids first lets the database sort narrow rows and join
    only the few shown, not every earned attempt."""
    found = (Attempt.objects.filter(pk__in=ids).select_related("version", "credential_standing")
             .only("id", "earner_id", "version_id", "micro_credential_id", "state", "updated_at", "decided_at",
                   "version__id", "version__micro_credential_id", "version__number", "version__title", "version__competency",
                   "credential_standing__id", "credential_standing__attempt_id", "credential_standing__credential_id",
                   "credential_standing__url", "credential_standing__state", "credential_standing__changed_at",
                   "credential_standing__reason")
             .in_bulk(ids))
    return [found[pk] for pk in ids if pk in found]


def recent_earned(earner, limit: int = EARNED_ON_HOME) -> tuple[list[Attempt], int]:
    """The earner's ``limit`` most recently changed earned attempts, and how many they earned in all."""
    qs = _earned(earner)
    return _earned_rows_of(list(qs.values_list("pk", flat=True)[:limit])), qs.count()


def earned_page(earner, number) -> Page:
    """One page (EARNED_PAGE_SIZE) of the earner's earned attempts, most recently changed first (a stable order).
    ``number`` is whatever the request said: not a number gives the first page, beyond the last the last one."""
    page = Paginator(_earned(earner).values_list("pk", flat=True), EARNED_PAGE_SIZE).get_page(number)
    page.object_list = _earned_rows_of(list(page.object_list))
    return page


def earned_micro_credential_ids(user) -> set[int]:
    """MCs this person has earned (any version) and whose credential was not revoked: feeds stack and pathway
    progress on "My MCs" and in the catalog. A suspended credential still counts (the suspension can be lifted)."""
    if not getattr(user, "is_authenticated", False):
        return set()
    return set(Attempt.objects.filter(earner=user, state=Attempt.State.EARNED)
               .exclude(credential_standing__state=CredentialStanding.State.REVOKED)
               .values_list("micro_credential_id", flat=True))


def credential_standing_of(attempt: Attempt) -> CredentialStanding | None:
    """The standing of the credential issued for the attempt (recorded by the credentials app), or None."""
    try:
        return attempt.credential_standing
    except CredentialStanding.DoesNotExist:
        return None


def earned_rows(attempts) -> list[dict]:
    """Earned attempts for "My MCs", each with its credential's standing: "active" (or "pending" while the
    credential is being issued), "suspended" or "revoked", and the credential's page when there is one."""
    rows = []
    for attempt in attempts:
        standing = credential_standing_of(attempt)
        rows.append({"attempt": attempt, "standing": standing,
                     "state": standing.state if standing else "pending"})
    return rows


def notification_count_label(count: int) -> str:
    """The real number of unread notices, as shown by the link ("12"), or "99+" beyond 99."""
    return "99+" if count > 99 else str(count)


def open_attempt(earner, micro_credential) -> Attempt | None:
    return Attempt.objects.filter(earner=earner, micro_credential=micro_credential,
                                  state__in=[Attempt.State.DRAFT, Attempt.State.SUBMITTED, Attempt.State.NOT_YET]).first()


def missing_for_part(part: Part, response: PartResponse | None) -> list[str]:
    """What still has to be answered in a part before it can be submitted."""
    if response is not None and response.locked:
        return []
    evidence = list(response.evidence.all()) if response is not None else []
    by_prompt: dict[int | None, list[Evidence]] = {}
    for e in evidence:
        by_prompt.setdefault(e.prompt_id, []).append(e)
    missing = []
    for prompt in part.prompts.all():
        if not by_prompt.get(prompt.pk):
            missing.append(_("Answer: “%(prompt)s”") % {"prompt": prompt.text[:80]})
    if not part.prompts.exists() and not evidence:
        missing.append(_("Add evidence for this part"))
    return missing


def _parts_of(version) -> list:
    """The version's parts with prompts and evidence types: the ones already loaded (and perhaps localized for the
    reader, catalog.selectors.version_for_display) when the page loaded them, else one prefetching query."""
    if "parts" in getattr(version, "_prefetched_objects_cache", {}):
        return list(version.parts.all())
    return list(version.parts.prefetch_related("prompts", "evidence_types").all())


def part_states(attempt: Attempt) -> list[dict]:
    """Per part: what is there, what is missing, and whether it is locked (passed earlier)."""
    loaded = "responses" in getattr(attempt, "_prefetched_objects_cache", {})
    responses = {r.part_id: r for r in (attempt.responses.all() if loaded else attempt.responses.prefetch_related("evidence"))}
    out = []
    for part in _parts_of(attempt.version):
        response = responses.get(part.pk)
        missing = missing_for_part(part, response)
        if response and response.locked:
            state = "passed"
        elif attempt.state == Attempt.State.NOT_YET:
            state = "revise"  # a "not yet" sends back exactly the parts that are not locked: never badge them Complete
        else:
            state = "complete" if not missing else ("started" if response and response.evidence.all() else "empty")
        out.append({"part": part, "response": response, "missing": missing, "state": state})
    return out


# Who knows an issuer's turnaround promise lives above earning (assessment's IssuerPolicy): it registers a source
# here when it starts, so earning shows the issuer's own promise without importing upwards.
_turnaround_sources: list = []


def register_turnaround_source(source) -> None:
    """``source(version)`` → the issuing organization's promised working days, or None if it has none."""
    if source not in _turnaround_sources:
        _turnaround_sources.append(source)


def turnaround_days(attempt: Attempt | None = None) -> int:
    """How many working days assessors usually take to decide, promised on every attempt page: the issuer's own
    promise where it has one (assessment's IssuerPolicy), else the setting MICROCRED_ASSESSMENT_TURNAROUND_DAYS."""
    from django.conf import settings

    if attempt is not None:
        for source in _turnaround_sources:
            days = source(attempt.version)
            if days:
                return int(days)
    return int(getattr(settings, "MICROCRED_ASSESSMENT_TURNAROUND_DAYS", 14))


def prompt_of(version, prompt_id: int):
    """One of the version's prompts (from the parts the page loaded), with its part; 404 when it is not this
    version's."""
    for part in _parts_of(version):
        for prompt in part.prompts.all():
            if prompt.pk == prompt_id:
                prompt.part = part
                return prompt
    raise Http404("No such question.")


def part_state(attempt: Attempt, part_id: int) -> dict | None:
    """One part's state (as part_states), for the status the autosave response updates in place."""
    return next((s for s in part_states(attempt) if s["part"].pk == part_id), None)


def submit_problems(attempt: Attempt, errors: dict[str, list[str]]) -> list[dict]:
    """A failed submit as one error summary: each problem with the place on the page it is about (a part, the
    privacy confirmation, the submit section), in page order. ``errors`` is the ValidationError's message dict."""
    problems = []
    for key in ("privacy", "window", "coach"):
        for message in errors.get(key, []):
            problems.append({"href": "#privacy" if key == "privacy" else "#submit", "text": message})
    if errors.get("parts"):
        for st in part_states(attempt):
            for message in st["missing"]:
                problems.append({"href": f"#part-{st['part'].position}",
                                 "text": f"{st['part'].title}: {message}", "part": st["part"].position})
    for key, messages in errors.items():
        if key not in ("privacy", "window", "coach", "parts"):
            problems += [{"href": "#submit", "text": m} for m in messages]
    return problems


def unread_notifications(user) -> QuerySet[Notification]:
    return Notification.objects.filter(user=user, read_at__isnull=True, shown_in_app=True)


def shared_attempts_for_coach(coach) -> QuerySet[Attempt]:
    earners = CoachAssignment.objects.filter(coach=coach, active=True).values("earner")
    return Attempt.objects.filter(earner__in=earners, shared_with_coach=True).select_related("earner", "version")


def evidence_of(attempt: Attempt) -> QuerySet[Evidence]:
    return Evidence.objects.filter(response__attempt=attempt).select_related("file", "prompt", "response__part")




def latest_feedback(attempts: list[Attempt]) -> dict[int, list]:
    """Per attempt (by id): the part feedback of its latest decision, parts in order; two queries however many
    attempts. Each feedback's part is taken from the attempt's version as the page loaded it (already in the
    reader's language) where it is there."""
    from .models import Decision, PartFeedback

    latest: dict[int, tuple] = {}
    for pk, attempt_id, decided_at in (Decision.objects.filter(submission__attempt__in=[a.pk for a in attempts])
                                       .values_list("pk", "submission__attempt_id", "decided_at")):
        if attempt_id not in latest or (decided_at, pk) > latest[attempt_id]:
            latest[attempt_id] = (decided_at, pk)
    feedback: dict[int, list] = {a.pk: [] for a in attempts}
    if not latest:
        return feedback
    attempt_of = {pk: attempt_id for attempt_id, (_at, pk) in latest.items()}
    parts = {part.pk: part for a in attempts for part in a.version.parts.all()}
    for f in PartFeedback.objects.filter(decision_id__in=attempt_of).order_by("part__position", "pk"):
        if f.part_id in parts:
            f.part = parts[f.part_id]
        feedback[attempt_of[f.decision_id]].append(f)
    return feedback


def rubric_asides(version) -> dict[int, str]:
    """Each part's rubric as shown beside the earner's work on the attempt page (earning/_rubric_aside.html), by part
    id, in the active language. It is the same for every earner of the version, so it is drawn once per process and
    language and kept as the version's content is (catalog.selectors.version_for_display): any change to the catalog
    retires both. ``version`` is the version as kept for display in that language."""
    from django.template.loader import render_to_string
    from django.utils.safestring import mark_safe

    from microcred.catalog.selectors import VERSION_CONTENT, VERSION_CONTENT_SECONDS, parts_with_rubrics
    from microcred.core.cache import remembered_object

    def draw() -> dict[int, str]:
        return {r["part"].pk: mark_safe(render_to_string("earning/_rubric_aside.html", {"r": r}))
                for r in parts_with_rubrics(version) if r["rubric"] is not None}

    return remembered_object(VERSION_CONTENT, f"rubric asides {version.pk} shown in {get_language()}", draw,
                             timeout=VERSION_CONTENT_SECONDS)


def _load_answers(attempt: Attempt) -> None:
    """The attempt's responses with their evidence and files, in two queries, once for everything the page asks."""
    if "responses" not in getattr(attempt, "_prefetched_objects_cache", {}):
        prefetch_related_objects([attempt], Prefetch("responses", queryset=PartResponse.objects.prefetch_related(
            Prefetch("evidence", queryset=Evidence.objects.select_related("file")))))


def attempt_workspace(attempt: Attempt) -> list[dict]:
    """Each part with its prompts, the earner's current answers per prompt, what is missing, and its state."""
    _load_answers(attempt)
    states = {s["part"].pk: s for s in part_states(attempt)}
    evidence = [e for response in attempt.responses.all() for e in response.evidence.all()]
    out = []
    for part in _parts_of(attempt.version):
        state = states[part.pk]
        prompts = []
        for prompt in part.prompts.all():
            items = [e for e in evidence if e.prompt_id == prompt.pk]
            prompts.append({"prompt": prompt, "items": items,
                            "text": next((e.text for e in items if e.kind in ("written", "reflection")), ""),
                            "url": next((e.url for e in items if e.kind == "link"), ""),
                            "choice": next((e.choice for e in items if e.kind == "quiz"), None),
                            "files": [e for e in items if e.file_id],
                            "accepts_files": bool({"video", "file"} & set(part.evidence_type_values)),
                            "accepts_links": bool({"video", "file", "link"} & set(part.evidence_type_values))})
        out.append({"part": part, "prompts": prompts, "missing": state["missing"], "state": state["state"],
                    "locked": state["state"] == "passed"})
    return out


def abandon_deletes(attempt: Attempt, *, ever_submitted: bool | None = None) -> bool:
    """What abandoning the attempt does: an unsubmitted draft is deleted with its evidence; anything that was
    ever submitted is closed and its history kept. Asked by the service, the view and the page alike (the page
    passes ``ever_submitted`` from the history it already read)."""
    if attempt.state != Attempt.State.DRAFT:
        return False
    return not (attempt.submissions.exists() if ever_submitted is None else ever_submitted)


def submission_history(attempt: Attempt) -> list[dict]:
    """Every submission with its decision and feedback, newest first. No assessor identity is included."""
    from .models import Submission

    rows = []
    for submission in Submission.objects.filter(attempt=attempt).select_related("decision").order_by("-number"):
        decision = getattr(submission, "decision", None)
        feedback, criteria = [], []
        if decision is not None:
            feedback = list(decision.part_feedback.select_related("part"))
            criteria = list(decision.criterion_results.select_related("criterion", "level", "criterion__rubric__part"))
        quiz = [p["quiz"] for p in submission.snapshot.get("parts", []) if p.get("quiz")]
        rows.append({"submission": submission, "decision": decision, "feedback": feedback, "criteria": criteria,
                     "quiz_correct": sum(q["correct"] for q in quiz), "quiz_total": sum(q["total"] for q in quiz)})
    return rows


def stack_progress_for(user) -> list[dict]:
    """Stacks in which this person has earned at least one MC, with progress."""
    from microcred.catalog.models import Stack
    from microcred.catalog.selectors import stack_progress_many

    earned = earned_micro_credential_ids(user)
    # Every earned MC was started: a subquery, not a list of hundreds of ids sent back to the database.
    started = Attempt.objects.filter(earner=user).values("micro_credential_id")
    stacks = Stack.objects.filter(state=Stack.State.PUBLISHED, items__micro_credential__in=started).distinct()
    stacks = list(stacks)
    return [{"stack": s, "progress": p} for s, p in zip(stacks, stack_progress_many(stacks, earned))]


# Growth plans, their items and organizations' priorities: the earner's home guidance is kept under it (decision 0050).
GUIDANCE = Generation("earner-guidance")
GUIDANCE_SECONDS = 300


def home_guidance(earner, *, open_attempts: list[Attempt], recent: list[Attempt], earned_count: int,
                  limit: int = 6) -> tuple[list[dict], list[dict]]:
    """What the earner's home suggests next (plans.recommendations) and their stacks' progress, kept per earner.

    Both read the whole catalog and the earner's history, plans and places, and change far less often than the
    home page is drawn. The kept copy is named by everything it was computed from: the earner's attempts as the
    page already read them (any start, submission, decision, earning or abandoning changes the open ones, the
    earned count or the most recent earned), the reader's language, and the generations of the catalog, of the
    versions' content, of people and places (accounts.selectors.PEOPLE) and of plans and priorities (GUIDANCE).
    Coverage ("no assessors yet") is read fresh: assessors' certifications come and go on their own."""
    from microcred.catalog.coverage import coverage_for
    from microcred.catalog.selectors import CATALOG, VERSION_CONTENT

    from . import plans

    named_by = (earner.pk, get_language(), limit, earned_count, CATALOG.current(), VERSION_CONTENT.current(),
                PEOPLE.current(), GUIDANCE.current(),
                tuple((a.pk, a.state, a.updated_at.isoformat()) for a in open_attempts),
                tuple((a.pk, a.updated_at.isoformat()) for a in recent))
    key = "microcred:earner-guidance:" + hashlib.blake2b(repr(named_by).encode(), digest_size=16).hexdigest()
    kept = cache.get(key)
    if kept is None:
        kept = (plans.recommendations(earner=earner, limit=limit, with_coverage=False), stack_progress_for(earner))
        cache.set(key, kept, spread(GUIDANCE_SECONDS))
    recommended, stacks = kept
    coverage = coverage_for(r["version"].pk for r in recommended)
    for r in recommended:
        r["coverage"] = coverage.get(r["version"].pk, r.get("coverage"))
    return recommended, stacks


def coachees_of(coach):
    return CoachAssignment.objects.filter(coach=coach, active=True).select_related("earner")


# --- people admins (issue 14): coaches and cohorts within the organizations an admin manages ---------------------

def coaching_within(person, organization_ids: set[int] | None) -> dict[str, list[CoachAssignment]]:
    """``person``'s active coaches and coachees who belong to one of ``organization_ids`` (None: any): the coaching
    relationships a people admin of those organizations sees. Two queries."""
    coaches = CoachAssignment.objects.filter(earner=person, active=True).select_related("coach").order_by("coach__last_name", "coach_id")
    coachees = CoachAssignment.objects.filter(coach=person, active=True).select_related("earner").order_by("earner__last_name", "earner_id")
    if organization_ids is not None:
        coaches = coaches.filter(coach__in=_members_of(organization_ids))
        coachees = coachees.filter(earner__in=_members_of(organization_ids))
    return {"coaches": list(coaches), "coachees": list(coachees)}


def _members_of(organization_ids):
    return Membership.objects.filter(organization_id__in=organization_ids).values("user_id")


def cohorts_within(organization_ids: set[int] | None) -> QuerySet[Cohort]:
    """The cohorts of ``organization_ids`` (None: every cohort), by organization and name."""
    cohorts = Cohort.objects.select_related("organization").order_by("organization__name", "name", "pk")
    return cohorts if organization_ids is None else cohorts.filter(organization_id__in=organization_ids)


def cohorts_of(person, organization_ids: set[int] | None) -> QuerySet[Cohort]:
    """The cohorts ``person`` belongs to among those of ``organization_ids``."""
    return cohorts_within(organization_ids).filter(members=person)
