"""The lifecycle of a quality review, as one table of legal moves."""
from django.utils.translation import gettext as _

from microcred.core.transitions import InvalidTransition

from .models import Pilot, QualityReview

S = QualityReview.State

REVIEW_TRANSITIONS: dict[str, set[str]] = {
    S.OPEN: {S.RECONCILING, S.WITHDRAWN},       # enough reviewers rated every criterion; or the issuer withdraws it
    S.RECONCILING: {S.DECIDED, S.WITHDRAWN},    # a reviewer reconciles and records the outcome
    S.DECIDED: set(),
    S.WITHDRAWN: set(),
}


def labels() -> dict[str, str]:
    return {S.OPEN: _("Open for ratings"), S.RECONCILING: _("Reconciling"), S.DECIDED: _("Decided"), S.WITHDRAWN: _("Withdrawn")}


def ensure_review_transition(review: QualityReview, *, to: str) -> None:
    """Raise InvalidTransition (a ValidationError with a clear message) unless ``review`` may move to ``to``."""
    if to not in REVIEW_TRANSITIONS.get(review.state, set()):
        names = labels()
        allowed = ", ".join(sorted(names[s] for s in REVIEW_TRANSITIONS.get(review.state, set()))) or _("none")
        raise InvalidTransition(_("This quality review cannot move from “%(current)s” to “%(to)s”. Allowed next states: %(allowed)s.")
                                % {"current": names.get(review.state, review.state), "to": names.get(to, to), "allowed": allowed})


P = Pilot.State

PILOT_TRANSITIONS: dict[str, set[str]] = {
    P.OPEN: {P.CLOSED},   # the issuer closes it: the cap and the 100 % double scoring end
    P.CLOSED: set(),
}


def pilot_labels() -> dict[str, str]:
    return {P.OPEN: _("Open"), P.CLOSED: _("Closed")}


def ensure_pilot_transition(pilot: Pilot, *, to: str) -> None:
    """Raise InvalidTransition (a ValidationError with a clear message) unless ``pilot`` may move to ``to``."""
    if to not in PILOT_TRANSITIONS.get(pilot.state, set()):
        names = pilot_labels()
        raise InvalidTransition(_("This pilot cannot move from “%(current)s” to “%(to)s”.")
                                % {"current": names.get(pilot.state, pilot.state), "to": names.get(to, to)})
