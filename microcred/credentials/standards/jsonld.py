"""Offline JSON-LD processing for credentials: a document loader, RDFC-1.0 canonicalization, undefined-term checks.

Everything here works from the contexts shipped in ``contexts/`` (listed in ``contexts/SOURCES.json``). No function
in this module ever fetches a URL: a context that is not shipped is an error, not a download.

Relative IRIs are kept relative (pyld's ``base=None``), as jsonld.js does, so canonical forms match other
implementations; such IRIs produce no RDF and are reported by :func:`undefined_terms`.
"""
from __future__ import annotations

import copy
import hashlib
import json
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cachetools import LRUCache
from frozendict import frozendict
from pyld import jsonld as pyld_jsonld
from pyld.canon import URDNA2015
from pyld.context_resolver import ContextResolver
from pyld.identifier_issuer import IdentifierIssuer

from . import fastrdf

CONTEXTS_DIR = Path(__file__).resolve().parent / "contexts"
SOURCES_FILE = CONTEXTS_DIR / "SOURCES.json"

# Inline (object) contexts in documents are cached too, keyed by their JSON; bound the cache so that
# verifying many documents with odd inline contexts cannot grow memory without limit.
RESOLVED_CONTEXT_CACHE_SIZE = 256

# Processed active contexts, memoized per loader across calls (see _MemoizingProcessor). A credential touches a
# few dozen (active context, scoped context) pairs; bound the memo so that odd inline contexts cannot grow it.
PROCESSED_CONTEXT_CACHE_SIZE = 1024

# IRI expansions memoized per loader (cleared when full), and the largest inline context memoized by its JSON.
EXPANDED_IRI_CACHE_SIZE = 16384
CONTEXT_JSON_KEY_MAX = 65536

# Canonical forms of small, repeated documents (proof configurations), keyed by their canonical JSON.
CANONICAL_FORM_CACHE_SIZE = 1024
CANONICAL_FORM_CACHE_MAX_JSON = 4096
# …and of whole credentials (the same credential verified again and again: its public page, a verifier's
# retries, a wallet re-checking), keyed by the SHA-256 of their canonical JSON. Canonicalization is a pure
# function of the document and the shipped contexts, so this memo cannot change any result; the signature is
# still checked on every call. Bounded: 256 entries of at most 64 kB of JSON (about 30 MB at worst).
LARGE_CANONICAL_FORM_CACHE_SIZE = 256
LARGE_CANONICAL_FORM_CACHE_MAX_JSON = 65536


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
        # Memo of pyld context processing results (None: off, every call re-processes every context).
        self.processed_contexts: LRUCache | None = (
            LRUCache(maxsize=PROCESSED_CONTEXT_CACHE_SIZE) if cache_resolved_contexts else None)
        self.canonical_forms: LRUCache | None = (
            LRUCache(maxsize=CANONICAL_FORM_CACHE_SIZE) if cache_resolved_contexts else None)
        self.large_canonical_forms: LRUCache | None = (
            LRUCache(maxsize=LARGE_CANONICAL_FORM_CACHE_SIZE) if cache_resolved_contexts else None)
        self.memo_lock = threading.Lock()
        # IRI expansions against frozen active contexts: {(_uuid, value, base, vocab): IRI}; cleared when large.
        self.expanded_iris: dict | None = {} if cache_resolved_contexts else None
        # Direct JSON → canonical N-Quads for the JSON-LD credentials use (fastrdf.py); needs the caches above.
        self.use_fast_rdf = cache_resolved_contexts
        self._fast_canonicalizer = None

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

    def fast_canonicalizer(self):
        """This loader's :class:`fastrdf.FastCanonicalizer`, or None when the fast path is off."""
        if not self.use_fast_rdf or self.processed_contexts is None:
            return None
        if self._fast_canonicalizer is None:
            processor = _MemoizingProcessor(self)
            self._fast_canonicalizer = fastrdf.FastCanonicalizer(
                processor, processor._get_initial_context(self.expansion_options()))
        return self._fast_canonicalizer

    def expansion_options(self) -> dict:
        """pyld options as ``JsonLdProcessor.expand`` completes them, for one operation."""
        return self.pyld_options(isFrame=False, keepFreeFloatingNodes=False, extractAllScripts=False,
                                 processingMode="json-ld-1.1")

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


class _MemoizingProcessor(pyld_jsonld.JsonLdProcessor):
    """A pyld processor that memoizes context processing across calls, in its loader's ``processed_contexts``.

    pyld caches a processed context only per (resolved context, active context ``_uuid``), and every type-scoped
    context gets a fresh, un-frozen clone of the active context with a new ``_uuid``, so it re-processes the
    OB 3.0 type-scoped contexts for every node of every document. Processing a context is a pure function of
    the active context (immutable once pyld freezes it and gives it a ``_uuid``), the local context, the flags
    and the loader; this memo keys on exactly those and returns the very same frozen result, which also lets
    pyld's own per-``_uuid`` caches hit. Anything it cannot key safely (an unfrozen active context, a call
    inside cycle detection, an empty local context) goes to pyld unchanged; errors are never memoized.
    """

    def __init__(self, loader: OfflineDocumentLoader, on_property_dropped=None):
        if on_property_dropped is None:
            super().__init__()
        else:
            super().__init__(on_property_dropped=on_property_dropped)
        self._loader = loader
        self._memo = loader.processed_contexts
        self._iris = loader.expanded_iris

    def _expand_iri(self, active_ctx, value, base=None, vocab=False, local_ctx=None, defined=None):
        # Outside context processing (no local_ctx/defined), expanding an IRI depends only on the frozen active
        # context (identified by its _uuid), the value, base and vocab: memoize those calls.
        iris = self._iris
        if iris is None or local_ctx is not None or defined is not None or type(value) is not str \
                or not isinstance(active_ctx, frozendict):
            return super()._expand_iri(active_ctx, value, base, vocab, local_ctx, defined)
        uuid_ = active_ctx.get("_uuid")
        if uuid_ is None:
            return super()._expand_iri(active_ctx, value, base, vocab, local_ctx, defined)
        key = (uuid_, value, base, vocab)
        try:
            return iris[key]
        except KeyError:
            pass
        result = super()._expand_iri(active_ctx, value, base, vocab, local_ctx, defined)
        if len(iris) >= EXPANDED_IRI_CACHE_SIZE:
            iris.clear()
        iris[key] = result
        return result

    def _process_context(self, active_ctx, local_ctx, options, override_protected=False, propagate=True,
                         validate_scoped=True, cycles=None):
        memo = self._memo
        uuid_ = active_ctx.get("_uuid") if isinstance(active_ctx, frozendict) else None
        if memo is None or cycles or uuid_ is None:
            return super()._process_context(active_ctx, local_ctx, options, override_protected, propagate,
                                            validate_scoped, cycles)
        flags = (bool(override_protected), bool(propagate), bool(validate_scoped), options.get("base"),
                 options.get("processingMode"))
        local_key = _local_context_key(local_ctx)
        key = (uuid_, local_key, *flags)
        with self._loader.memo_lock:
            entry = memo.get(key)
        # An entry keyed by the identity of a context object pins that object (so its id cannot be reused) and
        # keeps a deep copy of it, so a context object that was changed in place since is never served stale.
        if entry is not None and (entry[0] is None or entry[0] == local_ctx):
            return entry[1]
        # A new object (an inline context in a document: pyld copies documents) is looked up by its JSON.
        json_key = None
        if local_key[0] == "id" and type(local_ctx) in (dict, list):
            text = _plain_json_key(local_ctx, CONTEXT_JSON_KEY_MAX)
            if text is not None:
                json_key = (uuid_, ("object", text), *flags)
                with self._loader.memo_lock:
                    entry = memo.get(json_key)
                if entry is not None:
                    return entry[1]
        result = super()._process_context(active_ctx, local_ctx, options, override_protected, propagate,
                                          validate_scoped, cycles)
        if isinstance(result, frozendict) and "_uuid" in result:
            with self._loader.memo_lock:
                if local_key[0] != "id":
                    memo[key] = (None, result)
                else:
                    memo[key] = (copy.deepcopy(local_ctx), result, local_ctx)
                    if json_key is not None:
                        memo[json_key] = (None, result)
        return result


def _local_context_key(local_ctx: Any) -> tuple:
    """A memo key for a local context: its value for strings and lists of strings, else the object's identity.

    Each kind of key has its own tag, so a URL string can never collide with the JSON text of an inline context.
    """
    if isinstance(local_ctx, str):
        return ("url", str(local_ctx))
    if local_ctx is None:
        return ("null",)
    if isinstance(local_ctx, list) and all(isinstance(item, str) for item in local_ctx):
        return ("urls", tuple(local_ctx))
    return ("id", id(local_ctx))


@dataclass(frozen=True)
class CanonicalForm:
    """A document's canonical N-Quads together with the terms they leave out (see :func:`undefined_terms`)."""

    nquads: str
    undefined_terms: list[str]


def _plain_json_key(document: Any, limit: int) -> str | None:
    """Canonical JSON of ``document`` if it is small and made only of plain JSON types (else None)."""
    stack = [document]
    size = 0  # a lower bound of the JSON's length, to give up early on large documents
    while stack:
        value = stack.pop()
        kind = type(value)
        size += 2
        if kind is dict:
            for key in value:
                if type(key) is not str:
                    return None
                size += len(key) + 3
            stack.extend(value.values())
        elif kind is list:
            stack.extend(value)
        elif kind is str:
            size += len(value)
        elif kind not in (int, float, bool) and value is not None:
            return None
        if size > limit:
            return None
    try:
        text = json.dumps(document, sort_keys=True, ensure_ascii=False, allow_nan=False, separators=(",", ":"))
    except ValueError:
        return None
    return text if len(text) <= limit else None


def canonical_form(document: dict, *, loader: OfflineDocumentLoader | None = None) -> CanonicalForm:
    """RDFC-1.0 N-Quads and undefined terms of ``document`` from a single JSON-LD expansion.

    Same results as :func:`canonicalize` and :func:`undefined_terms` together, for a fraction of the work:
    the document is expanded once (with memoized context processing) and its expanded form is turned into RDF
    and canonicalized directly. Documents are memoized by their canonical JSON (small ones: proof
    configurations) or its SHA-256 (credentials up to 64 kB). Raises like them.
    """
    loader = loader or default_loader()
    cache, cache_key = None, None
    if loader.canonical_forms is not None:
        text = _plain_json_key(document, LARGE_CANONICAL_FORM_CACHE_MAX_JSON)
        if text is not None and len(text) <= CANONICAL_FORM_CACHE_MAX_JSON:
            cache, cache_key = loader.canonical_forms, text
        elif text is not None:
            cache, cache_key = loader.large_canonical_forms, hashlib.sha256(text.encode("utf-8")).digest()
    if cache_key is not None:
        with loader.memo_lock:
            cached = cache.get(cache_key)
        if cached is not None:
            return CanonicalForm(nquads=cached.nquads, undefined_terms=list(cached.undefined_terms))
    nquads = _fast_nquads(document, loader)
    if nquads is not None:
        undefined: list[str] = []  # the fast path gives up on any term that would produce no RDF
    else:
        processor, expanded, undefined = _expand(document, loader)
        nquads = _canonical_nquads_of_expanded(processor, expanded)
    result = CanonicalForm(nquads=nquads, undefined_terms=undefined)
    if cache_key is not None:
        with loader.memo_lock:
            cache[cache_key] = CanonicalForm(nquads=nquads, undefined_terms=list(undefined))
    return result


def _fast_nquads(document: Any, loader: OfflineDocumentLoader) -> str | None:
    """Canonical N-Quads from fastrdf, or None when the document is outside its subset (or invalid): the
    caller then runs pyld, which gives the same N-Quads or reports the problem (undefined terms, bad JSON-LD)."""
    fast = loader.fast_canonicalizer()
    if fast is None:
        return None
    try:
        return fast.canonical_nquads(document, loader.expansion_options())
    except fastrdf.Unsupported:
        return None
    except Exception:  # noqa: BLE001 — invalid JSON-LD, unknown context, deep nesting: pyld reports it clearly
        return None


# pyld's normalize() → to_rdf() options, minus the expansion step (the input is already expanded).
_TO_RDF_OPTIONS = {"algorithm": "URDNA2015", "format": "application/n-quads", "base": None,
                   "produceGeneralizedRdf": False, "processingMode": "json-ld-1.1", "rdfDirection": None}


def _canonical_nquads_of_expanded(processor: pyld_jsonld.JsonLdProcessor, expanded: list) -> str:
    """``pyld.normalize`` of an already expanded document, without expanding it a second time.

    This is pyld's ``to_rdf`` after its ``expand`` call, followed by URDNA2015 (RDFC-1.0), as in ``normalize``;
    re-expanding an expanded document is the identity, so the result is the same string.
    """
    options = dict(_TO_RDF_OPTIONS)
    try:
        issuer = IdentifierIssuer("_:b")
        node_map: dict = {"@default": {}}
        processor._create_node_map(expanded, node_map, "@default", issuer)
        dataset = {}
        for graph_name, graph in sorted(node_map.items()):
            if graph_name == "@default" or pyld_jsonld._is_absolute_iri(graph_name):
                dataset[graph_name] = processor._graph_to_rdf(graph, issuer, options)
    except pyld_jsonld.JsonLdError as cause:
        try:
            raise pyld_jsonld.JsonLdError("Could not convert input to RDF dataset before normalization.",
                                          "jsonld.NormalizeError") from cause
        except pyld_jsonld.JsonLdError as error:
            _reraise_clearly(error)
    except (OverflowError, ValueError) as error:
        raise _number_too_large(error) from error
    try:
        return URDNA2015().main(dataset, options)
    except pyld_jsonld.JsonLdError as error:
        _reraise_clearly(error)
        raise
    except (TypeError, KeyError, AttributeError) as error:
        # pyld crashes instead of reporting on some invalid input (a list item that is a relative IRI leaves a
        # None object in the dataset): the document cannot be canonicalized, so say that.
        raise JsonLdProcessingError("JSON-LD processing failed: the document cannot be put in canonical form "
                                    "(for example, a list holds a relative IRI)") from error


def _number_too_large(error: Exception) -> JsonLdProcessingError:
    # pyld writes integers of 10^21 and more as doubles (float() overflows beyond ~1.8e308) and Python refuses
    # to print integers of more than 4,300 digits: say so instead of leaking the raw exception.
    return JsonLdProcessingError("JSON-LD processing failed: a number in the document is too large to write in "
                                 f"canonical form ({type(error).__name__})")


def canonicalize(document: dict, *, loader: OfflineDocumentLoader | None = None) -> str:
    """The RDFC-1.0 (URDNA2015) canonical N-Quads of ``document``, using only offline contexts.

    Raises ContextNotAvailableError for an unshipped context and JsonLdProcessingError for invalid JSON-LD.
    Terms the contexts do not define are silently absent from the result (JSON-LD's rule): check
    :func:`undefined_terms` (or use :func:`canonical_form`) before relying on it to cover the whole document.
    """
    loader = loader or default_loader()
    nquads = _fast_nquads(document, loader)
    if nquads is not None:
        return nquads
    options = loader.pyld_options(algorithm="URDNA2015", format="application/n-quads")
    try:
        return _MemoizingProcessor(loader).normalize(document, options)
    except pyld_jsonld.JsonLdError as error:
        _reraise_clearly(error)
        raise  # unreachable: _reraise_clearly always raises
    except (OverflowError, ValueError) as error:
        raise _number_too_large(error) from error


def undefined_terms(document: dict, *, loader: OfflineDocumentLoader | None = None) -> list[str]:
    """Every term in ``document`` that would produce no RDF, and so would be left out of a signature.

    Reports, sorted and without repeats: properties the contexts do not define (pyld drops them while
    expanding) and type names, ``id`` values and IRI-typed values that stay relative IRIs (RDF conversion
    drops them, and a relative subject drops every statement about it). An empty list means the
    canonical form covers every property and type of the document. Raises like :func:`canonicalize`.
    """
    return _expand(document, loader or default_loader())[2]


def _expand(document: dict, loader: OfflineDocumentLoader) -> tuple[pyld_jsonld.JsonLdProcessor, list, list[str]]:
    """The processor used, the expanded form of ``document`` and its undefined terms (see :func:`undefined_terms`)."""
    dropped: list[str] = []
    processor = _MemoizingProcessor(
        loader,
        on_property_dropped=lambda prop: dropped.append(prop if prop is not None else "<property mapped to null>"),
    )
    try:
        expanded = processor.expand(document, loader.pyld_options())
    except pyld_jsonld.JsonLdError as error:
        _reraise_clearly(error)
        raise
    except (OverflowError, ValueError) as error:
        raise _number_too_large(error) from error
    found = set(dropped)
    _collect_relative_iris(expanded, found)
    return processor, expanded, sorted(found)


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
