"""Read an IMS CASE 1.0 CFPackage (JSON): its CFDocument, CFItems and the isChildOf CFAssociations that make the tree.

Only reads and checks; `services.import_case_package` writes. Every refusal is a `CaseErrors` whose messages name
the place in the package (e.g. ``CFItems[3].uri``). Other association types, CFDefinitions and CFRubrics are read
past: microcred aligns to items and shows them in their tree (docs/decisions/0029).
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from urllib.parse import urlparse

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

MAX_DEPTH = 30  # deeper trees are refused rather than walked


class CaseErrors(ValidationError):
    """The package was refused; ``.messages`` say why, each naming where."""


@dataclass
class CaseItem:
    identifier: str
    uri: str
    full_statement: str
    human_coding_scheme: str = ""
    abbreviated_statement: str = ""
    item_type: str = ""
    list_enumeration: str = ""
    parent: str = ""         # the identifier of its parent item, "" under the document
    sequence: float = 0.0
    depth: int = 0
    position: int = 0


@dataclass
class CasePackage:
    identifier: str
    title: str
    uri: str = ""
    creator: str = ""
    publisher: str = ""
    description: str = ""
    version: str = ""
    adoption_status: str = ""
    language: str = ""
    official_source_url: str = ""
    last_change: str = ""
    items: list[CaseItem] = field(default_factory=list)


def decode(raw: bytes | str, *, max_bytes: int) -> object:
    """Bytes → JSON value, refusing an oversized, non-UTF-8 or malformed body with a clear message."""
    if len(raw) > max_bytes:
        raise CaseErrors(_("The file is too large (%(size)s bytes; at most %(limit)s).")
                         % {"size": f"{len(raw):,}", "limit": f"{max_bytes:,}"})
    if isinstance(raw, bytes):
        try:
            raw = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise CaseErrors(_("The file is not UTF-8 text; a CASE package is JSON.")) from None
    try:
        return json.loads(raw)
    except (json.JSONDecodeError, RecursionError) as exc:
        raise CaseErrors(_("This is not valid JSON: %(why)s.") % {"why": getattr(exc, "msg", _("nested too deeply"))}) from None


class _Reader:
    def __init__(self) -> None:
        self.errors: list[str] = []

    def text(self, obj: dict, key: str, where: str, *, required: bool = False, limit: int = 300) -> str:
        value = obj.get(key)
        if value is None or value == "":
            if required:
                self.errors.append(_("%(where)s.%(key)s is required.") % {"where": where, "key": key})
            return ""
        if isinstance(value, (int, float)) and not isinstance(value, bool) and key in ("humanCodingScheme", "listEnumeration", "version"):
            value = str(value)
        if not isinstance(value, str):
            self.errors.append(_("%(where)s.%(key)s must be text.") % {"where": where, "key": key})
            return ""
        value = value.replace("\x00", "").strip()
        if len(value) > limit:
            self.errors.append(_("%(where)s.%(key)s is too long (%(n)s characters; at most %(limit)s).")
                               % {"where": where, "key": key, "n": len(value), "limit": limit})
            return ""
        return value

    def url(self, obj: dict, key: str, where: str, *, required: bool = False) -> str:
        value = self.text(obj, key, where, required=required, limit=500)
        if value:
            parsed = urlparse(value)
            if parsed.scheme not in ("http", "https") or not parsed.netloc:
                self.errors.append(_("%(where)s.%(key)s must be an http(s) URL.") % {"where": where, "key": key})
                return ""
        return value

    def node_identifier(self, obj: dict, key: str, where: str) -> str:
        node = obj.get(key)
        if not isinstance(node, dict):
            self.errors.append(_("%(where)s.%(key)s must be an object with an identifier.") % {"where": where, "key": key})
            return ""
        return self.text(node, "identifier", f"{where}.{key}", required=True, limit=100)


def read_package(data: object, *, max_items: int) -> CasePackage:
    """Check a decoded CFPackage and return what microcred keeps of it; raise CaseErrors listing the problems."""
    if not isinstance(data, dict):
        raise CaseErrors(_("A CASE package is a JSON object with CFDocument, CFItems and CFAssociations."))
    document = data.get("CFDocument")
    if not isinstance(document, dict):
        raise CaseErrors(_("CFDocument is missing: this does not look like a CASE 1.0 CFPackage."))
    r = _Reader()
    package = CasePackage(
        identifier=r.text(document, "identifier", "CFDocument", required=True, limit=100),
        title=r.text(document, "title", "CFDocument", required=True),
        uri=r.url(document, "uri", "CFDocument"),
        creator=r.text(document, "creator", "CFDocument"),
        publisher=r.text(document, "publisher", "CFDocument"),
        description=r.text(document, "description", "CFDocument", limit=20_000),
        version=r.text(document, "version", "CFDocument", limit=60),
        adoption_status=r.text(document, "adoptionStatus", "CFDocument", limit=60),
        language=r.text(document, "language", "CFDocument", limit=20),
        official_source_url=r.url(document, "officialSourceURL", "CFDocument"),
        last_change=r.text(document, "lastChangeDateTime", "CFDocument", limit=40),
    )
    raw_items = data.get("CFItems", [])
    raw_associations = data.get("CFAssociations", [])
    for key, value in (("CFItems", raw_items), ("CFAssociations", raw_associations)):
        if not isinstance(value, list):
            raise CaseErrors(_("%(key)s must be a list.") % {"key": key})
    if len(raw_items) > max_items:
        raise CaseErrors(_("The package has %(n)s items; at most %(limit)s are imported at once.")
                         % {"n": f"{len(raw_items):,}", "limit": f"{max_items:,}"})
    items: dict[str, CaseItem] = {}
    for i, raw in enumerate(raw_items):
        where = f"CFItems[{i}]"
        if not isinstance(raw, dict):
            r.errors.append(_("%(where)s must be an object.") % {"where": where})
            continue
        item = CaseItem(identifier=r.text(raw, "identifier", where, required=True, limit=100),
                        uri=r.url(raw, "uri", where, required=True),
                        full_statement=r.text(raw, "fullStatement", where, required=True, limit=20_000),
                        human_coding_scheme=r.text(raw, "humanCodingScheme", where, limit=60),
                        abbreviated_statement=r.text(raw, "abbreviatedStatement", where),
                        item_type=r.text(raw, "CFItemType", where, limit=100),
                        list_enumeration=r.text(raw, "listEnumeration", where, limit=20))
        if item.identifier == package.identifier and item.identifier:
            r.errors.append(_("%(where)s has the CFDocument's identifier.") % {"where": where})
        elif item.identifier in items:
            r.errors.append(_("%(where)s repeats the identifier %(id)s.") % {"where": where, "id": item.identifier})
        elif item.identifier:
            items[item.identifier] = item
        if len(r.errors) >= 20:
            break
    for i, raw in enumerate(raw_associations):
        if len(r.errors) >= 20:
            break
        where = f"CFAssociations[{i}]"
        if not isinstance(raw, dict):
            r.errors.append(_("%(where)s must be an object.") % {"where": where})
            continue
        if raw.get("associationType") != "isChildOf":
            continue  # other relations between items are not kept (see the module docstring)
        child = r.node_identifier(raw, "originNodeURI", where)
        parent = r.node_identifier(raw, "destinationNodeURI", where)
        sequence = raw.get("sequenceNumber")
        if child not in items:
            continue  # a child outside this package (another framework's item) is not ours to place
        if parent != package.identifier and parent not in items:
            r.errors.append(_("%(where)s places an item under %(id)s, which is neither the CFDocument nor one of its items.")
                            % {"where": where, "id": parent[:100]})
            continue
        items[child].parent = "" if parent == package.identifier else parent
        if isinstance(sequence, (int, float)) and not isinstance(sequence, bool):
            items[child].sequence = float(sequence)
    if r.errors:
        raise CaseErrors(r.errors[:20])
    package.items = _in_tree_order(items)
    return package


def _in_tree_order(items: dict[str, CaseItem]) -> list[CaseItem]:
    """Depth first, siblings by sequenceNumber then by their order in the file; refuses cycles and absurd depth."""
    order = {identifier: n for n, identifier in enumerate(items)}
    children: dict[str, list[CaseItem]] = {}
    for item in items.values():
        children.setdefault(item.parent, []).append(item)
    for siblings in children.values():
        siblings.sort(key=lambda it: (it.sequence, order[it.identifier]))
    result: list[CaseItem] = []
    stack = [(item, 0) for item in reversed(children.get("", []))]
    while stack:
        item, depth = stack.pop()
        if depth > MAX_DEPTH:
            raise CaseErrors(_("The framework's tree is deeper than %(n)s levels.") % {"n": MAX_DEPTH})
        item.depth, item.position = depth, len(result)
        result.append(item)
        stack.extend((child, depth + 1) for child in reversed(children.get(item.identifier, [])))
    if len(result) != len(items):  # the rest hang from each other in a circle
        circled = sorted(set(items) - {it.identifier for it in result})[:5]
        raise CaseErrors(_("Some items' isChildOf associations form a circle: %(ids)s.") % {"ids": ", ".join(circled)})
    return result
