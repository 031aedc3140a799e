"""Text put into words in its reader's language, not its writer's.

A notice to a teacher is created while an assessor (or a background task) is working, in the assessor's language; it
must read in the teacher's. ``Later(gettext_noop("… %(title)s …"), title=…)`` keeps the English message id and its
values; ``in_language_of(person)`` and ``render(text, language)`` put it into words in the reader's language when it is
written down (a notice, an e-mail). Values may themselves be ``Later`` or lazy translations: they follow the same
language.
"""
from __future__ import annotations

from contextlib import contextmanager

from django.conf import settings
from django.utils import translation
from django.utils.functional import Promise

__all__ = ["Later", "When", "language_of", "in_language_of", "render"]


class Later:
    """A message id and its values, translated only when rendered (``str()`` uses the active language)."""

    __slots__ = ("message", "values")

    def __init__(self, message: str, **values):
        self.message, self.values = message, values

    def __str__(self) -> str:
        text = translation.gettext(self.message)
        if not self.values:
            return text
        return text % {k: str(v) if isinstance(v, (Later, When, Promise)) else v for k, v in self.values.items()}

    def __repr__(self) -> str:
        return f"Later({self.message!r}, {self.values!r})"


class When:
    """A date or time written the reader's way ("December 5, 2026, 5 p.m." / "5 de diciembre de 2026 a las 17:00")."""

    __slots__ = ("value", "format")

    def __init__(self, value, format: str = "DATETIME_FORMAT"):
        self.value, self.format = value, format

    def __str__(self) -> str:
        from django.utils.formats import date_format

        return date_format(self.value, self.format)


def language_of(person) -> str:
    """The language to write to ``person`` in: the one they chose, else the site's default (a person who lets the
    browser choose has no language the server can know outside a request)."""
    chosen = getattr(person, "language", "") or ""
    return chosen if chosen in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE


@contextmanager
def in_language_of(person):
    with translation.override(language_of(person)):
        yield


def render(text, language: str | None = None) -> str:
    """``text`` (a str, a lazy translation or a ``Later``) as a str in ``language`` (default: the active one)."""
    if language is None:
        return str(text)
    with translation.override(language):
        return str(text)
