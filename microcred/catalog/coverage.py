"""Assessor coverage of micro-credential versions: how many certified assessors may score a version, and how many
calibration anchors it has. The facts live in ``assessment``, which sits above ``catalog``: catalog cannot import it.

So catalog keeps a one-slot registry: ``assessment`` fills it from its ``AppConfig.ready`` with a function that
answers for many versions at once (two queries, however many versions: catalog lists stay constant in queries).
Catalog's publishing, its pages and ``earning`` (also below assessment) ask ``coverage_of`` / ``coverage_for``.
When nothing is registered (catalog used without assessment) every version reads as "not known": no warning is
invented, and ``Coverage.known`` is False. See docs/decisions/0019-assessor-coverage.md.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.utils.translation import gettext as _

# (version ids) -> {version id: (certified assessors, calibration anchors)}
Provider = Callable[[list[int]], dict[int, tuple[int, int]]]

_provider: list[Provider] = []


def register(provider: Provider) -> None:
    """Called once by the app that knows assessors (assessment's AppConfig.ready). A second call replaces the first."""
    _provider[:] = [provider]


@dataclass(frozen=True)
class Coverage:
    certified_assessors: int = 0
    anchors: int = 0
    known: bool = True

    @property
    def has_assessors(self) -> bool:
        """Someone can score a submission now (or nobody knows: then say nothing)."""
        return not self.known or self.certified_assessors > 0

    @property
    def complete(self) -> bool:
        return not self.known or (self.certified_assessors > 0 and self.anchors > 0)

    @property
    def gaps(self) -> list[str]:
        """What is missing, in words an issuer admin reads before publishing."""
        if not self.known:
            return []
        gaps = []
        if self.certified_assessors == 0:
            gaps.append(_("No certified assessor is in this micro-credential's pool: nobody can score a submission. "
                          "Teachers may prepare evidence, and submissions wait until an assessor is certified."))
        if self.anchors == 0:
            gaps.append(_("This version has no calibration anchors: assessors cannot calibrate on it, so none can be "
                          "certified for it, and no seeded checks can watch for drift."))
        return gaps


UNKNOWN = Coverage(known=False)


def coverage_for(version_ids: Iterable[int]) -> dict[int, Coverage]:
    """Coverage of each version id (constant queries, whatever the number)."""
    ids = sorted({int(v) for v in version_ids if v is not None})
    if not ids:
        return {}
    if not _provider:
        return {pk: UNKNOWN for pk in ids}
    answered = _provider[0](ids)
    return {pk: Coverage(*answered.get(pk, (0, 0))) for pk in ids}


def coverage_of(version) -> Coverage:
    """Coverage of one version (a MicroCredentialVersion or its id)."""
    pk = getattr(version, "pk", version)
    return coverage_for([pk]).get(pk, UNKNOWN)
