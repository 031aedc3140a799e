"""Where an audited change came from: the web request, API call, management command or background task.

``audit.record`` reads the current source from a context variable, so no call site has to pass it. The
middleware sets it for each request; the task signals set it while a django-tasks task runs; a management
command is recognized from the process's command line. Code that knows better can wrap work in
:func:`source`.
"""
from __future__ import annotations

import os
import sys
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings


@dataclass(frozen=True)
class Source:
    via: str = ""             # web | api | command | task | "" (unknown)
    detail: str = ""          # "POST /credentials/…/revoke", "microcred backup", "microcred.credentials.tasks.issue"
    ip_address: str | None = None
    user_agent: str = ""


_current: ContextVar[Source | None] = ContextVar("microcred_audit_source", default=None)
_task_tokens: dict = {}
COMMAND_PROGRAMS = {"microcred", "manage.py", "django-admin", "django-admin.py"}


def _process_source() -> Source:
    """Outside any request or task: a management command run as ``microcred NAME`` (or manage.py NAME)."""
    argv = sys.argv or [""]
    if Path(argv[0]).name in COMMAND_PROGRAMS and len(argv) > 1:
        return Source(via="command", detail=f"microcred {argv[1]}"[:300])
    return Source()


def current() -> Source:
    return _current.get() or _process_source()


@contextmanager
def source(**fields):
    """Attribute audit events recorded inside the block to this source (fields of :class:`Source`)."""
    token = _current.set(Source(**fields))
    try:
        yield
    finally:
        _current.reset(token)


def trusted_proxies() -> int:
    """How many reverse proxies in front of the app append to X-Forwarded-For (0: trust REMOTE_ADDR only)."""
    value = getattr(settings, "MICROCRED_TRUSTED_PROXIES", None)
    if value is None:
        value = os.environ.get("MICROCRED_TRUSTED_PROXIES", "0")
    try:
        return max(0, int(value))
    except (TypeError, ValueError):
        return 0


def client_address(request) -> str | None:
    """The client's IP address. X-Forwarded-For is only believed for as many hops as there are trusted proxies:
    anything further left was written by the client and can be forged."""
    address = request.META.get("REMOTE_ADDR") or None
    hops = trusted_proxies()
    if hops:
        forwarded = [a.strip() for a in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if a.strip()]
        if len(forwarded) >= hops:
            address = forwarded[-hops]
    return _valid_ip(address)


def _valid_ip(address: str | None) -> str | None:
    import ipaddress

    try:
        return str(ipaddress.ip_address((address or "").strip())) if address else None
    except ValueError:
        return None


class AuditContextMiddleware:
    """Record the client address, user agent and request line of every request for the audit trail."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        via = "api" if request.path.startswith("/api/") else "web"
        with source(via=via, detail=f"{request.method} {request.path}"[:300], ip_address=client_address(request),
                    user_agent=request.META.get("HTTP_USER_AGENT", "")[:300]):
            return self.get_response(request)


# --- background tasks (connected in CoreConfig.ready) -------------------------------------------------------------


def task_started(sender, task_result, **kwargs):
    name = getattr(getattr(task_result, "task", None), "module_path", "") or "task"
    _task_tokens[task_result.id] = _current.set(Source(via="task", detail=f"{name} ({task_result.id})"[:300]))


def task_finished(sender, task_result, **kwargs):
    token = _task_tokens.pop(task_result.id, None)
    if token is not None:
        try:
            _current.reset(token)
        except ValueError:  # finished in another context than it started: nothing of ours to restore
            pass
