"""Pilots ("stress tests") of micro-credential versions: a version opened as a pilot takes a limited number of
earners and every submission is double-scored. The pilot itself lives in ``quality``, which sits above catalog,
earning and assessment; so, as ``quality.py`` does, catalog keeps a registry that ``quality`` fills from its
``AppConfig.ready``. earning asks ``admit()`` before starting an attempt, assessment asks ``is_pilot()`` when it
opens a review, the catalog pages ask ``status_for()``. Without a provider no version is a pilot.
See docs/decisions/0031-pilots.md.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable

# (version ids) -> {version id: {"cap": int, "earners": int, "full": bool}} for the versions with an OPEN pilot
StatusProvider = Callable[[list[int]], dict[int, dict]]
# (version, earner) -> None; raises ValidationError (a clear message) when the pilot is full. Called inside the
# transaction that creates the attempt, so it may lock.
Admitter = Callable[[object, object], None]

_status: list[StatusProvider] = []
_admit: list[Admitter] = []


def register(*, status: StatusProvider, admit: Admitter) -> None:
    """Called once by the quality app. A second call replaces the first."""
    _status[:] = [status]
    _admit[:] = [admit]


def status_for(version_ids: Iterable[int]) -> dict[int, dict]:
    """The open pilots among ``version_ids`` (constant queries however many)."""
    ids = sorted({int(i) for i in version_ids if i is not None})
    if not ids or not _status:
        return {}
    return _status[0](ids)


def is_pilot(version_id: int | None) -> bool:
    """Whether the version is in an open pilot (its submissions are all double-scored)."""
    return version_id is not None and version_id in status_for([version_id])


def admit(*, version, earner) -> None:
    """Refuse (ValidationError) a new earner when the version's pilot is full; nothing when there is no pilot."""
    if _admit:
        _admit[0](version, earner)
