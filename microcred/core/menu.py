"""The site's navigation, contributed by the apps: core draws it but knows no app's pages.

Each app that has pages to offer puts a ``menu.py`` next to its ``urls.py`` and registers its entries there::

    from microcred.accounts import policy
    from microcred.core.menu import Entry, register

    register(Entry("assess", _("Assess"), "assessment:queue", order=90, allowed=policy.is_assessor))

``allowed`` is a rule of ``accounts/policy.py`` (the one place that says who may do what): an entry is shown to
exactly the people the page itself lets in. ``group`` says where base.html draws it: "main" (a person's own work)
or "manage" (the pages of admins, drawn as a second, labelled row so a long menu never runs off the screen); left
empty, entries ordered 100 and above are "manage". core finds the ``menu`` modules through Django's app registry when it
starts (``autodiscover_modules``, as the admin does), so it never imports a higher app.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Callable

from django.core.cache import cache
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from microcred.core.cache import spread

_entries: dict[str, Entry] = {}
_areas: dict[str, list[str]] = {}
_preparers: list[Callable] = []
_stamps: list[Callable[[object], object]] = []
# What the menu keeps per person (the keys of the entries they may open) lives at most this long: a backstop for a
# rule reading something no registered stamp names. The pages themselves always ask the policy.
KEPT_SECONDS = 120


@dataclass(frozen=True)
class Entry:
    """One link of the main navigation. ``allowed(user)`` decides who sees it; None = everyone, even anonymous."""

    key: str
    label: str
    url_name: str
    order: int
    allowed: Callable[[object], bool] | None = None
    group: str = ""

    @property
    def group_name(self) -> str:
        return self.group or (MANAGE if self.order >= 100 else MAIN)


MAIN, MANAGE = "main", "manage"


def register(*entries: Entry) -> None:
    """Add (or, with the same key, replace) navigation entries. Call it from your app's menu.py."""
    for entry in entries:
        _entries[entry.key] = entry


def register_area(area: str, template_name: str) -> None:
    """A template drawn in a named area of the navigation (e.g. "account": profile, log in/out)."""
    names = _areas.setdefault(area, [])
    if template_name not in names:
        names.append(template_name)


def register_preparer(prepare: Callable[[object], None]) -> None:
    """Called with the user once before the entries' rules are asked (e.g. to read their roles once)."""
    if prepare not in _preparers:
        _preparers.append(prepare)


def register_stamp(stamp: Callable[[object], object]) -> None:
    """Something the entries' rules read (memberships, qualifications, the person's own flags…): ``stamp(user)``
    names its current state for that person, e.g. a cache generation's number. What the menu keeps for a person is
    named by every stamp, so a change to any of them shows in their menu at their next page (decision 0050)."""
    if stamp not in _stamps:
        _stamps.append(stamp)


def entries() -> list[Entry]:
    return sorted(_entries.values(), key=lambda e: (e.order, e.key))


def visible_entries(user) -> list[dict]:
    """The entries ``user`` may open, in order, each as {key, label, url}. Entries whose URL is not installed are
    left out (a deployment may leave an app's URLs out).

    The rules take a few queries and several milliseconds in all; a signed-in person's answer is kept, named by
    their id and every registered stamp (register_stamp), for at most KEPT_SECONDS."""
    if getattr(user, "pk", None) is None:
        return _draw(_allowed_keys(user))
    stamps = repr(tuple(stamp(user) for stamp in _stamps)).encode()
    key = f"microcred:menu:{user.pk}:" + hashlib.blake2b(stamps, digest_size=16).hexdigest()  # a key any backend takes
    keys = cache.get(key)
    if keys is None:
        keys = _allowed_keys(user)
        cache.set(key, keys, spread(KEPT_SECONDS))
    return _draw(keys)


def _allowed_keys(user) -> list[str]:
    for prepare in _preparers:
        prepare(user)
    return [e.key for e in entries() if e.allowed is None or e.allowed(user)]


def _draw(keys: list[str]) -> list[dict]:
    shown = []
    for key in keys:
        entry = _entries.get(key)
        if entry is None:
            continue
        try:
            url = reverse(entry.url_name)
        except NoReverseMatch:
            continue
        shown.append({"key": entry.key, "label": entry.label, "url": url, "group": entry.group_name})
    return shown


class _Menu:
    """What base.html draws; computed on first use, once per request."""

    def __init__(self, user):
        self._user = user
        self._main = None

    @property
    def main(self) -> list[dict]:
        if self._main is None:
            self._main = visible_entries(self._user)
        return self._main

    @property
    def primary(self) -> list[dict]:
        """The entries of a person's own work (drawn first)."""
        return [e for e in self.main if e["group"] != MANAGE]

    @property
    def manage(self) -> list[dict]:
        """The admin entries (drawn as their own labelled group)."""
        return [e for e in self.main if e["group"] == MANAGE]

    @property
    def areas(self) -> dict[str, list[str]]:
        return _areas


def menu(request) -> dict:
    """Context processor: ``menu.main`` (the entries this person may open) and ``menu.areas``."""
    return {"menu": _Menu(getattr(request, "user", None))}


def autodiscover() -> None:
    from django.utils.module_loading import autodiscover_modules

    autodiscover_modules("menu")


def _may_view_audit_trail(user) -> bool:
    # core cannot import accounts.policy: Django's permission API routes the question to it (PolicyBackend).
    return bool(user is not None and user.has_perm("core.view_audit_trail"))


register(Entry("audit", _("Audit trail"), "core:audit", order=120, allowed=_may_view_audit_trail))
