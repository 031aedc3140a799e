"""The registry of personal data: which app holds what about a person, how to export it and how to erase it.

Each app with personal data has a ``personal_data.py`` with an ``export(user) -> Section`` (and, when it holds
anything to erase on an account deletion, an ``erase(user, *, now) -> dict``) and registers them from its
``AppConfig.ready()``::

    from microcred.accounts.data_registry import register
    register("earning", export=personal_data.export, erase=personal_data.erase)

The registry sits in ``accounts`` (the lowest app that knows people), so higher apps register into it and no lower
app imports a higher one. The export (services.build_export) and the account deletion (services.process_deletion)
walk it in registration order, i.e. INSTALLED_APPS order. Decision record: docs/decisions/0018-personal-data-registry.md.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import IO, Any


@dataclass(frozen=True)
class ExportFile:
    """A file to put into the zip under ``files/<path>``; ``open`` returns a binary file object (closed by the caller)."""

    path: str
    open: Callable[[], IO[bytes]]


@dataclass
class Section:
    """One app's data about a person: JSON-ready ``data`` and the ``files`` that go beside it."""

    data: dict[str, Any]
    files: list[ExportFile] = field(default_factory=list)


@dataclass(frozen=True)
class Contributor:
    app: str
    export: Callable[[Any], Section]
    erase: Callable[..., dict] | None = None


_REGISTRY: dict[str, Contributor] = {}


def register(app: str, *, export: Callable[[Any], Section], erase: Callable[..., dict] | None = None) -> None:
    """Register (or, on a second call for the same app, replace) an app's contributor."""
    _REGISTRY[app] = Contributor(app=app, export=export, erase=erase)


def contributors() -> list[Contributor]:
    return list(_REGISTRY.values())
