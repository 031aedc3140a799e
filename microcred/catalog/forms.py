"""Authoring forms. They translate between friendly text fields and the MC definition document."""
from __future__ import annotations

import json

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext
from django.utils.text import format_lazy

from microcred.accounts.models import Organization

from .definition import RESOURCE_KINDS
from .models import EducatorRole, EvidenceType, GradeBand, MicroCredential, MicroCredentialVersion, OrganizationRole, Part, Rubric, Stack

LINES_HELP = _("One per line.")


def _lines(text: str) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def _split(line: str, n: int) -> list[str]:
    bits = [b.strip() for b in line.split("|")]
    return (bits + [""] * n)[:n] if len(bits) <= n else bits[: n - 1] + [" | ".join(bits[n - 1:])]


def _owner_choices(field, organizations) -> None:
    """Offer only the organizations the person authors for; preselect when there is just one."""
    field.queryset = organizations if organizations is not None else Organization.objects.none()
    if field.queryset.count() == 1:
        field.empty_label = None
        field.initial = field.queryset.first()


class NewMicroCredentialForm(forms.Form):
    owner = forms.ModelChoiceField(queryset=Organization.objects.none(), label=_("Owning organization"))
    title = forms.CharField(max_length=200, label=_("Title"))
    competency = forms.CharField(widget=forms.Textarea, label=_("Competency statement"), max_length=20000)
    key_method = forms.CharField(widget=forms.Textarea, max_length=20000, label=_("Key method"))

    def __init__(self, *args, organizations=None, **kwargs):
        super().__init__(*args, **kwargs)
        _owner_choices(self.fields["owner"], organizations)


class ImportDefinitionForm(forms.Form):
    owner = forms.ModelChoiceField(queryset=Organization.objects.none(), label=_("Owning organization"))
    file = forms.FileField(label=_("MC definition (JSON)"))

    def __init__(self, *args, organizations=None, **kwargs):
        super().__init__(*args, **kwargs)
        _owner_choices(self.fields["owner"], organizations)


class OverviewForm(forms.Form):
    title = forms.CharField(max_length=200, label=_("Title"))
    competency = forms.CharField(widget=forms.Textarea, label=_("Competency statement"), max_length=20000)
    key_method = forms.CharField(widget=forms.Textarea, max_length=20000, label=_("Key method"))
    method_components = forms.CharField(widget=forms.Textarea, required=False, max_length=40000, label=_("Method components"),
                                        help_text=_("One component per line: Title | description"))
    research = forms.CharField(widget=forms.Textarea, required=False, label=_("Supporting research"), max_length=40000,
                               help_text=_("One citation per line: citation | URL (optional)"))
    resources = forms.CharField(widget=forms.Textarea, required=False, max_length=40000, label=_("Resources"),
                                help_text=format_lazy(_("One per line: kind ({kinds}) | title | URL | description"), kinds=", ".join(RESOURCE_KINDS)))
    estimated_hours = forms.DecimalField(required=False, min_value=0, max_value=999, decimal_places=1, label=_("Estimated hours"))
    cost = forms.ChoiceField(choices=MicroCredentialVersion.Cost.choices, label=_("Cost"))
    fee_amount = forms.DecimalField(required=False, min_value=0, max_value=99999, decimal_places=2, label=_("Fee (USD)"))
    subjects = forms.CharField(required=False, max_length=2000, label=_("Subjects"), help_text=_("Comma-separated, e.g. Literacy, Mathematics"))
    grade_bands = forms.MultipleChoiceField(required=False, widget=forms.CheckboxSelectMultiple, label=_("Grade bands"))
    educator_roles = forms.MultipleChoiceField(required=False, widget=forms.CheckboxSelectMultiple, label=_("Educator roles"))
    tags = forms.CharField(required=False, max_length=2000, label=_("Tags"), help_text=_("Comma-separated"))
    alignments = forms.CharField(widget=forms.Textarea, required=False, max_length=20000, label=_("Alignment to standards"),
                                 help_text=_("One per line: framework | item code | name | URL"))
    organizations = forms.CharField(widget=forms.Textarea, required=False, max_length=5000, label=_("Organizational roles"),
                                    help_text=format_lazy(_("One per line: organization identifier | role ({roles})"), roles=", ".join(OrganizationRole.Role.values)))
    visibility = forms.ChoiceField(choices=MicroCredential.Visibility.choices, label=_("Visibility"))
    visible_to = forms.MultipleChoiceField(required=False, label=_("Visible to members of"), widget=forms.SelectMultiple(attrs={"size": 6}))
    coach_conversation_after = forms.IntegerField(required=False, min_value=1, max_value=20, label=_("Coach conversation required after"),
                                                  help_text=_("Number of “not yet” decisions before a coach conversation is required to resubmit; empty for never."))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["grade_bands"].choices = list(GradeBand.objects.values_list("slug", "name"))
        self.fields["educator_roles"].choices = list(EducatorRole.objects.values_list("slug", "name"))
        self.fields["visible_to"].choices = list(Organization.objects.values_list("slug", "name"))

    @staticmethod
    def initial_from(definition: dict) -> dict:
        return {
            "title": definition["title"], "competency": definition["competency"], "key_method": definition["key_method"],
            "method_components": "\n".join(f"{m['title']} | {m['description']}".rstrip(" |") for m in definition["method_components"]),
            "research": "\n".join(f"{r['citation']} | {r['url']}".rstrip(" |") for r in definition["research"]),
            "resources": "\n".join(" | ".join([r["kind"], r["title"], r["url"], r["description"]]).rstrip(" |") for r in definition["resources"]),
            "estimated_hours": definition["estimated_hours"], "cost": definition["cost"], "fee_amount": definition["fee_amount"],
            "subjects": ", ".join(definition["subjects"]), "grade_bands": definition["grade_bands"],
            "educator_roles": definition["educator_roles"], "tags": ", ".join(definition["tags"]),
            "alignments": "\n".join(" | ".join([a["framework"], a["code"], a["name"], a["url"]]).rstrip(" |")
                                    for a in definition["alignments"] if not picked_alignment(a)),
            "organizations": "\n".join(f"{o['organization']} | {o['role']}" for o in definition["organizations"]),
            "visibility": definition["visibility"], "visible_to": definition["visible_to"],
            "coach_conversation_after": definition["coach_conversation_after"],
        }

    def changes(self, *, saved: dict) -> dict:
        """The definition fields this form edits; the alignments made with the framework picker (``saved``'s) are
        kept as they are, since the text box shows only the typed ones."""
        d = self.cleaned_data
        def comma(text):
            return [t.strip() for t in (text or "").split(",") if t.strip()]
        return {
            "title": d["title"], "competency": d["competency"], "key_method": d["key_method"],
            "method_components": [dict(zip(("title", "description"), _split(line, 2))) for line in _lines(d["method_components"])],
            "research": [dict(zip(("citation", "url"), _split(line, 2))) for line in _lines(d["research"])],
            "resources": [dict(zip(("kind", "title", "url", "description"), _split(line, 4))) for line in _lines(d["resources"])],
            "estimated_hours": str(d["estimated_hours"]) if d["estimated_hours"] is not None else None,
            "cost": d["cost"], "fee_amount": str(d["fee_amount"]) if d["fee_amount"] is not None else None,
            "subjects": comma(d["subjects"]), "grade_bands": d["grade_bands"], "educator_roles": d["educator_roles"],
            "tags": comma(d["tags"]),
            "alignments": [a for a in saved["alignments"] if picked_alignment(a)]
                          + [dict(zip(("framework", "code", "name", "url"), _split(line, 4))) for line in _lines(d["alignments"])],
            "organizations": [dict(zip(("organization", "role"), _split(line, 2))) for line in _lines(d["organizations"])],
            "visibility": d["visibility"], "visible_to": d["visible_to"],
            "coach_conversation_after": d["coach_conversation_after"],
        }


def picked_alignment(alignment: dict) -> bool:
    """Made with the competency framework picker: to a CASE item, or of one rubric criterion."""
    return bool(alignment.get("case_item") or alignment.get("criterion"))


class PartForm(forms.Form):
    """One part and its rubric. Criteria arrive as repeated fields criterion-N-title / -description / -level-K."""

    title = forms.CharField(max_length=200, label=_("Title"))
    overview = forms.CharField(widget=forms.Textarea, required=False, max_length=20000, label=_("Overview"))
    demonstrates = forms.ChoiceField(choices=Part.Demonstrates.choices, label=_("Demonstrates"))
    evidence_types = forms.MultipleChoiceField(choices=EvidenceType.choices, widget=forms.CheckboxSelectMultiple,
                                               label=_("Accepted evidence types"))
    prompts = forms.CharField(widget=forms.Textarea(attrs={"rows": 6}), required=False, max_length=40000, label=_("Prompts"),
                              help_text=_("One prompt per line. For a multiple-choice question: quiz: question | option | correct option* | option"))
    levels = forms.CharField(max_length=500, label=_("Performance levels, lowest first"),
                             help_text=_("Comma-separated, e.g. Not Met, Progressing, Demonstrated"))
    passing_rule = forms.ChoiceField(choices=Rubric.PassingRule.choices, label=_("Passing rule"))
    passing_level = forms.CharField(max_length=60, label=_("Passing level"), help_text=_("The name of the lowest level that passes, e.g. Demonstrated"))
    min_criteria = forms.IntegerField(required=False, min_value=1, max_value=30, label=_("N (for the “at least N” rule)"))

    @staticmethod
    def initial_from(part: dict) -> dict:
        rubric = part["rubric"] or {"levels": [], "passing_rule": "all_at_least", "passing_level": 0, "min_criteria": None}
        prompts = []
        for p in part["prompts"]:
            if p["response_type"] == "quiz":
                opts = [c + ("*" if i == p["correct_choice"] else "") for i, c in enumerate(p["choices"])]
                prompts.append("quiz: " + " | ".join([p["text"], *opts]))
            else:
                prompts.append(p["text"])
        levels = rubric["levels"]
        return {"title": part["title"], "overview": part["overview"], "demonstrates": part["demonstrates"],
                "evidence_types": part["evidence_types"], "prompts": "\n".join(prompts),
                "levels": ", ".join(levels), "passing_rule": rubric["passing_rule"],
                "passing_level": levels[rubric["passing_level"]] if levels and rubric["passing_level"] is not None and rubric["passing_level"] < len(levels) else "",
                "min_criteria": rubric["min_criteria"]}

    def part_document(self, *, old_prompts: list[dict], data) -> dict:
        d = self.cleaned_data
        levels = [lvl.strip() for lvl in d["levels"].split(",") if lvl.strip()]
        lowered = [lvl.lower() for lvl in levels]
        wanted = d["passing_level"].strip().lower()
        passing_level = lowered.index(wanted) if wanted in lowered else None
        if passing_level is None:
            self.add_error("passing_level", gettext("Use one of the level names: %(levels)s.") % {"levels": ", ".join(levels)})
        guidance = {p["text"]: p["guidance"] for p in old_prompts}
        prompts = []
        for line in _lines(d["prompts"]):
            if line.lower().startswith("quiz:"):
                bits = [b.strip() for b in line[5:].split("|")]
                question, options = bits[0], [b for b in bits[1:] if b]
                correct = next((i for i, o in enumerate(options) if o.endswith("*")), None)
                prompts.append({"text": question, "response_type": "quiz", "guidance": guidance.get(question, ""),
                                "choices": [o.rstrip("*").strip() for o in options], "correct_choice": correct})
            else:
                kind = "reflection" if "reflect" in line.lower() else ("written" if "written" in d["evidence_types"] or not d["evidence_types"] else d["evidence_types"][0])
                old = next((p for p in old_prompts if p["text"] == line), None)
                prompts.append({"text": line, "response_type": old["response_type"] if old else kind,
                                "guidance": guidance.get(line, ""), "choices": [], "correct_choice": None})
        criteria = []
        boxes = _descriptor_box_for_level(levels, data.get("descriptor_levels"))
        indexes = sorted({int(k.split("-")[1]) for k in data if k.startswith("criterion-") and k.split("-")[1].isdigit()})
        for i in indexes[:40]:
            title = (data.get(f"criterion-{i}-title") or "").strip()
            if not title or data.get(f"criterion-{i}-remove"):
                continue
            criteria.append({"title": title, "description": (data.get(f"criterion-{i}-description") or "").strip(),
                             "descriptors": [(data.get(f"criterion-{i}-level-{k}") or "").strip() if k is not None else ""
                                             for k in boxes]})
        return {"title": d["title"], "overview": d["overview"], "demonstrates": d["demonstrates"],
                "evidence_types": d["evidence_types"], "prompts": prompts,
                "rubric": {"levels": levels, "passing_rule": d["passing_rule"], "passing_level": passing_level,
                           "min_criteria": d["min_criteria"], "criteria": criteria}}


def _descriptor_box_for_level(levels: list[str], shown: str | None) -> list[int | None]:
    """For each level now named, the descriptor box (by position) that holds its text, or None for a new level.

    The boxes were drawn for the levels the page was shown with (``shown``, a JSON list). A descriptor belongs to
    its level, not to a column: adding "Developing" between "Not Yet" and "Proficient" keeps Proficient's text with
    Proficient and gives Developing an empty box. Only when the number of levels is unchanged and a name is new is
    the level taken as renamed in place."""
    try:
        before = json.loads(shown) if shown and len(shown) <= 2000 else None
    except (ValueError, RecursionError):
        before = None
    if not isinstance(before, list) or not all(isinstance(b, str) for b in before):
        return list(range(len(levels)))  # no record of what was shown: keep positions (an API-like post)
    by_name = {name.strip().lower(): k for k, name in enumerate(before)}
    boxes: list[int | None] = []
    for k, name in enumerate(levels):
        if name.lower() in by_name:
            boxes.append(by_name[name.lower()])
        elif len(levels) == len(before) and before[k].strip().lower() not in {n.lower() for n in levels}:
            boxes.append(k)  # renamed in place
        else:
            boxes.append(None)
    return boxes


class ReviewForm(forms.Form):
    note = forms.CharField(widget=forms.Textarea, required=False, max_length=5000, label=_("Note to the author"))


class ChangeNoteForm(forms.Form):
    change_note = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}), required=False, max_length=MicroCredentialVersion.CHANGE_NOTE_MAX,
        label=_("What changed from the previous version"),
        help_text=_("A short note for educators and recognizers, shown in the public version history (at most 2,000 characters)."))


class RetireForm(forms.Form):
    reason = forms.CharField(widget=forms.Textarea, max_length=2000, label=_("Why is this being retired?"))


class StackForm(forms.Form):
    owner = forms.ModelChoiceField(queryset=Organization.objects.none(), label=_("Owning organization"))
    title = forms.CharField(max_length=200, label=_("Title"))
    description = forms.CharField(widget=forms.Textarea, required=False, max_length=20000, label=_("Description"))
    kind = forms.ChoiceField(choices=Stack.Kind.choices, label=_("Kind"))
    rule = forms.ChoiceField(choices=Stack.Rule.choices, label=_("Completion rule"))
    required_count = forms.IntegerField(required=False, min_value=1, max_value=100, label=_("N (for “any N of these”)"))
    partner = forms.CharField(required=False, max_length=200, label=_("Partner"))
    items = forms.CharField(widget=forms.Textarea, max_length=20000, label=_("Items"),
                            help_text=_("One per line, in order: an MC or stack identifier (its slug). "
                                        "For choice slots put the slot number first: 1 | mc-slug"))

    def __init__(self, *args, organizations=None, **kwargs):
        super().__init__(*args, **kwargs)
        _owner_choices(self.fields["owner"], organizations)

    def clean_items(self):
        from .models import MicroCredential as MC

        out, errors = [], []
        for n, line in enumerate(_lines(self.cleaned_data["items"]), start=1):
            slot = None
            if "|" in line:
                left, line = [b.strip() for b in line.split("|", 1)]
                if not left.isdigit():
                    errors.append(gettext("Line %(n)s: the slot must be a number.") % {"n": n})
                    continue
                slot = int(left)
            mc = MC.objects.filter(slug=line).first()
            child = None if mc else Stack.objects.filter(slug=line).first()
            if not mc and not child:
                errors.append(gettext("Line %(n)s: no micro-credential or stack “%(slug)s”.") % {"n": n, "slug": line[:80]})
                continue
            out.append({"micro_credential": mc, "child_stack": child, "slot": slot})
        if errors:
            raise forms.ValidationError(errors)
        return out
