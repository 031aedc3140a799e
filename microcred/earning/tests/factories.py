"""Helpers for earning tests: start an attempt and answer every prompt the way an earner would."""
from microcred.catalog.models import EvidenceType
from microcred.earning import services


def answer_everything(attempt, earner, *, text="My students showed growth; here is how I know.") -> None:
    for part in attempt.version.parts.all():
        response = attempt.responses.get(part=part)
        if response.locked:
            continue
        for prompt in part.prompts.all():
            if prompt.response_type == EvidenceType.QUIZ:
                services.save_answer(attempt=attempt, by=earner, prompt=prompt, choice=prompt.correct_choice or 0)
            elif prompt.response_type in (EvidenceType.VIDEO, EvidenceType.FILE, EvidenceType.LINK):
                services.save_answer(attempt=attempt, by=earner, prompt=prompt, url="https://video.example.org/lesson-1")
            else:
                services.save_answer(attempt=attempt, by=earner, prompt=prompt, text=text)


def submit_complete(attempt, earner, note=""):
    answer_everything(attempt, earner)
    services.confirm_privacy(attempt=attempt, by=earner)
    return services.submit_attempt(attempt=attempt, by=earner, note_to_assessor=note)


def levels_for(attempt, *, passing: bool = True, failing_parts: tuple[int, ...] = ()) -> dict[int, int]:
    """Criterion id → level position: passing level everywhere, or the lowest level in `failing_parts` (part positions)."""
    levels = {}
    for part in attempt.version.parts.all():
        rubric = part.rubric
        for criterion in rubric.criteria.all():
            fail = (not passing) or part.position in failing_parts
            levels[criterion.pk] = 0 if fail else rubric.passing_level
    return levels
