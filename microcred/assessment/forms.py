"""Forms of the assessor and issuer pages. Rubric rules live in services; these only parse and bound input."""
from __future__ import annotations

from django import forms
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from microcred.accounts.models import User

COMMENT_MAX, FEEDBACK_MAX = 5000, 20000


def parse_scores(data, parts: list[dict]) -> tuple[dict[int, int], dict[int, str], dict[int, str], list[str]]:
    """Read `level-<criterion>`, `comment-<criterion>` and `feedback-<part>` fields of the rubric grid.

    Returns levels, comments, part feedback and errors. A level that is not a whole number is reported
    here; whether it is one of the rubric's levels is the service's rule."""
    levels, comments, feedback, errors = {}, {}, {}, []
    for p in parts:
        if p["locked"]:
            continue
        for row in p["criteria"]:
            c = row["criterion"]
            raw = (data.get(f"level-{c.pk}") or "").strip()
            if raw:
                try:
                    levels[c.pk] = int(raw)
                except ValueError:
                    errors.append(_("“%(criterion)s” (%(part)s): choose one of the rubric's levels.") % {"criterion": c.title, "part": p["part"].title})
            text = data.get(f"comment-{c.pk}") or ""
            if len(text) > COMMENT_MAX:
                errors.append(_("“%(criterion)s” (%(part)s): keep the comment under %(max)s characters.") % {
                    "criterion": c.title, "part": p["part"].title, "max": number_format(COMMENT_MAX, force_grouping=True)})
            comments[c.pk] = text
        text = data.get(f"feedback-{p['part'].pk}") or ""
        if len(text) > FEEDBACK_MAX:
            errors.append(_("%(part)s: keep the feedback under %(max)s characters.") % {
                "part": p["part"].title, "max": number_format(FEEDBACK_MAX, force_grouping=True)})
        feedback[p["part"].pk] = text
    return levels, comments, feedback, errors


def keep_entered(parts: list[dict], levels: dict, comments: dict, feedback: dict) -> list[dict]:
    """Put what the assessor entered back into the grid (after a validation error nothing they typed is lost)."""
    for p in parts:
        p["feedback_value"] = feedback.get(p["part"].pk, "")
        for row in p["criteria"]:
            row["selected"] = levels.get(row["criterion"].pk)
            row["comment_value"] = comments.get(row["criterion"].pk, "")
    return parts


class ReleaseForm(forms.Form):
    reason = forms.CharField(max_length=300, label=gettext_lazy("Why are you giving this item back?"),
                             error_messages={"required": gettext_lazy("Say why you release the item (e.g. a conflict of interest you know of).")})


class PrecheckForm(forms.Form):
    complete = forms.TypedChoiceField(choices=[("1", gettext_lazy("Complete")), ("0", gettext_lazy("Incomplete"))], coerce=lambda v: v == "1")
    reason = forms.CharField(required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3}),
                             label=gettext_lazy("What is missing (sent to the earner)"))

    def clean(self):
        data = super().clean()
        if data.get("complete") is False and not (data.get("reason") or "").strip():
            self.add_error("reason", _("Say what is missing; the earner reads this."))
        return data


class ReassignForm(forms.Form):
    to = forms.ModelChoiceField(queryset=User.objects.none(), label=gettext_lazy("Reassign to"), empty_label=gettext_lazy("Choose an eligible assessor"),
                                error_messages={"required": gettext_lazy("Choose an eligible assessor."),
                                                "invalid_choice": gettext_lazy("That assessor is not eligible for this item.")})
    reason = forms.CharField(max_length=280, label=gettext_lazy("Reason"), error_messages={"required": gettext_lazy("Say why the item is reassigned.")})

    def __init__(self, *args, eligible=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to"].queryset = User.objects.filter(pk__in=[u.pk for u in eligible])
        self.fields["to"].label_from_instance = lambda u: u.get_full_name() or u.username


class PoolForm(forms.Form):
    assessor = forms.ModelChoiceField(queryset=User.objects.none(), label=gettext_lazy("Assessor"), empty_label=gettext_lazy("Choose an assessor"),
                                      error_messages={"required": gettext_lazy("Choose an assessor of the organization."),
                                                      "invalid_choice": gettext_lazy("That person is not an assessor of the organization, or is already in the pool.")})
    senior = forms.BooleanField(required=False, label=gettext_lazy("Senior (may adjudicate)"))

    def __init__(self, *args, candidates=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assessor"].queryset = candidates if candidates is not None else User.objects.none()
        self.fields["assessor"].label_from_instance = lambda u: u.get_full_name() or u.username


class AnchorForm(forms.Form):
    title = forms.CharField(max_length=200, label=gettext_lazy("Title"), help_text=gettext_lazy("For the calibration-set manager; never shown while scoring."),
                            error_messages={"required": gettext_lazy("Give the anchor a title.")})
