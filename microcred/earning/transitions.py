"""The lifecycle of an attempt, as one table of legal moves."""
from django.utils.translation import gettext as _

from microcred.core.transitions import ensure_transition

from .models import Attempt

S = Attempt.State

ATTEMPT_TRANSITIONS: dict[str, set[str]] = {
    S.DRAFT: {S.SUBMITTED, S.WITHDRAWN},
    S.SUBMITTED: {S.DRAFT, S.NOT_YET, S.EARNED},   # withdrawn or returned incomplete → draft; or decided
    S.NOT_YET: {S.SUBMITTED, S.WITHDRAWN},          # revise and resubmit, or give up
    S.EARNED: set(),
    S.WITHDRAWN: set(),
}


def _labels() -> dict[str, str]:
    return {value: str(label) for value, label in S.choices}  # in the reader's language, as text


def ensure_attempt_transition(attempt: Attempt, *, to: str) -> None:
    ensure_transition(attempt.state, to, ATTEMPT_TRANSITIONS, what=_("This attempt"), labels=_labels())
