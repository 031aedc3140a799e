"""The help page, contributed by the apps: each app that has something to explain puts a ``help.py`` beside its
``menu.py`` and registers sections there::

    from microcred.accounts import policy
    from microcred.core.help import Section, register

    register(Section("assessor", _("Scoring as an assessor"), "assessment/help/assessor.html", order=40,
                     allowed=policy.is_assessor))

A person sees the sections for the roles they hold (``allowed`` is a rule of accounts/policy.py; None = everyone,
signed in or not), so a teacher is not buried in an issuer admin's duties. ``context(user)`` may add what a section
shows (whom to contact, turnaround promises) with a fixed number of queries. core finds the modules through the app
registry (``autodiscover_modules("help")``), as it does menus, so it never imports a higher app.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

_sections: dict[str, Section] = {}


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    template: str
    order: int
    allowed: Callable[[object], bool] | None = None
    context: Callable[[object], dict] | None = None


def register(*sections: Section) -> None:
    """Add (or, with the same key, replace) help sections. Call it from your app's help.py."""
    for section in sections:
        _sections[section.key] = section


def sections_for(user) -> list[dict]:
    """The sections ``user`` should read, in order, each {key, title, template, context}."""
    from .menu import _preparers  # the same once-per-request preparation the menu uses (memberships read once)

    for prepare in _preparers:
        prepare(user)
    shown = []
    for section in sorted(_sections.values(), key=lambda s: (s.order, s.key)):
        if section.allowed is not None and not section.allowed(user):
            continue
        shown.append({"key": section.key, "title": section.title, "template": section.template,
                      "context": section.context(user) if section.context else {}})
    return shown


def autodiscover() -> None:
    from django.utils.module_loading import autodiscover_modules

    autodiscover_modules("help")


def _register_core_sections() -> None:
    from django.utils.translation import gettext_lazy as _

    register(Section("start", _("Getting started"), "core/help/start.html", order=0))


_register_core_sections()
