"""The quality part of the demo world (issue 16): two certified quality reviewers from outside the issuers — one of
Highland State University, one on the state's QA panel — have reviewed three BloomBoard MCs: one approved, one
approved with conditions, one sent back for revision. "FAFSA basics", a one-part quiz-only MC with no research, is
published but refused before quality review with the reasons (its quality page shows them). ILLUSTRATIVE.
Idempotent: looks everything up by username and slug."""
from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction

from microcred.accounts.models import Organization, User
from microcred.catalog import services as catalog
from microcred.catalog.models import MicroCredential
from microcred.quality import services
from microcred.quality.models import QualityReview, QualityReviewer

from . import content

REVIEWERS = [("qa_reviewer", "Nadia", "Osei", content.UNIV, False), ("qa_panel", "Robert", "Haines", content.SEA, True)]
LEVELS = {"focus": 3, "research": 2, "resources": 2, "evidence": 3, "assessment": 2, "transparency": 2, "improvement": 2}
# MC slug → (the two reviewers' levels (first, second), reconciled levels, outcome, what to change)
REVIEWS = {
    "teaching-phonics": ({**LEVELS}, {**LEVELS, "focus": 2}, {**LEVELS}, "approved", ""),
    "interactive-read-aloud": ({**LEVELS, "improvement": 1}, {**LEVELS, "improvement": 1, "resources": 1},
                               {**LEVELS, "improvement": 1}, "approved_with_conditions",
                               "Publish how you act on earner feedback and agreement figures, and revise the rubric "
                               "descriptors the reliability report flags, within six months."),
    "maximizing-learning-through-classroom-routines": ({**LEVELS, "evidence": 1, "research": 0}, {**LEVELS, "evidence": 1, "research": 1},
                                                       {**LEVELS, "evidence": 1, "research": 0}, "revise",
                                                       "Cite research that backs the routines themselves, and ask for a video "
                                                       "of the routine in use rather than a written description."),
}
FAFSA_SLUG = "fafsa-basics"
FAFSA = {
    "format": "microcred.mc-definition/1", "title": "FAFSA basics", "competency": "The counselor understands the FAFSA timeline.",
    "key_method": "Answer a short quiz.", "research": [], "resources": [], "subjects": [], "grade_bands": [],
    "educator_roles": ["teacher"], "tags": ["college access"], "visibility": "public", "visible_to": [],
    "organizations": [{"organization": content.BB, "role": "developer"}, {"organization": content.BB, "role": "issuer"}],
    "parts": [{"title": "FAFSA facts", "overview": "A quiz.", "demonstrates": "understand", "evidence_types": ["quiz"],
               "prompts": [{"text": "When does the FAFSA open?", "response_type": "quiz", "guidance": "",
                            "choices": ["October 1", "January 1"], "correct_choice": 0}],
               "rubric": {"levels": ["Not Yet", "Proficient"], "passing_rule": "all_at_least", "passing_level": 1, "min_criteria": None,
                          "criteria": [{"title": "Correct answers", "description": "", "descriptors": ["Wrong", "Right"]}]}}],
}


def _reviewers() -> list[User]:
    admin = User.objects.filter(username="admin").first()
    out = []
    for username, first, last, org_slug, panel in REVIEWERS:
        user = User.objects.filter(username=username).first()
        if user is None:
            user = User(username=username, first_name=first, last_name=last, email=f"{username}@example.org")
            user.set_password(f"demo-{username.replace('_', '-')}-2026")
            user.save()
        services.certify_reviewer(by=admin, user=user, organization=Organization.objects.get(slug=org_slug), state_panel=panel)
        out.append(user)
    return out


def _fafsa(issuer_admin: User) -> None:
    if MicroCredential.objects.filter(slug=FAFSA_SLUG).exists():
        return
    owner = Organization.objects.get(slug=content.BB)
    version = catalog.create_micro_credential(owner=owner, definition=FAFSA, by=issuer_admin, slug=FAFSA_SLUG)
    version = catalog.submit_for_review(version=version, by=issuer_admin)
    catalog.publish(version=version, by=issuer_admin)


def load_quality_demo() -> dict:
    """Reviewers, three decided reviews, and the quiz-only MC refused before review."""
    with transaction.atomic():
        first, second = _reviewers()
        issuer_admin = User.objects.get(username="issuer_admin")
        decided = 0
        for slug, (a, b, reconciled, outcome, changes) in REVIEWS.items():
            mc = MicroCredential.objects.select_related("current_version").get(slug=slug)
            if QualityReview.objects.filter(version__micro_credential=mc).exists():
                continue
            review = services.submit_for_review(by=issuer_admin, version=mc.current_version)
            services.rate(by=first, review=review, ratings={k: (v, "") for k, v in a.items()})
            review = services.rate(by=second, review=review, ratings={k: (v, "") for k, v in b.items()})
            services.decide(by=first, review=review, scores=reconciled, outcome=outcome, changes_requested=changes)
            decided += 1
        _fafsa(issuer_admin)
        try:
            services.submit_for_review(by=issuer_admin, version=MicroCredential.objects.get(slug=FAFSA_SLUG).current_version)
        except ValidationError:
            pass  # refused, as it should be: its quality page lists why
        else:
            raise AssertionError("the quiz-only FAFSA MC must be refused before quality review")
    return {"reviews_decided": decided, "reviewers": QualityReviewer.objects.filter(active=True).count()}


# --- a pilot (issue 16 item 4) --------------------------------------------------------------------------------------
# "Assessing how time is currently used" (Digital Promise) runs its current version as a pilot: three pilot teachers
# have submitted, every submission was scored by two assessors (one pair disagrees on a criterion), and the issuer's
# quality page links the pilot report ("too few to report" for the rates until 10 earners have joined).
PILOT_SLUG = "assessing-how-time-is-currently-used"
PILOT_TEACHERS = [("pilot_teacher1", "Maya", "Lindqvist"), ("pilot_teacher2", "Owen", "Baptiste"), ("pilot_teacher3", "Priya", "Raman")]


def load_pilot_demo() -> dict:
    """Open the pilot and score three pilot submissions twice. Idempotent: an existing pilot is left as it is."""
    from microcred.assessment import services as assessment
    from microcred.earning import services as earning
    import random

    from microcred.accounts import services as accounts

    from .assessment_world import _answer, score_review

    mc = MicroCredential.objects.select_related("current_version", "owner").filter(slug=PILOT_SLUG).first()
    if mc is None or mc.current_version is None or mc.current_version.state != "published":
        return {"pilot": False}
    version = mc.current_version
    if hasattr(version, "quality_pilot"):
        return {"pilot": True}
    admin = (User.objects.filter(memberships__organization=mc.owner, memberships__role="issuer_admin").order_by("pk").first()
             or User.objects.filter(memberships__role="platform_admin").order_by("pk").first())
    with transaction.atomic():
        from microcred.quality import selectors

        pilot = services.open_pilot(by=admin, version=version, cap=selectors.pilot_earner_count(version) + 12)
        for i, (username, first, last) in enumerate(PILOT_TEACHERS):
            teacher = User.objects.filter(username=username).first()
            if teacher is None:
                teacher = User(username=username, first_name=first, last_name=last, email=f"{username}@example.org")
                teacher.set_password(f"demo-{username.replace('_', '-')}-2026")
                teacher.save()
                # teachers of the rural district (members-only MCs open to its people; no assessor works there)
                accounts.grant_role(user=teacher, organization=Organization.objects.get(slug=content.RURAL), role="earner")
                for org in mc.visible_to.all():
                    accounts.grant_role(user=teacher, organization=org, role="earner")
            attempt = earning.start_attempt(earner=teacher, micro_credential=mc)
            _answer(attempt, teacher, True, random.Random(i))
            earning.confirm_privacy(attempt=attempt, by=teacher)
            earning.submit_attempt(attempt=attempt, by=teacher)
            review = assessment.open_review(submission=attempt.submissions.order_by("-number").first())

            def levels_for(assignment, i=i):
                out = {}
                for part in version.parts.select_related("rubric").prefetch_related("rubric__criteria", "rubric__levels"):
                    top = part.rubric.levels.count() - 1
                    for n, criterion in enumerate(part.rubric.criteria.all()):
                        # the second reader of the second teacher reads the first criterion one level lower
                        out[criterion.pk] = top - 1 if (i == 1 and assignment.role == "second" and n == 0 and top > 0) else top
                return out

            score_review(review, levels_for=levels_for)
    return {"pilot": True, "pilot_id": pilot.pk}
