"""Find English interface text in a page rendered in Spanish (issue 15: "a test finds no untranslated string").

A page's text is read as a browser would: text nodes and the attributes people hear or see (title, aria-label,
placeholder, alt, the value of buttons). Skipped: what is not interface text — elements whose ``lang`` is another
language (an MC shown in English because it has no translation, the "English" choice of the language switch), elements
marked ``translate="no"`` (names, codes), scripts and styles, and text that is data: a value stored in the database (a
person's name, an organization, a teacher's own evidence) is removed from the text before it is judged.

What remains is judged English when it contains a word that is English and not Spanish: function words ("the", "your",
"with") and the interface's own words ("submit", "assessor", "credential"). A word list, not a language model: it is
strict on short labels, where interfaces usually leak, and cannot be fooled by data.
"""
from __future__ import annotations

import re
from html.parser import HTMLParser

# English words that are not Spanish words (so "no", "plan", "video", "total", "use", "me", "he", "a" are absent).
ENGLISH = frozenset("""
the and your you yours of with is are this that these those for from to in on by at it its be has have had will would
not yet an or what which who whom how when where why my our their they we was were been can cannot could should must
all any more here there please see open submit save cancel back next previous edit delete view show hide search sign
log help earned started draft submitted score scores scoring credential credentials evidence part parts level levels
rubric criterion criteria assessor assessors issuer issuers earner earners stack stacks pathway pathways settings
account password profile notifications notification download upload file files none yes new add remove change choose
select start continue done complete completed pending approved declined revoked suspended about only also than
then if but because each every other after before until between into out up down over under again still just now
nothing something someone anyone everyone read unread mark marked sent send received receive review reviewed reviews
feedback comment comments reply assessment assessments calibration calibrate training trained certified queue claim
release decision decisions decided result results passed failed pass fail week weeks day days month months year years
hour hours minute minutes ago today yesterday tomorrow shared share public private verify verified verification
recognition awarded award awards worth credits credit endorsement endorsements earn earning earns your yourself
menu close skip main content language
""".split())

# Names of standards and products, the same in every language.
PROPER_NAMES = ("Open Badges", "Comprehensive Learner Record", "OneRoster", "Canvas Credentials", "Google Authenticator",
                "Microsoft Authenticator", "Google Workspace", "Microsoft Entra ID", "Credly", "LinkedIn")
EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")

ATTRIBUTES = ("title", "aria-label", "placeholder", "alt", "aria-description")
WORD = re.compile(r"[A-Za-zÀ-ÿ]+(?:'[A-Za-z]+)?")


class _Reader(HTMLParser):
    VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}

    def __init__(self, page_language: str):
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, bool]] = []  # (tag, skipped)
        self.page_language = page_language
        self.texts: list[str] = []

    @property
    def skipping(self) -> bool:
        return bool(self.stack) and self.stack[-1][1]

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        lang = attrs.get("lang")
        skipped = (self.skipping or tag in ("script", "style", "template")
                   or (lang is not None and lang != "" and not lang.lower().startswith(self.page_language))
                   or (attrs.get("translate") or "").lower() == "no")
        if not skipped:
            for name in ATTRIBUTES:
                if attrs.get(name):
                    self.texts.append(attrs[name])
            if tag == "input" and (attrs.get("type") or "").lower() in ("submit", "button", "reset") and attrs.get("value"):
                self.texts.append(attrs["value"])
        if tag not in self.VOID:
            self.stack.append((tag, skipped))

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag not in self.VOID and self.stack and self.stack[-1][0] == tag:
            self.stack.pop()

    def handle_endtag(self, tag):
        for i in range(len(self.stack) - 1, -1, -1):  # tolerate unclosed <p>, <li>
            if self.stack[i][0] == tag:
                del self.stack[i:]
                return

    def handle_data(self, data):
        if not self.skipping and data.strip():
            self.texts.append(data)


def interface_texts(html: str, page_language: str = "es") -> list[str]:
    reader = _Reader(page_language)
    reader.feed(html)
    reader.close()
    return [" ".join(t.split()) for t in reader.texts]


def english_words(text: str) -> list[str]:
    text = EMAIL.sub(" ", text)
    for name in PROPER_NAMES:
        text = text.replace(name, " ")
    return [w for w in WORD.findall(text) if w.lower() in ENGLISH]


def untranslated(html: str, data: "DataStrings", page_language: str = "es") -> list[str]:
    """The texts of ``html`` that read as English interface text once data is taken out."""
    found = []
    for text in interface_texts(html, page_language):
        if not english_words(text) or data.is_data(text):
            continue
        rest = data.without_data(text)
        if english_words(rest):
            found.append(text)
    return found


class DataStrings:
    """Every short text stored by the application's models (names, titles, what people wrote), to tell data from
    interface text."""

    def __init__(self, values):
        whole, parts = set(), set()
        for value in values:
            value = " ".join(str(value).split())
            if len(value) < 2:
                continue
            whole.add(value)
            for line in re.split(r"[\r\n]+", str(value)):
                line = " ".join(line.split())
                if line:
                    whole.add(line)
            if len(value) <= 200:
                parts.add(value)
        self.whole = whole
        self.parts = sorted(parts, key=len, reverse=True)

    @classmethod
    def from_database(cls) -> "DataStrings":
        from django.apps import apps
        from django.db import models

        values = []
        for model in apps.get_models():
            if not model.__module__.startswith("microcred.") and model._meta.app_label not in ("auth",):
                continue
            fields = [f.name for f in model._meta.concrete_fields
                      if isinstance(f, (models.CharField, models.TextField, models.JSONField)) and not f.choices]
            if fields:
                for row in model._default_manager.values_list(*fields):
                    for value in row:
                        values.extend(_strings(value))
        return cls(values)

    def is_data(self, text: str) -> bool:
        return text in self.whole

    def without_data(self, text: str) -> str:
        for value in self.parts:
            if value in text:
                text = text.replace(value, " ")
        return text


def _strings(value, depth: int = 0):
    """The texts in a stored value: the value itself, or the short strings inside a JSON document (a policy's unit
    names, an MC's tags)."""
    if isinstance(value, str):
        if value:
            yield value
    elif depth < 8 and isinstance(value, dict):
        for item in value.values():
            yield from _strings(item, depth + 1)
    elif depth < 8 and isinstance(value, list):
        for item in value:
            yield from _strings(item, depth + 1)
