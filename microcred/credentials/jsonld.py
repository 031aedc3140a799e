"""Offline JSON-LD processing for credentials: a document loader, RDFC-1.0 canonicalization, undefined-term checks.

Everything here works from the contexts shipped in ``contexts/`` (listed in ``contexts/SOURCES.json``). No function
in this module ever fetches a URL: a context that is not shipped is an error, not a download.

Relative IRIs are kept relative (pyld's ``base=None``), as jsonld.js does, so canonical forms match other
implementations; such IRIs produce no RDF and are reported by :func:`undefined_terms`.
"""
from __future__ import annotations

import copy
import json
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cachetools import LRUCache
from pyld import jsonld as pyld_jsonld
from pyld.context_resolver import ContextResolver

CONTEXTS_DIR = Path(__file__).resolve().parent / "contexts"
SOURCES_FILE = CONTEXTS_DIR / "SOURCES.json"

# Inline (object) contexts in documents are cached too, keyed by their JSON; bound the cache so that
# verifying many documents with odd inline contexts cannot grow memory without limit.
RESOLVED_CONTEXT_CACHE_SIZE = 256


class ContextNotAvailableError(LookupError):
    """A document refers to a JSON-LD context URL that is not shipped; it is never fetched from the network."""

    def __init__(self, url: str, available: list[str]):
        self.url = url
        self.available = available
        super().__init__(
            f"JSON-LD context {url!r} is not available offline; "
            f"shipped contexts are: {', '.join(sorted(available))}"
        )


class JsonLdProcessingError(ValueError):
    """pyld could not process the document (invalid JSON-LD, a redefined protected term, …)."""


def shipped_contexts() -> dict[str, Path]:
    """Map each context URL served offline to its file, as recorded in ``contexts/SOURCES.json``."""
    sources = json.loads(SOURCES_FILE.read_text(encoding="utf-8"))
    return {entry["url"]: CONTEXTS_DIR / entry["file"] for entry in sources["contexts"]}


class OfflineDocumentLoader:
    """A pyld document loader that serves a fixed set of context URLs from local files and nothing else.

    Guarantees: any URL outside the set raises :class:`ContextNotAvailableError`; each file is parsed once;
    processed ("resolved") contexts are cached per loader, so repeated calls do not re-process them, and
    contexts resolved by some other loader elsewhere in the process are never reused here.
    """

    def __init__(self, contexts: Mapping[str, Path | str] | None = None, *, cache_resolved_contexts: bool = True):
        self._files = {url: Path(path) for url, path in (contexts or shipped_contexts()).items()}
        self._parsed: dict[str, Any] = {}
        self._lock = threading.Lock()
        # pyld only keeps a resolved remote context across calls when the loader tags it "static".
        self._tag = "static" if cache_resolved_contexts else None
        self.resolved_contexts: LRUCache = LRUCache(maxsize=RESOLVED_CONTEXT_CACHE_SIZE)

    @property
    def urls(self) -> list[str]:
        return sorted(self._files)

    def with_contexts(self, extra: Mapping[str, Path | str]) -> OfflineDocumentLoader:
        """A new loader serving this loader's contexts plus ``extra`` (e.g. a test vector's example context)."""
        return OfflineDocumentLoader({**self._files, **extra}, cache_resolved_contexts=self._tag is not None)

    def load(self, url: str) -> Any:
        """The parsed JSON of the context served as ``url`` (a fresh copy the caller may modify)."""
        if url not in self._files:
            raise ContextNotAvailableError(url, list(self._files))
        with self._lock:
            if url not in self._parsed:
                self._parsed[url] = json.loads(self._files[url].read_text(encoding="utf-8"))
        # pyld rewrites nested context URLs in place, so never hand out the cached object itself.
        return copy.deepcopy(self._parsed[url])

    def __call__(self, url: str, options: dict | None = None) -> dict:
        return {
            "contentType": "application/ld+json",
            "contextUrl": None,
            "documentUrl": url,
            "document": self.load(url),
            "tag": self._tag,
        }

    def pyld_options(self, **extra: Any) -> dict:
        """Options for a pyld call that use this loader, its resolved-context cache and no base IRI."""
        return {
            "documentLoader": self,
            "contextResolver": ContextResolver(self.resolved_contexts, self),
            "base": None,
            **extra,
        }


_default_loader: OfflineDocumentLoader | None = None


def default_loader() -> OfflineDocumentLoader:
    """The process-wide loader serving the shipped contexts (created on first use)."""
    global _default_loader
    if _default_loader is None:
        _default_loader = OfflineDocumentLoader()
    return _default_loader


def _reraise_clearly(error: pyld_jsonld.JsonLdError) -> None:
    """Turn pyld's nested JsonLdError into our ContextNotAvailableError or a JsonLdProcessingError."""
    cause: BaseException | None = error
    messages = []
    while cause is not None:
        if isinstance(cause, ContextNotAvailableError):
            raise cause from error
        if isinstance(cause, pyld_jsonld.JsonLdError):
            message = cause.args[0] if cause.args else cause.type
            messages.append(f"{message} [{cause.code}]" if cause.code else str(message))
        else:
            messages.append(str(cause))
        cause = cause.__cause__
    raise JsonLdProcessingError("JSON-LD processing failed: " + " <- ".join(messages)) from error


@dataclass(frozen=True)
class CanonicalForm:
    """A document's canonical N-Quads together with the terms they leave out (see :func:`undefined_terms`)."""

    nquads: str
    undefined_terms: list[str]


def canonical_form(document: dict, *, loader: OfflineDocumentLoader | None = None) -> CanonicalForm:
    """RDFC-1.0 N-Quads and undefined terms of ``document`` from a single JSON-LD expansion.

    Same results as :func:`canonicalize` and :func:`undefined_terms` together, for about half the work:
    context processing dominates, and canonicalizing the expanded form needs none. Raises like them.
    """
    loader = loader or default_loader()
    expanded, undefined = _expand(document, loader)
    options = loader.pyld_options(algorithm="URDNA2015", format="application/n-quads")
    try:
        nquads = pyld_jsonld.normalize(expanded, options)
    except pyld_jsonld.JsonLdError as error:
        _reraise_clearly(error)
        raise  # unreachable: _reraise_clearly always raises
    return CanonicalForm(nquads=nquads, undefined_terms=undefined)


def canonicalize(document: dict, *, loader: OfflineDocumentLoader | None = None) -> str:
    """The RDFC-1.0 (URDNA2015) canonical N-Quads of ``document``, using only offline contexts.

    Raises ContextNotAvailableError for an unshipped context and JsonLdProcessingError for invalid JSON-LD.
    Terms the contexts do not define are silently absent from the result (JSON-LD's rule): check
    :func:`undefined_terms` (or use :func:`canonical_form`) before relying on it to cover the whole document.
    """
    loader = loader or default_loader()
    options = loader.pyld_options(algorithm="URDNA2015", format="application/n-quads")
    try:
        return pyld_jsonld.normalize(document, options)
    except pyld_jsonld.JsonLdError as error:
        _reraise_clearly(error)
        raise  # unreachable: _reraise_clearly always raises


def undefined_terms(document: dict, *, loader: OfflineDocumentLoader | None = None) -> list[str]:
    """Every term in ``document`` that would produce no RDF, and so would be left out of a signature.

    Reports, sorted and without repeats: properties the contexts do not define (pyld drops them while
    expanding) and type names, ``id`` values and IRI-typed values that stay relative IRIs (RDF conversion
    drops them, and a relative subject drops every statement about it). An empty list means the
    canonical form covers every property and type of the document. Raises like :func:`canonicalize`.
    """
    return _expand(document, loader or default_loader())[1]


def _expand(document: dict, loader: OfflineDocumentLoader) -> tuple[list, list[str]]:
    """The expanded form of ``document`` and its undefined terms (see :func:`undefined_terms`)."""
    dropped: list[str] = []
    processor = pyld_jsonld.JsonLdProcessor(
        on_property_dropped=lambda prop: dropped.append(prop if prop is not None else "<property mapped to null>")
    )
    try:
        expanded = processor.expand(document, loader.pyld_options())
    except pyld_jsonld.JsonLdError as error:
        _reraise_clearly(error)
        raise
    found = set(dropped)
    _collect_relative_iris(expanded, found)
    return expanded, sorted(found)


def _is_absolute_iri(value: str) -> bool:
    # Blank node labels ("_:b0") count as absolute for subjects and objects; pyld treats "x:y" as absolute too.
    return ":" in value


def _collect_relative_iris(node: Any, found: set[str]) -> None:
    """Add to ``found`` the relative IRIs in an expanded JSON-LD value (which RDF conversion would drop)."""
    if isinstance(node, list):
        for item in node:
            _collect_relative_iris(item, found)
        return
    if not isinstance(node, dict):
        return
    if "@value" in node:
        datatype = node.get("@type")
        if isinstance(datatype, str) and not datatype.startswith("@") and not _is_absolute_iri(datatype):
            found.add(datatype)
        return
    for key, value in node.items():
        if key.startswith("_:"):
            found.add(key)  # a blank-node property is not valid RDF and is dropped
        if key == "@id" and isinstance(value, str) and not _is_absolute_iri(value):
            found.add(value)
        elif key == "@type":
            for type_name in value if isinstance(value, list) else [value]:
                if isinstance(type_name, str) and not _is_absolute_iri(type_name):
                    found.add(type_name)
        else:
            _collect_relative_iris(value, found)
