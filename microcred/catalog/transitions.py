"""The lifecycle of a micro-credential version, as one table of legal moves."""
from django.utils.translation import gettext as _

from microcred.core.transitions import ensure_transition

from .models import MicroCredentialVersion

S = MicroCredentialVersion.State

VERSION_TRANSITIONS: dict[str, set[str]] = {
    S.DRAFT: {S.IN_REVIEW},
    S.IN_REVIEW: {S.DRAFT, S.PUBLISHED},   # reviewer sends it back, or publishes
    S.PUBLISHED: {S.RETIRED},
    S.RETIRED: set(),
}


def _labels() -> dict[str, str]:
    return {value: str(label) for value, label in S.choices}  # in the reader's language, as text


def ensure_version_transition(version: MicroCredentialVersion, *, to: str) -> None:
    ensure_transition(version.state, to, VERSION_TRANSITIONS, what=_("Version %(n)s of “%(title)s”") % {"n": version.number, "title": version.title}, labels=_labels())
