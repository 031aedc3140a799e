"""Independent quality review status of micro-credentials, for the catalog's filter, sort and cards. The facts live
in ``quality``, which sits above ``catalog``: catalog cannot import it. So, as ``coverage.py`` does, catalog keeps a
one-slot registry that ``quality`` fills from its ``AppConfig.ready`` with a function answering for many MCs at once
(constant queries). Without it every MC reads as not reviewed. See docs/decisions/0024-independent-quality-review.md.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable

# (micro-credential ids) -> {id: "approved" | "approved_with_conditions" | "revise" | "pending"} (absent: none)
Provider = Callable[[list[int]], dict[int, str]]

_provider: list[Provider] = []
_record_url: list[Callable[[str], str]] = []
APPROVED = ("approved", "approved_with_conditions")
RANK = {"approved": 0, "approved_with_conditions": 1, "pending": 2, "": 3, "revise": 4}


def register(provider: Provider, record_url: Callable[[str], str] | None = None) -> None:
    """Called once by the quality app (with where an MC's public quality record is). A second call replaces the first."""
    _provider[:] = [provider]
    _record_url[:] = [record_url] if record_url else []


def record_url(slug: str) -> str:
    """The public quality record of an MC, or "" when no app provides one."""
    return _record_url[0](slug) if _record_url else ""


def status_for(micro_credential_ids: Iterable[int]) -> dict[int, str]:
    ids = sorted({int(i) for i in micro_credential_ids if i is not None})
    if not ids or not _provider:
        return {}
    return _provider[0](ids)
