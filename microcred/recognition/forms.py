"""Forms of the recognition pages, and reading a policy document typed or sent as text (shared with the API)."""
from __future__ import annotations

import datetime as dt
import json
import math

from django import forms
from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .policy import PolicyErrors, parse_document

MAX_DOCUMENT_BYTES = 256 * 1024


def _has_yaml_aliases(text: str) -> bool:
    """YAML anchors/aliases let a few hundred bytes expand into gigabytes (“billion laughs”); policies never need them."""
    try:
        import yaml
    except ImportError:
        return False
    try:
        return any(isinstance(token, (yaml.AliasToken, yaml.AnchorToken)) for token in yaml.scan(text))
    except yaml.YAMLError:
        return False  # the parser reports the syntax error with its position


def read_document(raw) -> dict:
    """A policy document given as JSON or YAML text (or an already parsed object) → dict.

    Raises PolicyErrors at path "$" for what cannot be read: too large (over 256 KB), not JSON or YAML, YAML
    anchors, nesting too deep, not a mapping. What the document says is checked later by the services."""
    if isinstance(raw, (bytes, bytearray)):
        try:
            raw = bytes(raw).decode("utf-8-sig")
        except UnicodeDecodeError:
            raise PolicyErrors({"$": [_("The document is not UTF-8 text.")]}) from None
    try:
        size = len(raw.encode("utf-8")) if isinstance(raw, str) else len(json.dumps(raw, ensure_ascii=False).encode("utf-8"))
    except (TypeError, ValueError, RecursionError):
        raise PolicyErrors({"$": [_("The document could not be read as JSON.")]}) from None
    if size > MAX_DOCUMENT_BYTES:
        raise PolicyErrors({"$": [_("The policy document is too large (%(size)s KB); the limit is %(limit)s KB. Policies are short: split "
                                    "very long lists into stacks or issuers.") % {"size": f"{size // 1024:,}",
                                                                                  "limit": MAX_DOCUMENT_BYTES // 1024}]})
    if isinstance(raw, str):
        if not raw.strip():
            raise PolicyErrors({"$": [_("The document is empty: paste or type a policy in YAML or JSON.")]})
        if "\x00" in raw:
            raise PolicyErrors({"$": [_("The document contains a NUL character; it must be plain text.")]})
        if _has_yaml_aliases(raw):
            raise PolicyErrors({"$": [_("YAML anchors and aliases (& and *) are not accepted in policy documents; "
                                        "write each value out.")]})
    elif not isinstance(raw, dict):
        raise PolicyErrors({"$": [_("A policy document is an object (mapping) at the top level.")]})
    try:
        return _plain(parse_document(raw), "")
    except RecursionError:
        raise PolicyErrors({"$": [_("The document is nested too deeply.")]}) from None


def _plain(value, path: str, depth: int = 0):
    """Only what JSON can hold: YAML dates become YYYY-MM-DD text (as the schema expects), sets become lists;
    NaN and infinities are refused by path (they would pass "greater than 0" checks and break PostgreSQL)."""
    if depth > 50:
        raise PolicyErrors({path or "$": [_("The document is nested too deeply.")]})
    if isinstance(value, dict):
        return {str(k): _plain(v, f"{path}.{k}" if path else str(k), depth + 1) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        items = sorted(value, key=str) if isinstance(value, (set, frozenset)) else value
        return [_plain(v, f"{path}[{i}]", depth + 1) for i, v in enumerate(items)]
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, float) and not math.isfinite(value):
        raise PolicyErrors({path or "$": [_("Expected a finite number.")]})
    if isinstance(value, (bytes, bytearray)):
        raise PolicyErrors({path or "$": [_("Binary values are not accepted; use text.")]})
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    raise PolicyErrors({path or "$": [_("Unsupported value of type %(type)s.") % {"type": type(value).__name__}]})


def document_text(document: dict) -> str:
    """A stored document as YAML for editing (JSON if PyYAML is missing), in the document's own key order."""
    try:
        import yaml
    except ImportError:
        return json.dumps(document, indent=2, ensure_ascii=False)
    return yaml.safe_dump(document, sort_keys=False, allow_unicode=True, width=110)


class PolicyDocumentForm(forms.Form):
    document = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 30, "spellcheck": "false", "aria-describedby": "document-help",
                                     "style": "font-family: ui-monospace, SFMono-Regular, Menlo, monospace; font-size: .9rem"}),
        strip=False, label=gettext_lazy("Policy document (YAML or JSON)"),
        # The size is checked in read_document so the message names the limit in KB; this only stops absurd posts.
        max_length=MAX_DOCUMENT_BYTES * 4,
        error_messages={"required": gettext_lazy("The document is empty: paste or type a policy in YAML or JSON."),
                        "max_length": format_lazy(gettext_lazy("The policy document is too large; the limit is {limit} KB."),
                                                  limit=MAX_DOCUMENT_BYTES // 1024)})


class FactForm(forms.Form):
    username = forms.CharField(max_length=150, label=gettext_lazy("Educator (username)"))
    key = forms.SlugField(max_length=60, label=gettext_lazy("Fact"), help_text=gettext_lazy("As declared under “facts” in the policy, e.g. years_licensed"))
    value = forms.CharField(max_length=200, label=gettext_lazy("Value"), help_text=gettext_lazy("A number, true/false, or text such as effective"))

    def clean_value(self):
        """Numbers and true/false are typed values, as eligibility rules compare them; anything else is text."""
        raw = self.cleaned_data["value"].strip()
        if raw.lower() in ("true", "false"):
            return raw.lower() == "true"
        try:
            number = float(raw)
        except ValueError:
            return raw
        if number != number or number in (float("inf"), float("-inf")):
            return raw
        return int(number) if number.is_integer() and "." not in raw and "e" not in raw.lower() else number
