"""The declarative recognition policy document: its schema, and a validator with exact error paths.

A policy document (JSON, or YAML when PyYAML is installed) looks like this::

    {"format": "microcred.policy/1",
     "slug": "tn-renewal", "title": "Tennessee-style renewal (illustrative)",
     "recognizer": "state-agency",                  # organization slug; must be the policy's recognizer
     "effective_from": "2025-01-01", "effective_until": "2030-12-31",   # dates, both inclusive; until optional
     "approved": {                                  # a credential counts if it matches ANY of these
         "micro_credentials": ["mc-slug", ...], "stacks": ["stack-slug", ...],   # MCs that are items of the stack
         "issuers": ["org-slug", ...], "tags": ["formative assessment", ...],
         "reciprocity": ["other-policy-slug", ...], # that policy's (published) approved set, transitively
         "external": false,                         # imported external credentials (only via issuers/tags)
         "quality_review": false},                  # true: an MC counts only once an independent quality review
                                                    # approved it (microcred.quality; docs/quality-assurance.md)
     "facts": {"years_licensed": "number", "license_type": "text", "national_board": "boolean",
               "evaluation_rating": ["ineffective", "developing", "effective", "highly_effective"]},  # ordered
     "rules": [
         {"kind": "convert", "per_mc": 6, "unit": "PDP", "category": "tag"?},   # category = a tag
         {"kind": "cap", "unit": "PDP", "max": 30, "category": "tag"?},
         {"kind": "cycle_window", "years": 5},
         {"kind": "evidence", "requires": "student_impact"},
         {"kind": "threshold", "unit": "PDP", "min": 60},
         {"kind": "stack", "stack": "stack-slug", "logic": "as_defined" | "all_of" | {"n_of": 2}},
         {"kind": "count_in_topic", "tag": "literacy", "min": 12},
         {"kind": "eligibility", "fact": "years_licensed", "op": ">=", "value": 3}],
     "outcomes": [{"key": "renewal", "kind": "credits", "name": "Renewal credit", "unit": "PDP"?, "amount": 60?,
                   "expires_after_years": 5?}]}      # credits, graduate_credit, pay without an amount: the unit's total

Meaning (evaluated by ``engine.evaluate``): revoked or expired credentials never count; the rest are filtered by
the approved set, then the cycle window (issued within [as_of − years, as_of], both ends inclusive), then the
evidence rule (only credentials with documented student impact). Each counting credential is converted by the
first ``convert`` rule (document order) that matches it (a rule with a category matches credentials carrying that
tag); caps limit a unit's total (per category, or overall). Requirements — ``threshold``, ``stack``,
``count_in_topic``, ``eligibility`` — must all hold; every outcome of the policy is achieved when they do. A policy
needs at least one of threshold, stack or count_in_topic so that nothing is awarded for nothing.

``validate_policy`` refuses unknown rule kinds and fields, wrong types, contradictions (two caps on the same unit
and category, a threshold the caps make unreachable, a unit nothing converts into, an eligibility rule on an
undeclared fact) and unknown references (MC, stack, organization, policy slugs): an unknown reference is an error,
never a silent zero. Errors are a ``PolicyErrors`` whose ``message_dict`` maps JSON paths to messages.
"""
from __future__ import annotations

import copy
import datetime as dt
import json
import math
import re
from dataclasses import dataclass, field
from typing import Any, Callable

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

FORMAT = "microcred.policy/1"
RULE_KINDS = ("convert", "cap", "cycle_window", "threshold", "stack", "count_in_topic", "eligibility", "evidence")
REQUIREMENT_KINDS = ("threshold", "stack", "count_in_topic")
OUTCOME_KINDS = ("credits", "endorsement", "designation", "role", "pay", "graduate_credit")
FACT_TYPES = ("number", "text", "boolean")
OPS = (">=", ">", "<=", "<", "==", "!=", "in")
EVIDENCE_KINDS = ("student_impact",)
STACK_LOGIC = ("as_defined", "all_of")
SLUG = re.compile(r"^[-a-zA-Z0-9_]+$")

_TOP = {"format": True, "slug": True, "title": True, "recognizer": True, "effective_from": True,
        "effective_until": False, "approved": True, "facts": False, "rules": True, "outcomes": True, "description": False}
_APPROVED = ("micro_credentials", "stacks", "issuers", "tags", "reciprocity", "external", "quality_review")
_RULE_FIELDS = {  # field -> required
    "convert": {"per_mc": True, "unit": True, "category": False},
    "cap": {"unit": True, "max": True, "category": False},
    "cycle_window": {"years": True},
    "threshold": {"unit": True, "min": True},
    "stack": {"stack": True, "logic": False},
    "count_in_topic": {"tag": True, "min": True},
    "eligibility": {"fact": True, "op": True, "value": True},
    "evidence": {"requires": True},
}
_OUTCOME_FIELDS = {"key": True, "kind": True, "name": True, "amount": False, "unit": False, "expires_after_years": False}


class PolicyErrors(ValidationError):
    """A refused policy document; ``message_dict`` maps exact JSON paths ("rules[2].per_mc") to messages."""

    def __init__(self, errors: dict[str, list[str]]):
        super().__init__({path: list(messages) for path, messages in errors.items()})


@dataclass
class References:
    """What a document may refer to. ``stack_sizes`` maps a stack slug to its number of items."""

    micro_credentials: set[str] = field(default_factory=set)
    stack_sizes: dict[str, int] = field(default_factory=dict)
    organizations: set[str] = field(default_factory=set)
    policies: set[str] = field(default_factory=set)

    @classmethod
    def from_database(cls, *, exclude_policy: str | None = None) -> "References":
        from django.db.models import Count

        from microcred.accounts.models import Organization
        from microcred.catalog.models import MicroCredential, Stack

        from .models import Policy

        return cls(
            micro_credentials=set(MicroCredential.objects.values_list("slug", flat=True)),
            stack_sizes=dict(Stack.objects.annotate(n=Count("items")).values_list("slug", "n")),
            organizations=set(Organization.objects.values_list("slug", flat=True)),
            policies=set(Policy.objects.filter(state=Policy.State.PUBLISHED).exclude(slug=exclude_policy or "")
                         .values_list("slug", flat=True)))


def _yaml_loader():
    import yaml

    class _PolicyYAMLLoader(yaml.SafeLoader):
        """safe_load without implicit timestamps: an unquoted 2025-07-01 stays the text the schema expects."""

    _PolicyYAMLLoader.yaml_implicit_resolvers = {
        first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
        for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()}
    return yaml, _PolicyYAMLLoader


def parse_document(raw: str | bytes | dict) -> dict:
    """JSON text, YAML text or an already parsed dict → dict; PolicyErrors (at "$") if unreadable."""
    if isinstance(raw, dict):
        return raw
    if isinstance(raw, (bytes, bytearray)):
        try:
            raw = bytes(raw).decode("utf-8-sig")
        except UnicodeDecodeError:
            raise PolicyErrors({"$": [_("The document is not UTF-8 text.")]}) from None
    if not isinstance(raw, str):
        raise PolicyErrors({"$": [_("A policy document is JSON or YAML text, or an object (mapping).")]})
    try:
        data = json.loads(raw)
    except RecursionError:
        raise PolicyErrors({"$": [_("The document is nested too deeply.")]}) from None
    except ValueError:
        yaml, loader = _yaml_loader()
        try:
            data = yaml.load(raw, Loader=loader)  # noqa: S506 — a SafeLoader subclass
        except RecursionError:
            raise PolicyErrors({"$": [_("The document is nested too deeply.")]}) from None
        except yaml.YAMLError as yaml_error:
            raise PolicyErrors({"$": [_("Neither valid JSON nor valid YAML: %(error)s") % {"error": yaml_error}]}) from None
    if not isinstance(data, dict):
        raise PolicyErrors({"$": [_("A policy document is an object (mapping) at the top level.")]})
    return data


# Larger quantities are typos or attacks (and overflow float formatting); no credit, hour or dollar figure is this big.
MAX_QUANTITY = 10**15


def _is_number(value) -> bool:
    """A finite int or float (NaN and Infinity, which json.loads accepts, are not numbers here)."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return False
    return math.isfinite(value) if isinstance(value, float) else True


def _is_int(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


class _Checker:
    def __init__(self):
        self.errors: dict[str, list[str]] = {}

    def add(self, path: str, message: str) -> None:
        self.errors.setdefault(path, []).append(message)

    def fields(self, obj: dict, spec: dict, prefix: str) -> None:
        for key in obj:
            if key not in spec:
                self.add(f"{prefix}{key}", _("Unknown field “%(key)s”; expected one of: %(known)s.") % {"key": key, "known": ", ".join(spec)})
        for key, required in spec.items():
            if required and key not in obj:
                self.add(f"{prefix}{key}", _("This field is required."))

    def text(self, obj: dict, key: str, path: str, *, slug=False) -> str | None:
        value = obj.get(key)
        if key not in obj:
            return None
        if not isinstance(value, str) or not value.strip():
            self.add(path, _("Expected a non-empty string."))
            return None
        if slug and not SLUG.match(value):
            self.add(path, _("Expected a slug (letters, digits, - and _)."))
            return None
        return value.strip()

    def positive(self, obj: dict, key: str, path: str, *, integer=False) -> float | None:
        if key not in obj:
            return None
        value = obj[key]
        if not (_is_int(value) if integer else _is_number(value)):
            self.add(path, (_("Expected a whole number, got %(type)s.") if integer else _("Expected a number, got %(type)s.")) % {"type": type(value).__name__})
            return None
        if value <= 0:
            self.add(path, _("Must be greater than 0."))
            return None
        if value > MAX_QUANTITY:
            self.add(path, _("Must be at most %(max)s.") % {"max": f"{MAX_QUANTITY:,}"})
            return None
        return value

    def date(self, obj: dict, key: str, path: str) -> dt.date | None:
        if obj.get(key) is None and key == "effective_until":  # null: open-ended
            return None
        if key not in obj:
            return None
        value = obj[key]
        if not isinstance(value, str):
            self.add(path, _("Expected a date, YYYY-MM-DD."))
            return None
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            self.add(path, _("“%(value)s” is not a date (YYYY-MM-DD).") % {"value": value})
            return None


def validate_policy(document: Any, *, references: References | None = None,
                    references_loader: Callable[[], References] | None = None) -> dict:
    """Check a policy document and return a clean deep copy; raise PolicyErrors listing every problem by path.

    ``references`` lists the slugs that exist (defaults to the database)."""
    document = parse_document(document)
    refs = references or (references_loader or References.from_database)()
    c = _Checker()
    c.fields(document, _TOP, "")
    if "format" in document and document["format"] != FORMAT:
        c.add("format", _("Expected “%(format)s”.") % {"format": FORMAT})
    c.text(document, "slug", "slug", slug=True)
    c.text(document, "title", "title")
    if "description" in document and not isinstance(document["description"], str):
        c.add("description", _("Expected a string."))
    recognizer = c.text(document, "recognizer", "recognizer", slug=True)
    if recognizer and recognizer not in refs.organizations:
        c.add("recognizer", _("Unknown organization “%(slug)s”.") % {"slug": recognizer})
    start = c.date(document, "effective_from", "effective_from")
    until = c.date(document, "effective_until", "effective_until")
    if start and until and until < start:
        c.add("effective_until", _("Ends before it starts (effective_from)."))

    # Approved set.
    approved = document.get("approved")
    if "approved" in document:
        if not isinstance(approved, dict):
            c.add("approved", _("Expected an object."))
        else:
            c.fields(approved, {k: False for k in _APPROVED}, "approved.")
            known = {"micro_credentials": (refs.micro_credentials, _("Unknown micro-credential “%(slug)s”.")),
                     "stacks": (refs.stack_sizes, _("Unknown stack “%(slug)s”.")),
                     "issuers": (refs.organizations, _("Unknown organization “%(slug)s”.")),
                     "reciprocity": (refs.policies, _("Unknown published policy “%(slug)s”."))}
            for key in ("micro_credentials", "stacks", "issuers", "tags", "reciprocity"):
                if key not in approved:
                    continue
                values = approved[key]
                if not isinstance(values, list):
                    c.add(f"approved.{key}", _("Expected a list of strings."))
                    continue
                for i, value in enumerate(values):
                    if not isinstance(value, str) or not value.strip():
                        c.add(f"approved.{key}[{i}]", _("Expected a non-empty string."))
                    elif key in known and value not in known[key][0]:
                        c.add(f"approved.{key}[{i}]", known[key][1] % {"slug": value})
                    elif key == "reciprocity" and value == document.get("slug"):
                        c.add(f"approved.{key}[{i}]", _("A policy cannot accept its own approved set."))
            if "external" in approved and not isinstance(approved["external"], bool):
                c.add("approved.external", _("Expected true or false."))
            if "quality_review" in approved and not isinstance(approved["quality_review"], bool):
                c.add("approved.quality_review", _("Expected true or false."))
            if not any(approved.get(k) for k in ("micro_credentials", "stacks", "issuers", "tags", "reciprocity")):
                c.add("approved", _("The approved set is empty: no credential could ever count."))

    # Facts the recognizer supplies.
    facts = document.get("facts", {})
    fact_types: dict[str, Any] = {}
    if not isinstance(facts, dict):
        c.add("facts", _("Expected an object mapping fact names to types."))
    else:
        for name, kind in facts.items():
            path = f"facts.{name}"
            if not SLUG.match(str(name)):
                c.add(path, _("A fact name is letters, digits, - and _."))
            elif isinstance(kind, str) and kind in FACT_TYPES:
                fact_types[name] = kind
            elif isinstance(kind, list) and kind and all(isinstance(v, str) for v in kind) and len(set(kind)) == len(kind):
                fact_types[name] = list(kind)
            else:
                c.add(path, _("Expected “number”, “text”, “boolean”, or an ordered list of distinct values."))

    # Rules.
    rules = document.get("rules")
    converts: dict[str, list[str | None]] = {}  # unit -> categories (None = uncategorized)
    caps: dict[tuple[str, str | None], float] = {}
    thresholds: list[tuple[int, str, float]] = []
    credit_units_path: list[tuple[str, str]] = []
    if "rules" in document and not isinstance(rules, list):
        c.add("rules", _("Expected a list of rules."))
        rules = []
    rules = rules or []
    seen_kinds: dict[str, int] = {}
    for i, rule in enumerate(rules):
        p = f"rules[{i}]"
        if not isinstance(rule, dict):
            c.add(p, _("Expected an object with a “kind”."))
            continue
        kind = rule.get("kind")
        if kind not in RULE_KINDS:
            c.add(f"{p}.kind", _("Unknown rule kind “%(kind)s”; expected one of: %(known)s.") % {"kind": kind, "known": ", ".join(RULE_KINDS)})
            continue
        c.fields(rule, {"kind": True, **_RULE_FIELDS[kind]}, f"{p}.")
        if kind in ("cycle_window", "evidence") and kind in seen_kinds:
            c.add(p, _("A second %(kind)s rule contradicts rules[%(i)s].") % {"kind": kind, "i": seen_kinds[kind]})
        seen_kinds.setdefault(kind, i)
        category = c.text(rule, "category", f"{p}.category") if "category" in rule else None
        if kind == "convert":
            c.positive(rule, "per_mc", f"{p}.per_mc")
            unit = c.text(rule, "unit", f"{p}.unit")
            if unit:
                converts.setdefault(unit, []).append(category)
        elif kind == "cap":
            unit, cap = c.text(rule, "unit", f"{p}.unit"), c.positive(rule, "max", f"{p}.max")
            if unit and cap is not None:
                if (unit, category) in caps:
                    c.add(p, (_("A second cap on %(unit)s in %(category)s contradicts the first.") if category else _("A second cap on %(unit)s contradicts the first.")) % {"unit": unit, "category": category})
                caps[(unit, category)] = cap
                if unit not in converts:
                    c.add(f"{p}.unit", _("No earlier convert rule produces “%(unit)s”.") % {"unit": unit})
                elif category is not None and category not in converts[unit]:
                    c.add(f"{p}.category", _("No convert rule produces %(unit)s in category “%(category)s”.") % {"unit": unit, "category": category})
        elif kind == "cycle_window":
            years = c.positive(rule, "years", f"{p}.years", integer=True)
            if years and years > 50:
                c.add(f"{p}.years", _("At most 50 years."))
        elif kind == "threshold":
            unit, minimum = c.text(rule, "unit", f"{p}.unit"), c.positive(rule, "min", f"{p}.min")
            if unit and minimum is not None:
                thresholds.append((i, unit, minimum))
        elif kind == "stack":
            slug = c.text(rule, "stack", f"{p}.stack")
            if slug and slug not in refs.stack_sizes:
                c.add(f"{p}.stack", _("Unknown stack “%(slug)s”.") % {"slug": slug})
            logic = rule.get("logic", "as_defined")
            if isinstance(logic, dict):
                if set(logic) != {"n_of"}:
                    c.add(f"{p}.logic", _("Expected {\"n_of\": N}."))
                elif not _is_int(logic["n_of"]) or logic["n_of"] < 1:
                    c.add(f"{p}.logic.n_of", _("Expected a whole number of at least 1."))
                elif slug in refs.stack_sizes and logic["n_of"] > refs.stack_sizes[slug]:
                    c.add(f"{p}.logic.n_of", _("The stack has only %(size)s items; %(n)s can never be reached.") % {"size": refs.stack_sizes[slug], "n": logic["n_of"]})
            elif logic not in STACK_LOGIC:
                c.add(f"{p}.logic", _("Expected “as_defined”, “all_of” or {\"n_of\": N}."))
        elif kind == "count_in_topic":
            c.text(rule, "tag", f"{p}.tag")
            c.positive(rule, "min", f"{p}.min", integer=True)
        elif kind == "eligibility":
            _check_eligibility(c, rule, p, fact_types, facts if isinstance(facts, dict) else {})
        elif kind == "evidence":
            if "requires" in rule and rule["requires"] not in EVIDENCE_KINDS:
                c.add(f"{p}.requires", _("Unknown evidence condition; expected one of: %(known)s.") % {"known": ", ".join(EVIDENCE_KINDS)})
    for i, unit, minimum in thresholds:
        if unit not in converts:
            c.add(f"rules[{i}].unit", _("No convert rule produces “%(unit)s”: the threshold could never be reached.") % {"unit": unit})
            continue
        reachable = _max_reachable(unit, converts[unit], caps)
        if reachable is not None and reachable < minimum:
            c.add(f"rules[{i}].min", _("The caps allow at most %(max)s %(unit)s; %(min)s can never be reached.") % {"max": f"{reachable:g}", "unit": unit, "min": f"{minimum:g}"})
    if isinstance(document.get("rules"), list) and not any(isinstance(r, dict) and r.get("kind") in REQUIREMENT_KINDS for r in rules):
        c.add("rules", _("Add at least one requirement (%(kinds)s); otherwise any credential would earn every outcome.") % {"kinds": ", ".join(REQUIREMENT_KINDS)})

    # Outcomes.
    outcomes = document.get("outcomes")
    if "outcomes" in document:
        if not isinstance(outcomes, list) or not outcomes:
            c.add("outcomes", _("Expected a non-empty list of outcomes."))
        else:
            keys: set[str] = set()
            for i, outcome in enumerate(outcomes):
                p = f"outcomes[{i}]"
                if not isinstance(outcome, dict):
                    c.add(p, _("Expected an object."))
                    continue
                c.fields(outcome, _OUTCOME_FIELDS, f"{p}.")
                key = c.text(outcome, "key", f"{p}.key", slug=True)
                if key in keys:
                    c.add(f"{p}.key", _("Another outcome already uses the key “%(key)s”.") % {"key": key})
                keys.add(key)
                c.text(outcome, "name", f"{p}.name")
                if "kind" in outcome and outcome["kind"] not in OUTCOME_KINDS:
                    c.add(f"{p}.kind", _("Unknown outcome kind “%(kind)s”; expected one of: %(known)s.") % {"kind": outcome["kind"], "known": ", ".join(OUTCOME_KINDS)})
                if "amount" in outcome:
                    c.positive(outcome, "amount", f"{p}.amount")
                unit = c.text(outcome, "unit", f"{p}.unit")
                c.positive(outcome, "expires_after_years", f"{p}.expires_after_years", integer=True)
                if outcome.get("kind") == "pay" and not unit:
                    c.add(p, _("A pay outcome needs an amount and a unit (e.g. USD), or the unit a convert rule produces."))
                if outcome.get("kind") in ("credits", "graduate_credit", "pay") and "amount" not in outcome and unit:
                    # Without a fixed amount the award is the converted total (e.g. USD 100 per MC, capped).
                    if unit not in converts:
                        c.add(f"{p}.unit", _("No convert rule produces “%(unit)s”.") % {"unit": unit})
                elif outcome.get("kind") in ("credits", "graduate_credit") and "amount" not in outcome:
                    c.add(f"{p}.unit", _("Without an amount, say which converted unit the outcome credits."))
    if c.errors:
        raise PolicyErrors(c.errors)
    clean = copy.deepcopy(document)
    clean.setdefault("facts", {})
    clean.setdefault("effective_until", None)
    for rule in clean["rules"]:
        if rule["kind"] == "stack":
            rule.setdefault("logic", "as_defined")
    for key in ("micro_credentials", "stacks", "issuers", "tags", "reciprocity"):
        clean["approved"].setdefault(key, [])
    clean["approved"].setdefault("external", False)
    return clean


def _check_eligibility(c: _Checker, rule: dict, p: str, fact_types: dict, facts: dict) -> None:
    name, op = rule.get("fact"), rule.get("op")
    if "fact" in rule and not isinstance(name, str):
        c.add(f"{p}.fact", _("Expected the name of a fact this policy declares under “facts”."))
        return
    if "fact" in rule and name not in facts:
        c.add(f"{p}.fact", _("“%(name)s” is not a fact this policy declares under “facts”.") % {"name": name})
        return
    if name not in fact_types:
        return  # its own declaration is already reported
    if "op" in rule and op not in OPS:
        c.add(f"{p}.op", _("Unknown operator; expected one of: %(known)s.") % {"known": ", ".join(OPS)})
        return
    if "value" not in rule or "op" not in rule:
        return
    kind, value = fact_types[name], rule["value"]
    values = value if op == "in" else [value]
    if op == "in" and not (isinstance(value, list) and value):
        c.add(f"{p}.value", _("“in” needs a non-empty list."))
        return
    for v in values:
        if kind == "number" and not _is_number(v):
            c.add(f"{p}.value", _("“%(name)s” is a number; got %(type)s.") % {"name": name, "type": type(v).__name__})
        elif kind == "text" and not isinstance(v, str):
            c.add(f"{p}.value", _("“%(name)s” is text; got %(type)s.") % {"name": name, "type": type(v).__name__})
        elif kind == "boolean" and not isinstance(v, bool):
            c.add(f"{p}.value", _("“%(name)s” is true or false; got %(type)s.") % {"name": name, "type": type(v).__name__})
        elif isinstance(kind, list) and v not in kind:
            c.add(f"{p}.value", _("“%(value)s” is not one of the declared values of “%(name)s”: %(known)s.") % {"value": v, "name": name, "known": ", ".join(kind)})
    if kind in ("text", "boolean") and op in (">=", ">", "<=", "<"):
        c.add(f"{p}.op", _("“%(name)s” has no order; use ==, != or in.") % {"name": name})


def _max_reachable(unit: str, categories: list[str | None], caps: dict) -> float | None:
    """The most of ``unit`` the caps allow, or None if unbounded."""
    overall = caps.get((unit, None))
    if None in categories:
        return overall
    per_category = [caps.get((unit, cat)) for cat in set(categories)]
    total = None if any(v is None for v in per_category) else sum(per_category)
    bounds = [b for b in (overall, total) if b is not None]
    return min(bounds) if bounds else None


def resolve_approved(document: dict, lookup: Callable[[str], dict | None], *, _seen: frozenset = frozenset()) -> dict:
    """The document's approved set with reciprocity expanded: ``lookup(slug)`` returns another policy's (published)
    document. Returns {"micro_credentials", "stacks", "issuers", "tags": sets, "external": bool}; a cycle stops."""
    own = document["approved"]
    result = {k: set(own.get(k, [])) for k in ("micro_credentials", "stacks", "issuers", "tags")}
    result["tags"] = {t.lower() for t in result["tags"]}
    result["external"] = bool(own.get("external"))
    if not _seen and own.get("quality_review"):
        # The policy's own requirement (not merged from reciprocity): MCs approved by an independent quality review.
        from microcred.quality.selectors import approved_micro_credential_slugs

        result["quality"] = approved_micro_credential_slugs()
    seen = _seen | {document.get("slug")}
    for slug in own.get("reciprocity", []):
        if slug in seen:
            continue
        other = lookup(slug)
        if other is None:
            raise PolicyErrors({"approved.reciprocity": [_("Policy “%(slug)s” is not published.") % {"slug": slug}]})
        theirs = resolve_approved(other, lookup, _seen=seen)
        for key in ("micro_credentials", "stacks", "issuers", "tags"):
            result[key] |= theirs[key]
        result["external"] = result["external"] or theirs["external"]
    return result
