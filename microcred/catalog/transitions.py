"""The lifecycle of a micro-credential version, as one table of legal moves."""
from microcred.core.transitions import ensure_transition

from .models import MicroCredentialVersion

S = MicroCredentialVersion.State

VERSION_TRANSITIONS: dict[str, set[str]] = {
    S.DRAFT: {S.IN_REVIEW},
    S.IN_REVIEW: {S.DRAFT, S.PUBLISHED},   # reviewer sends it back, or publishes
    S.PUBLISHED: {S.RETIRED},
    S.RETIRED: set(),
}
LABELS = dict(S.choices)


def ensure_version_transition(version: MicroCredentialVersion, *, to: str) -> None:
    ensure_transition(version.state, to, VERSION_TRANSITIONS, what=f"Version {version.number} of “{version.title}”", labels=LABELS)
