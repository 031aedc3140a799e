"""Fast path from a JSON-LD credential to its RDFC-1.0 canonical N-Quads, byte-identical to pyld's.

pyld expands a document to JSON-LD, builds a node map, converts it to RDF and canonicalizes it, creating a dict
per value at each step; for a micro-credential that is ~10 ms. This module goes from the JSON straight to quads
and canonicalizes them, for the subset of JSON-LD that credentials use:

- context processing is pyld's own (``_process_context`` of the memoizing processor, called with the same
  arguments in the same order as pyld's expansion does), so every term, type-scoped and property-scoped
  context, ``@protected`` rule and coercion means exactly what it means to pyld;
- node objects with ``id``/``type`` and terms coerced to ``@id``, ``@vocab``, a datatype, or not coerced;
  ``@set``, ``@list`` and ``@graph`` containers; string, boolean and integer values;
- RDFC-1.0 when every blank node has a distinct first-degree hash (no N-degree hashing needed), otherwise
  pyld's URDNA2015 on the quads built here.

Anything else — a term the contexts leave undefined, a relative IRI, a value object, a language, ``@json``, a
float, a nested array, an unusual keyword — raises :class:`Unsupported` and the caller uses plain pyld, which
also reports undefined terms. So when :meth:`FastCanonicalizer.canonical_nquads` returns, the document has no
undefined terms. ``tests/test_fast_rdf.py`` checks the output against pyld's on every vector and on generated
credentials.
"""
from __future__ import annotations

import hashlib
import re
from typing import Any

from pyld import jsonld as pyld_jsonld
from pyld.canon import URDNA2015
from pyld.nquads import escape

RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
XSD = "http://www.w3.org/2001/XMLSchema#"
RDF_TYPE, RDF_FIRST, RDF_REST, RDF_NIL = RDF + "type", RDF + "first", RDF + "rest", RDF + "nil"
XSD_STRING, XSD_BOOLEAN, XSD_INTEGER, XSD_DOUBLE = XSD + "string", XSD + "boolean", XSD + "integer", XSD + "double"

# pyld's _is_absolute_iri, including its use of re.match with "$" (which also matches before a final newline).
_ABSOLUTE_IRI = re.compile(r"^([A-Za-z][A-Za-z0-9+-.]*|_):[^\s]*$")
_SUPPORTED_CONTAINERS = frozenset({"@set", "@list", "@graph"})

# Per-loader memo sizes; cleared when full (entries pin the context objects they are keyed on by identity).
CONTEXT_MEMO_SIZE = 4096
TERM_MEMO_SIZE = 4096


class Unsupported(Exception):
    """The document uses JSON-LD outside the fast path's subset; use pyld."""


def _absolute(iri: Any) -> bool:
    return type(iri) is str and _ABSOLUTE_IRI.match(iri) is not None


class _Term:
    """What a key means in one active context, reduced to what the fast path needs."""

    __slots__ = ("iri", "scoped_context", "is_list", "is_graph", "type_mapping", "has_language", "problem")

    def __init__(self, iri, mapping):
        self.iri = iri
        self.problem = None  # why a property with this term is outside the fast path (None: it is not)
        self.scoped_context = self.type_mapping = None
        self.is_list = self.is_graph = self.has_language = False
        if type(iri) is not str or not iri:
            self.problem = "undefined term"
        elif iri[0] != "@" and (not _absolute(iri) or iri.startswith("_:")):
            self.problem = "term without an absolute IRI"
        if not mapping:
            return
        self.scoped_context = mapping.get("@context")
        container = mapping.get("@container")
        container = frozenset(container if isinstance(container, list) else [container]) \
            if container is not None else frozenset()
        self.is_list, self.is_graph = "@list" in container, "@graph" in container
        self.type_mapping = mapping.get("@type")
        self.has_language = "@language" in mapping or "@direction" in mapping
        if mapping.get("reverse") or not container <= _SUPPORTED_CONTAINERS or (self.is_list and self.is_graph) \
                or self.type_mapping == "@json" or "@nest" in mapping or "@index" in mapping:
            self.problem = "container, @reverse, @nest, @index or @json"


class _ContextInfo:
    """Memoized lookups against one frozen active context (terms, IRIs, type-scoped contexts)."""

    __slots__ = ("context", "terms", "iris", "type_names", "typed", "has_language", "previous")

    def __init__(self, context):
        self.context = context
        self.terms: dict[str, _Term] = {}
        self.iris: dict[str, Any] = {}  # @id values and @id-coerced strings -> absolute IRI (None: relative)
        self.type_names: dict[str, Any] = {}  # type names and @vocab-coerced strings -> absolute IRI or None
        self.typed: dict[tuple, Any] = {}  # sorted type names -> info of the context with their scoped contexts
        # A default language or direction changes how every plain string expands: not in the fast path.
        self.has_language = "@language" in context or "@direction" in context
        self.previous = context.get("previousContext")


class _Document:
    """The quads of one document as they are built."""

    __slots__ = ("options", "quads", "literals", "literal_keys", "blank_nodes", "count")

    def __init__(self, options: dict):
        self.options = options  # pyld options of this call (its ContextResolver caches per operation)
        self.quads: dict[tuple, None] = {}  # an ordered set of (subject, predicate, object, graph)
        self.literals: dict[str, tuple] = {}  # serialized literal -> (lexical form, datatype)
        self.literal_keys: dict[tuple, str] = {}  # pyld's duplicate test for values -> serialized literal
        self.blank_nodes: dict[str, str] = {}  # "_:label" in the document -> our label
        self.count = 0

    def blank_node(self) -> str:
        self.count += 1
        return f"_:b{self.count}"

    def named_blank_node(self, label: str) -> str:
        found = self.blank_nodes.get(label)
        if found is None:
            found = self.blank_nodes[label] = self.blank_node()
        return found


_NEEDS_ESCAPE = re.compile(r'[\\\t\n\r"]')


def _literal(lexical: str, datatype: str) -> str:
    """A literal in N-Quads form, escaped exactly as pyld does."""
    if _NEEDS_ESCAPE.search(lexical) is not None:
        lexical = escape(lexical)
    if datatype == XSD_STRING:
        return '"' + lexical + '"'
    return '"' + lexical + '"^^<' + datatype + ">"


def _serialize(term: str) -> str:
    """N-Quads form of a subject/object/graph: literals are stored serialized, blank nodes as "_:…", IRIs bare."""
    first = term[0]
    if first == '"' or first == "_":
        return term
    return "<" + term + ">"


_MISSING = object()


class FastCanonicalizer:
    """Canonical N-Quads of credentials, for one offline loader (its contexts and pyld's memoized processing).

    Safe to share between threads: the memos only ever gain entries equal to what they would recompute.
    """

    def __init__(self, processor: pyld_jsonld.JsonLdProcessor, initial_context):
        self._processor = processor
        self._initial = initial_context
        self._contexts: dict[tuple, tuple] = {}
        self._infos: dict[int, _ContextInfo] = {}

    # --- contexts -------------------------------------------------------------------------------------------

    def _info(self, context) -> _ContextInfo:
        info = self._infos.get(id(context))
        if info is None or info.context is not context:
            if len(self._infos) >= TERM_MEMO_SIZE:
                self._infos.clear()
            info = self._infos[id(context)] = _ContextInfo(context)
        return info

    def _process(self, doc: _Document, active, local, *, override_protected=False, propagate=True):
        """pyld's _process_context, memoized on the identity of a frozen active context and of a scoped context
        taken from one of its term definitions (or on the value of a context URL / list of URLs)."""
        if type(local) is str:
            local_key: Any = local
        elif type(local) is list and all(type(item) is str for item in local):
            local_key = tuple(local)
        else:
            local_key = id(local)
        key = (id(active), local_key, override_protected, propagate)
        entry = self._contexts.get(key)
        if entry is not None and entry[0] is active and (type(local_key) is not int or entry[1] is local):
            return entry[2]
        result = self._processor._process_context(active, local, doc.options, override_protected, propagate)
        if len(self._contexts) >= CONTEXT_MEMO_SIZE:
            self._contexts.clear()
        self._contexts[key] = (active, local, result)
        return result

    def _term(self, info: _ContextInfo, key: str) -> _Term:
        term = info.terms.get(key)
        if term is None:
            if len(info.terms) >= TERM_MEMO_SIZE:
                info.terms.clear()
            term = info.terms[key] = _Term(self._processor._expand_iri(info.context, key, None, True),
                                           info.context["mappings"].get(key))
        return term

    def _iri(self, info: _ContextInfo, value: str) -> str:
        """``value`` as a document-relative IRI (an @id), or Unsupported if it stays relative."""
        iri = info.iris.get(value, _MISSING)
        if iri is _MISSING:
            if len(info.iris) >= TERM_MEMO_SIZE:
                info.iris.clear()
            iri = self._processor._expand_iri(info.context, value, None, False)
            iri = info.iris[value] = iri if _absolute(iri) else None
        if iri is None:
            raise Unsupported("relative IRI")
        return iri

    def _vocab_iri(self, info: _ContextInfo, value: str) -> str:
        """``value`` as a vocabulary-relative IRI (a type name), or Unsupported if it is not absolute."""
        iri = info.type_names.get(value, _MISSING)
        if iri is _MISSING:
            if len(info.type_names) >= TERM_MEMO_SIZE:
                info.type_names.clear()
            iri = self._processor._expand_iri(info.context, value, None, True)
            iri = info.type_names[value] = iri if _absolute(iri) else None
        if iri is None:
            raise Unsupported("type name or @vocab value without an absolute IRI")
        return iri

    # --- JSON-LD to quads -----------------------------------------------------------------------------------

    def quads(self, document: dict, options: dict) -> _Document:
        """The RDF quads of ``document``, as pyld's toRDF would produce them (up to blank node labels)."""
        if type(document) is not dict:
            raise Unsupported("not a JSON object")
        doc = _Document(options)
        self._node(doc, self._initial, None, document, None)
        return doc

    def _node(self, doc: _Document, active, active_property, element: dict, graph) -> str:
        """Add the quads of a node object; return its subject (IRI or blank node). Mirrors pyld's _expand for
        an object, then _expand_object, then the node map and toRDF of the result."""
        info = self._info(active)
        property_scoped = self._term(info, active_property).scoped_context if active_property is not None else None

        # Type-scoped contexts do not propagate into nested nodes, except into a bare reference {"id": …}.
        if info.previous is not None:
            must_revert = True
            if len(element) <= 2 and "@context" not in element:
                for key in element:
                    expanded = self._term(info, key).iri
                    if expanded == "@value":
                        raise Unsupported("value object")
                    if expanded == "@id" and len(element) == 1:
                        must_revert = False
            if must_revert:
                active = info.previous
        if property_scoped is not None:
            active = self._process(doc, active, property_scoped, override_protected=True)

        # pyld's _prepare_nested_context: the node's own @context, then type-scoped contexts in sorted order.
        if "@context" in element:
            local = element["@context"]
            if type(local) is dict and len(local) == 1 and "@context" in local:
                raise Unsupported("invalid local context")
            active = self._process(doc, active, local) if type(local) in (str, list) and _all_strings(local) \
                else self._processor._process_context(active, local, doc.options)
        type_scoped_info = info = self._info(active)
        type_key = None
        terms = info.terms
        for key in element:
            term = terms.get(key) or self._term(info, key)
            if term.iri == "@type":
                if type_key is not None:
                    raise Unsupported("two keys for @type")
                type_key = key
        types = ()
        if type_key is not None:
            value = element[type_key]
            if type(value) is str:
                types = (value,)
            elif type(value) is list:
                types = tuple(value)
            else:
                raise Unsupported("@type value")
            names = tuple(sorted(name for name in types if type(name) is str))
            if len(names) != len(types):
                raise Unsupported("@type value")
            typed = info.typed.get(names)
            if typed is None:
                typed_context = active
                mappings = active["mappings"]
                for name in names:
                    mapping = mappings.get(name)
                    scoped = mapping.get("@context") if mapping else None
                    if scoped is not None and scoped is not False:
                        typed_context = self._process(doc, typed_context, scoped, propagate=False)
                typed = info.typed[names] = self._info(typed_context)
            info = typed
        if info.has_language:
            raise Unsupported("default language or direction")

        subject = None
        values = []  # (term, value) to add once the subject is known
        terms = info.terms
        for key, value in element.items():
            if key == "@context":
                continue
            term = terms.get(key) or self._term(info, key)
            if term.problem is not None:
                raise Unsupported(f"{term.problem}: {key!r}")
            iri = term.iri
            if key == type_key and iri != "@type":
                raise Unsupported("a type-scoped context redefines the key of @type")
            if iri[0] != "@":
                if value is not None:
                    values.append((key, term, value))
            elif iri == "@id":
                if subject is not None or type(value) is not str:
                    raise Unsupported("@id")
                subject = self._iri(info, value)
                if subject[0] == "_":
                    subject = doc.named_blank_node(subject)
            elif iri != "@type" or key != type_key:
                raise Unsupported(f"keyword {iri}")

        if subject is None:
            subject = doc.blank_node()
        quads = doc.quads
        for name in types:
            name = self._vocab_iri(type_scoped_info, name)
            if name[0] == "_":
                raise Unsupported("blank node type")
            quads[(subject, RDF_TYPE, name, graph)] = None
        for key, term, value in values:
            self._property(doc, info, subject, key, term, value, graph)
        return subject

    def _property(self, doc: _Document, info: _ContextInfo, subject: str, key: str, term: _Term, value,
                  graph) -> None:
        """Add the quads of one property of a node (pyld's _expand_object for a non-keyword key)."""
        iri = term.iri
        term_info = info
        value_term = term
        if term.scoped_context is not None:
            term_info = self._info(self._process(doc, info.context, term.scoped_context, override_protected=True))
            value_term = self._term(term_info, key)
            if value_term.iri != iri or value_term.problem is not None:
                raise Unsupported(f"term {key!r} redefined by its own scoped context")
        term_active = term_info.context
        is_list, is_graph = term.is_list, term.is_graph
        quads = doc.quads

        objects = []
        for item in value if type(value) is list else (value,):
            kind = type(item)
            if kind is dict:
                if is_graph:
                    graph_name = doc.blank_node()
                    self._node(doc, term_active, key, item, graph_name)
                    objects.append(graph_name)
                else:
                    objects.append(self._node(doc, term_active, key, item, graph))
                continue
            if item is None:
                continue
            if kind is list or is_graph:
                raise Unsupported("nested array or scalar in a @graph container")
            if kind is not str and isinstance(item, str):  # e.g. a Django TextChoices member: its string value
                item, kind = str.__str__(item), str
            coerce = value_term.type_mapping
            if kind is str:
                if coerce == "@id":
                    obj = self._iri(term_info, item)
                    objects.append(doc.named_blank_node(obj) if obj[0] == "_" else obj)
                    continue
                if coerce == "@vocab":
                    obj = self._vocab_iri(term_info, item)
                    objects.append(doc.named_blank_node(obj) if obj[0] == "_" else obj)
                    continue
                if coerce is None or coerce == "@none":
                    if value_term.has_language or term_info.has_language:
                        raise Unsupported("language-tagged string")
                    datatype = declared = XSD_STRING
                    declared = None
                else:
                    if coerce == XSD_DOUBLE or not _absolute(coerce) or coerce[0] == "_":
                        raise Unsupported("datatype")
                    datatype = declared = coerce
                lexical = item
            else:
                # A number or boolean keeps its JSON type; a coerced datatype only replaces the default one.
                declared = None
                if coerce is not None and coerce not in ("@id", "@vocab", "@none"):
                    if coerce == XSD_DOUBLE or not _absolute(coerce) or coerce[0] == "_":
                        raise Unsupported("datatype")
                    declared = coerce
                if kind is bool:
                    datatype, lexical = declared or XSD_BOOLEAN, "true" if item else "false"
                elif kind is int and -10 ** 21 < item < 10 ** 21:
                    datatype, lexical = declared or XSD_INTEGER, str(item)
                else:
                    raise Unsupported(f"{kind.__name__} value")
            literal = _literal(lexical, datatype)
            doc.literals[literal] = (lexical, datatype)
            if is_list:
                objects.append(literal)
                continue
            # pyld keeps one of two values of a property that are equal in Python with the same @type (so
            # True and 1 are "the same", "1" and 1 are not): keep that rule, or leave such documents to pyld.
            value_key = (subject, iri, graph, item, declared)
            seen = doc.literal_keys.get(value_key)
            if seen is not None:
                if seen != literal:
                    raise Unsupported("values pyld would merge serialize differently")
                continue
            quad = (subject, iri, literal, graph)
            if quad in quads:
                raise Unsupported("values pyld would keep twice serialize the same")
            doc.literal_keys[value_key] = literal
            quads[quad] = None

        if is_list:
            head = RDF_NIL
            if objects:
                nodes = [doc.blank_node() for _ in objects]
                for index, obj in enumerate(objects):
                    quads[(nodes[index], RDF_FIRST, obj, graph)] = None
                    quads[(nodes[index], RDF_REST, nodes[index + 1] if index + 1 < len(nodes) else RDF_NIL,
                           graph)] = None
                head = nodes[0]
            quads[(subject, iri, head, graph)] = None
            return
        for obj in objects:
            quads[(subject, iri, obj, graph)] = None

    # --- RDFC-1.0 -------------------------------------------------------------------------------------------

    def canonical_nquads(self, document: dict, options: dict) -> str:
        """RDFC-1.0 canonical N-Quads of ``document``, byte-identical to pyld's; raises Unsupported.

        ``options`` are pyld expansion options for this call (loader, a fresh ContextResolver, no base)."""
        return canonicalize_quads(self.quads(document, options))


def _all_strings(value) -> bool:
    return type(value) is str or all(type(item) is str for item in value)


def canonicalize_quads(doc: _Document) -> str:
    """RDFC-1.0 of the quads: issue canonical labels in the order of first-degree hashes when they are all
    distinct; otherwise run pyld's URDNA2015 (with N-degree hashing) on the same quads."""
    quads = list(doc.quads)
    by_blank_node: dict[str, list] = {}
    for quad in quads:
        subject, _p, obj, graph = quad
        # One entry per position a blank node occupies, as pyld does (a self-reference counts twice).
        if subject[0] == "_":
            by_blank_node.setdefault(subject, []).append(quad)
        if obj[0] == "_":
            by_blank_node.setdefault(obj, []).append(quad)
        if graph is not None and graph[0] == "_":
            by_blank_node.setdefault(graph, []).append(quad)

    hashes: dict[str, str] = {}
    for node, node_quads in by_blank_node.items():
        lines = []
        for subject, predicate, obj, graph in node_quads:
            s = ("_:a" if subject == node else "_:z") if subject[0] == "_" else "<" + subject + ">"
            o = ("_:a" if obj == node else "_:z") if obj[0] == "_" else _serialize(obj)
            if graph is None:
                lines.append(f"{s} <{predicate}> {o} .\n")
            else:
                g = ("_:a" if graph == node else "_:z") if graph[0] == "_" else "<" + graph + ">"
                lines.append(f"{s} <{predicate}> {o} {g} .\n")
        lines.sort()
        digest = hashlib.sha256("".join(lines).encode("utf-8")).hexdigest()
        if digest in hashes:
            return _urdna2015(doc, quads)
        hashes[digest] = node

    labels = {node: f"_:c14n{index}" for index, (_digest, node) in enumerate(sorted(hashes.items()))}
    lines = []
    for subject, predicate, obj, graph in quads:
        s = labels[subject] if subject[0] == "_" else "<" + subject + ">"
        o = labels[obj] if obj[0] == "_" else _serialize(obj)
        if graph is None:
            lines.append(f"{s} <{predicate}> {o} .\n")
        else:
            lines.append(f"{s} <{predicate}> {o} {labels[graph] if graph[0] == '_' else '<' + graph + '>'} .\n")
    lines.sort()
    return "".join(lines)


def _urdna2015(doc: _Document, quads: list) -> str:
    """pyld's URDNA2015 on our quads (for blank nodes that first-degree hashes cannot tell apart)."""

    def resource(term: str) -> dict:
        return {"type": "blank node" if term[0] == "_" else "IRI", "value": term}

    dataset: dict[str, list] = {}
    for subject, predicate, obj, graph in quads:
        if obj[0] == '"':
            lexical, datatype = doc.literals[obj]
            rdf_object = {"type": "literal", "value": lexical, "datatype": datatype}
        else:
            rdf_object = resource(obj)
        dataset.setdefault("@default" if graph is None else graph, []).append(
            {"subject": resource(subject), "predicate": {"type": "IRI", "value": predicate}, "object": rdf_object})
    return URDNA2015().main(dataset, {"algorithm": "URDNA2015", "format": "application/n-quads"})
