"""Getting a web process ready to serve, before it takes its first request (decision 0054)."""
from __future__ import annotations

import gc
import logging
from pathlib import Path
from typing import Callable

from django.db import connections
from django.template import TemplateSyntaxError, engines
from django.urls import get_resolver

logger = logging.getLogger(__name__)
PACKAGE = Path(__file__).resolve().parents[1]
# What apps ask to be done before a process serves (register_warm_up), in the order registered.
_warm_ups: list[Callable[[], None]] = []


def register_warm_up(warm_up: Callable[[], None]) -> None:
    """Have ``warm_up()`` run by ``ready_to_serve``: for an app's own first-use work (loading, parsing, compiling)
    that would otherwise land on a visitor's request. It must not need the database or the network; once is enough
    per process (registering the same function twice runs it once)."""
    if warm_up not in _warm_ups:
        _warm_ups.append(warm_up)


def run_warm_ups() -> int:
    """Run every registered warm-up; one that fails is logged and the process serves anyway (its first visitor
    then pays, as before). Returns how many succeeded."""
    done = 0
    for warm_up in _warm_ups:
        try:
            warm_up()
            done += 1
        except Exception:  # noqa: BLE001 (a warm-up is an optimization: it never stops a process from serving)
            logger.warning("Warm-up %s failed; its work is left for the first request", getattr(warm_up, "__qualname__", warm_up), exc_info=True)
    return done


def ready_to_serve() -> int:
    """Load every view and compile our templates now, then take what the process has loaded out of the garbage
    collector's full sweeps.

    Under load on a 2-core node, Python's full collections re-walked the ≈ 250,000 long-lived objects of Django, the
    libraries and our modules every few seconds: 60–145 ms of CPU each (bench/gc_pause.py), 0.4–1 s of wall time on a
    busy machine, a pause for every thread of the process (bench/README.md). Those objects live as long as the
    process, so sweeping them finds nothing; ``gc.freeze()`` leaves them out, and the sweeps walk only what requests
    made since. Django would load the URLconf (every view module) at the first request and compile each template at
    its first use: done here, they cost the first visitors nothing and are frozen too; so are the apps' own warm-ups
    (register_warm_up: the credential verifier's schemas and JSON-LD contexts, decision 0062). The database connections
    opened while loading (the site URL check) are closed, so that a server that loads the application once and then
    forks its workers (gunicorn --preload) never shares a connection between processes. Returns the number of objects
    frozen."""
    get_resolver().url_patterns  # noqa: B018 (imports every app's urls and views)
    compile_templates()
    run_warm_ups()
    connections.close_all()
    gc.collect()
    gc.freeze()
    return gc.get_freeze_count()


def compile_templates() -> int:
    """Compile the project's own HTML templates into the template engine's cache (the cached loader, on whenever
    DEBUG is off); a template that does not compile is logged and left for its page to report. Returns how many
    compiled."""
    compiled = 0
    for engine in engines.all():
        for folder in engine.template_dirs:
            folder = Path(folder)
            if not folder.is_relative_to(PACKAGE):  # Django's admin and the libraries: loaded on use
                continue
            for path in sorted(folder.rglob("*.html")):
                name = path.relative_to(folder).as_posix()
                try:
                    engine.get_template(name)
                    compiled += 1
                except TemplateSyntaxError as error:
                    logger.warning("Template %s does not compile: %s", name, error)
    return compiled
