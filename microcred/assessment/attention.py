"""What needs attention per MC on the issuer's assessment dashboard (issue 16 item 7: continuous improvement).

The judgement (low assessor agreement, low pass rate, slow decisions, poor earner ratings, reviewers' requested
changes) is the quality record's, and ``quality`` sits above ``assessment``: assessment cannot import it. So, as
``catalog/quality.py`` and ``catalog/pilots.py`` do, assessment keeps a one-slot registry that ``quality`` fills from
its ``AppConfig.ready`` with a function answering for many MCs at once in a constant number of queries. Without a
provider nothing needs attention.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable

# (micro-credential ids) -> {id: [{"code": str, "message": str}, …]} (absent or empty: nothing needs attention)
Provider = Callable[[list[int]], dict[int, list[dict]]]

_provider: list[Provider] = []
_page_url: list[Callable[[str], str]] = []


def register(provider: Provider, page_url: Callable[[str], str] | None = None) -> None:
    """Called once by the quality app (with where the issuer's quality page of an MC is). A second call replaces the first."""
    _provider[:] = [provider]
    _page_url[:] = [page_url] if page_url else []


def page_url(slug: str) -> str:
    """The issuer's quality page of an MC, or "" when no app provides one."""
    return _page_url[0](slug) if _page_url else ""


def for_micro_credentials(micro_credential_ids: Iterable[int]) -> dict[int, list[dict]]:
    ids = sorted({int(i) for i in micro_credential_ids if i is not None})
    if not ids or not _provider:
        return {}
    return _provider[0](ids)
