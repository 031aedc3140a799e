"""The de-identified research export (docs/decisions/0026-research-export.md): CSV files of attempts, decisions,
rubric scores, credentials and recognition awards, with

- per-export pseudonymous ids (random for each export: two exports cannot be joined, nothing maps back);
- dates coarsened to the month (durations in whole days), no timestamps, no free text, no names or e-mails;
- organizations replaced by their attributes (locale, Title I, high-need);
- a k-anonymity check over the educator's quasi-identifiers (school locale, Title I, high-need, years of experience
  band and — only for those who consented — race or ethnicity and gender): an educator whose combination covers
  fewer than k people is generalized step by step (demographics, then experience, then the school's attributes) and,
  if still in a group under k, dropped with all their rows. The rows dropped are counted and reported.
"""
from __future__ import annotations

import csv
import secrets
from collections import Counter
from pathlib import Path

from django.conf import settings
from django.core.exceptions import PermissionDenied

from microcred.accounts import policy
from microcred.accounts.models import EducatorProfile
from microcred.assessment.models import Score
from microcred.credentials.models import IssuedCredential
from microcred.earning.models import Attempt, Decision
from microcred.recognition.models import Award

from .models import EducatorDemographics

QUASI = ("locale", "title_i", "high_need", "experience", "race_ethnicity", "gender")
# generalization steps: which quasi-identifiers each step replaces by "*"
STEPS = ((), ("race_ethnicity", "gender"), ("race_ethnicity", "gender", "experience"), QUASI)
WITHHELD = "*"

DICTIONARY = [
    ("educators.csv", "educator", "pseudonymous id of an educator, random for this export only"),
    ("educators.csv", "locale", "NCES locale of the educator's school (city, suburb, town, rural); * withheld"),
    ("educators.csv", "title_i", "whether the school is a Title I school (yes, no, unknown); * withheld"),
    ("educators.csv", "high_need", "whether the school is high-need (yes, no, unknown); * withheld"),
    ("educators.csv", "experience", "years of experience band (0-3, 4-10, 11-20, 21+, unknown); * withheld"),
    ("educators.csv", "race_ethnicity", "self-reported with consent; blank when not told; * withheld"),
    ("educators.csv", "gender", "self-reported with consent; blank when not told; * withheld"),
    ("attempts.csv", "attempt", "pseudonymous id of an attempt, random for this export only"),
    ("attempts.csv", "educator", "the educator (educators.csv)"),
    ("attempts.csv", "micro_credential", "the micro-credential's public catalog slug"),
    ("attempts.csv", "state", "draft, submitted, not_yet, earned or withdrawn"),
    ("attempts.csv", "started_month", "month the attempt started (YYYY-MM)"),
    ("attempts.csv", "submitted_month", "month of the first submission (YYYY-MM), blank if none"),
    ("attempts.csv", "days_to_decision", "whole days from start to the last decision, blank if none"),
    ("decisions.csv", "attempt", "the attempt (attempts.csv)"),
    ("decisions.csv", "submission", "1 for the first submission, 2 for the first resubmission, …"),
    ("decisions.csv", "result", "earned or not_yet"),
    ("decisions.csv", "decided_month", "month of the decision (YYYY-MM)"),
    ("decisions.csv", "days_to_decision", "whole days from the submission to its decision"),
    ("scores.csv", "attempt", "the attempt (attempts.csv)"),
    ("scores.csv", "submission", "the submission number"),
    ("scores.csv", "assessor", "pseudonymous id of the assessor, random for this export only"),
    ("scores.csv", "role", "the assessor's role in the review (first, second, adjudicator…)"),
    ("scores.csv", "criterion", "position of the rubric criterion"),
    ("scores.csv", "level", "position of the rubric level given (1 = lowest)"),
    ("credentials.csv", "educator", "the educator (educators.csv)"),
    ("credentials.csv", "micro_credential", "the micro-credential's public catalog slug"),
    ("credentials.csv", "issued_month", "month the credential was issued (YYYY-MM)"),
    ("awards.csv", "educator", "the educator (educators.csv)"),
    ("awards.csv", "policy", "the recognition policy's slug"),
    ("awards.csv", "kind", "credits, endorsement, designation, pay…"),
    ("awards.csv", "amount", "the amount awarded, if any"),
    ("awards.csv", "unit", "the unit of the amount"),
    ("awards.csv", "state", "active, expired or withdrawn"),
    ("awards.csv", "awarded_month", "month of the award (YYYY-MM)"),
    ("surveys.csv", "educator", "the educator (educators.csv) who answered an experience survey"),
    ("surveys.csv", "micro_credential", "the micro-credential's public catalog slug"),
    ("surveys.csv", "kind", "decision (sent at the decision: was it worth it) or follow_up (did it change my practice)"),
    ("surveys.csv", "result", "earned or not_yet, the decision the survey followed"),
    ("surveys.csv", "rating", "the answer, 1 (not at all) to 5 (very much); comments are never exported"),
    ("surveys.csv", "answered_month", "month of the answer (YYYY-MM)"),
]


def _month(value) -> str:
    return value.strftime("%Y-%m") if value else ""


def _yes_no(value) -> str:
    return "unknown" if value is None else "yes" if value else "no"


def _experience(years) -> str:
    if years is None:
        return "unknown"
    return "0-3" if years <= 3 else "4-10" if years <= 10 else "11-20" if years <= 20 else "21+"


class Pseudonyms(dict):
    """id → a random token, new for each export."""

    def __missing__(self, key):
        token = secrets.token_hex(6)
        self[key] = token
        return token


def anonymize(quasi: dict[int, dict], k: int) -> tuple[dict[int, dict], set[int]]:
    """(released quasi-identifiers by educator, dropped educators): each educator takes the first generalization
    step at which their combination covers at least k educators (computed over everyone at that step)."""
    released: dict[int, dict] = {}
    remaining = dict(quasi)
    for step in STEPS:
        if not remaining:
            break
        def key(values):
            return tuple(WITHHELD if q in step else values[q] for q in QUASI)
        # a step's keys carry "*" where earlier steps' do not: groups of different steps never merge
        counts = Counter(key(v) for v in remaining.values())
        for educator, values in list(remaining.items()):
            if counts[key(values)] >= k:
                released[educator] = dict(zip(QUASI, key(values)))
                del remaining[educator]
    # released groups must hold k each (a later step can only add to a group, never shrink it)
    final = Counter(tuple(v[q] for q in QUASI) for v in released.values())
    dropped = set(remaining) | {e for e, v in released.items() if final[tuple(v[q] for q in QUASI)] < k}
    return {e: v for e, v in released.items() if e not in dropped}, dropped


def export(directory: Path, *, by=None, k: int | None = None) -> dict:
    """Write the export into ``directory`` (created; must be empty) and return the summary
    {"files", "rows", "suppressed_rows", "k"}."""
    if not policy.can_export_research(by):
        raise PermissionDenied("Only platform admins export research data.")
    k = k or getattr(settings, "MICROCRED_RESEARCH_K", 10)
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    if any(directory.iterdir()):
        raise FileExistsError(f"{directory} is not empty.")
    people = Pseudonyms()
    attempts_ids = Pseudonyms()
    assessors = Pseudonyms()

    educator_ids = set(Attempt.objects.values_list("earner_id", flat=True).distinct())
    quasi: dict[int, dict] = {e: {"locale": "unknown", "title_i": "unknown", "high_need": "unknown",
                                  "experience": "unknown", "race_ethnicity": "", "gender": ""} for e in educator_ids}
    for uid, locale, title_i, high_need, years in EducatorProfile.objects.filter(user_id__in=educator_ids).values_list(
            "user_id", "school__school_profile__locale", "school__school_profile__title_i",
            "school__school_profile__high_need", "years_experience"):
        quasi[uid].update(locale=locale or "unknown", title_i=_yes_no(title_i), high_need=_yes_no(high_need),
                          experience=_experience(years))
    for uid, race, gender in EducatorDemographics.objects.filter(user_id__in=educator_ids).values_list(
            "user_id", "race_ethnicity", "gender"):
        quasi[uid].update(race_ethnicity=race, gender=gender)
    released, dropped = anonymize(quasi, k)

    rows = {"suppressed": 0}
    files: list[str] = []

    def write(name, header, records):
        files.append(name)
        with open(directory / name, "w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(header)
            for educator, record in records:
                if educator is not None and educator in dropped:
                    rows["suppressed"] += 1
                    continue
                writer.writerow(record)
                rows[name] = rows.get(name, 0) + 1

    write("educators.csv", ("educator", *QUASI),
          ((e, (people[e], *[released[e][q] for q in QUASI])) for e in sorted(quasi) if e in released))
    rows["suppressed"] += len(dropped)
    attempt_rows = Attempt.objects.values_list("pk", "earner_id", "micro_credential__slug", "state", "started_at",
                                               "submitted_at", "decided_at").order_by("pk").iterator()
    write("attempts.csv", ("attempt", "educator", "micro_credential", "state", "started_month", "submitted_month",
                           "days_to_decision"),
          ((earner, (attempts_ids[pk], people[earner], slug, state, _month(started), _month(submitted),
                     (decided - started).days if decided and started else ""))
           for pk, earner, slug, state, started, submitted, decided in attempt_rows))
    decisions = Decision.objects.values_list("submission__attempt_id", "submission__attempt__earner_id",
                                             "submission__number", "result", "decided_at",
                                             "submission__submitted_at").order_by("pk").iterator()
    write("decisions.csv", ("attempt", "submission", "result", "decided_month", "days_to_decision"),
          ((earner, (attempts_ids[a], number, result, _month(at), (at - submitted).days if at and submitted else ""))
           for a, earner, number, result, at, submitted in decisions))
    scores = Score.objects.filter(assignment__review__isnull=False).values_list(
        "assignment__review__submission__attempt_id", "assignment__review__submission__attempt__earner_id",
        "assignment__review__submission__number", "assignment__assessor_id", "assignment__role",
        "criterion__position", "level__position").order_by("pk").iterator()
    write("scores.csv", ("attempt", "submission", "assessor", "role", "criterion", "level"),
          ((earner, (attempts_ids[a], number, assessors[assessor], role, criterion, level))
           for a, earner, number, assessor, role, criterion, level in scores))
    credentials = IssuedCredential.objects.filter(earner_id__in=list(quasi)).values_list("earner_id", "version__micro_credential__slug",
                                                       "issued_at").order_by("attempt_id").iterator()
    write("credentials.csv", ("educator", "micro_credential", "issued_month"),
          ((earner, (people[earner], slug, _month(at))) for earner, slug, at in credentials))
    awards = Award.objects.values_list("educator_id", "policy__slug", "kind", "amount", "unit", "state",
                                       "awarded_at").order_by("pk").iterator()
    write("awards.csv", ("educator", "policy", "kind", "amount", "unit", "state", "awarded_month"),
          ((educator, (people[educator], slug, kind, amount if amount is not None else "", unit, state, _month(at)))
           for educator, slug, kind, amount, unit, state, at in awards if educator in quasi))
    from microcred.quality.models import ExperienceSurvey

    # ratings only: the free-text comment is never read here, so it cannot leak
    surveys = ExperienceSurvey.objects.filter(answered_at__isnull=False, rating__isnull=False).values_list(
        "earner_id", "micro_credential__slug", "kind", "result", "rating", "answered_at").order_by("pk").iterator()
    write("surveys.csv", ("educator", "micro_credential", "kind", "result", "rating", "answered_month"),
          ((educator, (people[educator], slug, kind, result, rating, _month(at)))
           for educator, slug, kind, result, rating, at in surveys if educator in quasi))
    files.append("data_dictionary.csv")
    with open(directory / "data_dictionary.csv", "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(("file", "column", "meaning"))
        writer.writerows(DICTIONARY)
        writer.writerow(("(all)", "note", "months and the rows of the other files are not part of the k check; "
                         "for use under a data-use agreement, not for publication"))
        writer.writerow(("(all)", "k", f"every combination of {', '.join(QUASI)} in educators.csv covers at least {k} educators"))
    total = sum(v for name, v in rows.items() if name != "suppressed")
    return {"files": files, "rows": total, "suppressed_rows": rows["suppressed"], "k": k}
