"""Policy rules in words a teacher reads: "Earn at least 60 PDPs — you have 54", not "PDP 54/60".

The engine keeps its short machine labels (the API's ``label``, stable for integrations); these plain descriptions are
made from the same evaluated requirement and the policy document (fact names and values, units, stack titles), are
marked for translation, and format numbers and money for the reader's language."""
from __future__ import annotations

from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.utils.translation import ngettext

# Units written as money; anything else is the recognizer's own word ("PDP", "renewal credit", "PD hour").
CURRENCIES = {"USD": "$", "EUR": "€", "GBP": "£", "CAD": "$", "AUD": "$", "MXN": "$"}

# The names our policies and imports use for educator facts, in words; a recognizer's own fact names are shown with
# their underscores turned into spaces.
FACT_NAMES = {
    "license_type": gettext_lazy("your license type"),
    "license_number": gettext_lazy("your license number"),
    "years_licensed": gettext_lazy("your years licensed"),
    "years_experience": gettext_lazy("your years of experience"),
    "evaluation_rating": gettext_lazy("your latest evaluation rating"),
    "national_board": gettext_lazy("National Board certification"),
    "rank": gettext_lazy("your rank"),
    "position": gettext_lazy("your position"),
    "career_stage": gettext_lazy("your career stage"),
}


def _number(value) -> str:
    value = float(value)
    return number_format(int(value) if value.is_integer() else round(value, 2), use_l10n=True, force_grouping=True)


def amount(value, unit: str) -> str:
    """100 USD → "$100"; 6 PDP → "6 PDP"; 1 MC → "1 micro-credential"."""
    if unit in CURRENCIES:
        value = float(value)
        cents = None if value.is_integer() else 2  # $0.50, not $0.5
        return f"{CURRENCIES[unit]}{number_format(value if cents else int(value), cents, use_l10n=True, force_grouping=True)}"
    if unit == "MC":
        count = float(value)
        return ngettext("%(n)s micro-credential", "%(n)s micro-credentials", int(count) if count.is_integer() else 2) % {
            "n": _number(value)}
    return f"{_number(value)} {unit}"


OUTCOME_KINDS = {"credits": gettext_lazy("renewal credit"), "endorsement": gettext_lazy("endorsement"),
                 "designation": gettext_lazy("designation"), "role": gettext_lazy("career role"), "pay": gettext_lazy("pay"),
                 "graduate_credit": gettext_lazy("graduate credit")}


def outcome_kind(kind: str) -> str:
    known = OUTCOME_KINDS.get(kind)
    return str(known) if known else kind.replace("_", " ")


def fact_name(name: str) -> str:
    known = FACT_NAMES.get(name)
    return str(known) if known else name.replace("_", " ")


def _value(value) -> str:
    if value is True:
        return _("yes")
    if value is False:
        return _("no")
    if isinstance(value, (list, tuple)):
        return _(" or ").join(str(v) for v in value)
    return str(value).replace("_", " ")


def _condition(rule: dict, declared: dict) -> str:
    """"your years licensed is at least 3"; for ordered ratings "… is effective or better"."""
    name, op, want = fact_name(rule["fact"]), rule["op"], rule["value"]
    ordered = isinstance(declared.get(rule["fact"]), list)
    values = {"fact": name, "value": _value(want)}
    if op == "in":
        return _("%(fact)s is %(value)s") % values
    if ordered and op in (">=", "<="):
        # Ratings are listed from lowest to highest in the policy's "facts".
        return (_("%(fact)s is %(value)s or better") if op == ">=" else _("%(fact)s is %(value)s or lower")) % values
    words = {"==": _("%(fact)s is %(value)s"), "!=": _("%(fact)s is not %(value)s"),
             ">=": _("%(fact)s is at least %(value)s"), "<=": _("%(fact)s is at most %(value)s"),
             ">": _("%(fact)s is more than %(value)s"), "<": _("%(fact)s is less than %(value)s")}
    return words.get(op, "%(fact)s " + op + " %(value)s") % values


def describe(requirement, rule: dict, document: dict, stack_titles: dict[str, str]) -> tuple[str, str]:
    """(what the requirement asks, what is still missing — "" when met) in plain language."""
    kind = requirement.kind
    if kind == "threshold":
        unit = rule["unit"]
        label = _("Reach %(need)s (you have %(have)s)") % {"need": amount(requirement.need, unit),
                                                         "have": amount(requirement.have, unit)}
        missing = _("%(gap)s more") % {"gap": amount(requirement.need - requirement.have, unit)}
    elif kind == "stack":
        title = stack_titles.get(rule["stack"], rule["stack"].replace("-", " "))
        values = {"title": title, "done": _number(requirement.have), "need": _number(requirement.need)}
        label = _("Complete the stack “%(title)s” (%(done)s of %(need)s done)") % values
        gap = int(requirement.need - requirement.have)
        missing = ngettext("%(n)s more micro-credential of the stack “%(title)s”",
                           "%(n)s more micro-credentials of the stack “%(title)s”", gap) % {"n": gap, "title": title}
    elif kind == "count_in_topic":
        values = {"need": _number(requirement.need), "tag": rule["tag"], "have": _number(requirement.have)}
        label = ngettext("Earn %(need)s micro-credential about “%(tag)s” (you have %(have)s)",
                         "Earn %(need)s micro-credentials about “%(tag)s” (you have %(have)s)",
                         int(requirement.need)) % values
        gap = int(requirement.need - requirement.have)
        missing = ngettext("%(n)s more micro-credential about “%(tag)s”", "%(n)s more micro-credentials about “%(tag)s”",
                           gap) % {"n": gap, "tag": rule["tag"]}
    elif kind == "eligibility":
        declared = document.get("facts", {})
        condition = _condition(rule, declared)
        label = _("Applies when %(condition)s") % {"condition": condition}
        if requirement.missing.startswith("the recognizer has no"):
            missing = _("%(recognizer_fact)s is not on record with the recognizer: ask your district or state office to "
                        "add it") % {"recognizer_fact": fact_name(rule["fact"]).capitalize()}
        else:
            missing = _("This applies only when %(condition)s") % {"condition": condition}
    else:  # a rule kind added later: its machine label is better than nothing
        return requirement.label, requirement.missing
    return label, ("" if requirement.met else missing)


def describe_all(evaluation, document: dict, stack_titles: dict[str, str]) -> list[tuple[str, str]]:
    rules = document.get("rules", [])
    return [describe(r, rules[r.rule], document, stack_titles) if r.rule < len(rules) else (r.label, r.missing)
            for r in evaluation.requirements]


CHANGE_ACTIONS = {"award": gettext_lazy("award"), "supersede": gettext_lazy("supersede"), "update": gettext_lazy("update"),
                  "keep": gettext_lazy("keep"), "withdraw": gettext_lazy("withdraw")}


def change_action(action: str) -> str:
    """What a dry run would do to an award, in words ("award", "withdraw"…)."""
    known = CHANGE_ACTIONS.get(action)
    return str(known) if known else action
