"""Catalog pages (public) and authoring pages (authors and issuer admins). Thin: parse, call, render."""
from __future__ import annotations

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from microcred.accounts import policy
from microcred.core import audit
from microcred.core.cache import remembered
from microcred.core.page_cache import anonymous_page

from . import pilots as catalog_pilots
from . import quality as catalog_quality
from . import selectors, services, translation
from .coverage import coverage_of
from .definition import DefinitionErrors, export_definition
from .forms import ChangeNoteForm, ImportDefinitionForm, NewMicroCredentialForm, OverviewForm, PartForm, RetireForm, ReviewForm, StackForm
from .models import MicroCredentialVersion, Stack
from .progress import earned_micro_credential_ids
from .templates_default import starter_definition

S = MicroCredentialVersion.State


def _filters_from(request) -> dict[str, list[str]]:
    return {name: request.GET.getlist(name) for name in selectors.FACETS if request.GET.getlist(name)}


def home(request):
    return render(request, "catalog/home.html", {
        "featured": translation.localize_summaries(selectors.featured_micro_credentials(user=request.user, limit=6), get_language()),
        "stacks": selectors.visible_stacks(user=request.user)[:8],
    })


# Cards per catalog page: a state catalog holds thousands of MCs, and drawing the cards is most of a page's cost.
PAGE_SIZE = 48


def _page_number(request) -> int:
    try:
        return min(max(int(request.GET.get("page", "1")[:6]), 1), 10_000)
    except ValueError:
        return 1


def _catalog_params(request) -> dict:
    """What of the query string the catalog reads, bounded and in one order: equal searches get one key (one cached
    set of results), and a query string's other parameters change nothing."""
    quality, sort = request.GET.get("quality", "")[:20], request.GET.get("sort", "")[:20]
    return {"q": request.GET.get("q", "")[: selectors.MAX_QUERY_LENGTH],
            # Bounded as search_catalog bounds them; the order of a facet's values does not change what matches.
            "filters": {name: sorted({v[:120] for v in values[:20]}) for name, values in _filters_from(request).items()},
            "quality": quality if quality == "approved" else "", "sort": sort if sort == "quality" else "",
            "page": _page_number(request)}


def _page_url(params: dict, number: int) -> str:
    query = QueryDict(mutable=True)
    if params["q"]:
        query["q"] = params["q"]
    for name in selectors.FACETS:
        if name in params["filters"]:
            query.setlist(name, params["filters"][name])
    for name in ("quality", "sort"):
        if params[name]:
            query[name] = params[name]
    query["page"] = str(number)
    return "?" + query.urlencode()


# How long a set of results is kept for an audience. Everything the catalog owns retires it at once (CATALOG); badges
# that come from other apps (assessor coverage, quality outcome, pilot fullness) may lag by up to this (decision 0045).
RESULTS_SECONDS = 60


def search(request):
    # The same for every anonymous visitor: cached whole, retired when the catalog changes (decision 0044).
    return anonymous_page(request, selectors.CATALOG, lambda csrf_token: _search(request, csrf_token))


def _search(request, csrf_token: str | None):
    # The results (cards, facets, pages) depend on who asks only through their audience (the members-only MCs they
    # may see, none for most people): drawn once per audience, language and search and shared; the page around them
    # (header, menu, CSRF token) is drawn for each person (decision 0045).
    params = _catalog_params(request)
    audience = selectors.catalog_audience(request.user)
    results = remembered(selectors.CATALOG, f"results {audience} {get_language()} {sorted(params.items())}",
                         lambda: _results(params, audience), timeout=RESULTS_SECONDS)
    if request.headers.get("HX-Request"):
        return HttpResponse(results)
    context = {"q": params["q"], "results": mark_safe(results)}  # our own template's output, escaped when drawn
    if csrf_token is not None:
        context["csrf_token"] = csrf_token
    return render(request, "catalog/search.html", context)


def _results(params: dict, audience: tuple[int, ...]) -> str:
    """The results part of the catalog page, drawn without the request: nothing of the person asking can enter it."""
    page = params["page"]
    result = selectors.search_catalog(audience=audience, q=params["q"], filters=params["filters"], limit=PAGE_SIZE,
                                      offset=(page - 1) * PAGE_SIZE, quality=params["quality"], sort=params["sort"])
    pages = max(1, -(-result.total // PAGE_SIZE))
    translation.localize_summaries(result.versions, get_language())
    return render_to_string("catalog/_results.html", {
        "q": params["q"], "result": result, "facet_titles": FACET_TITLES, "quality": params["quality"],
        "sort": params["sort"], "page": page, "pages": pages,
        "previous_url": _page_url(params, page - 1) if page > 1 else None,
        "next_url": _page_url(params, page + 1) if page < pages else None})


FACET_TITLES = {"subject": gettext_lazy("Subject"), "grade_band": gettext_lazy("Grade band"), "role": gettext_lazy("Educator role"),
                "issuer": gettext_lazy("Issuer"), "stack": gettext_lazy("Stack"), "cost": gettext_lazy("Cost"),
                "hours": gettext_lazy("Estimated time"), "evidence_type": gettext_lazy("Evidence type")}


def detail(request, slug):
    # An MC's public page is the same for every anonymous visitor: cached whole, like the catalog (decision 0044).
    return anonymous_page(request, selectors.CATALOG, lambda csrf_token: _render_version(
        request, selectors.micro_credential_for_catalog(user=request.user, slug=slug), csrf_token))


def version_detail(request, slug, number):
    version = selectors.version_for_reading(user=request.user, slug=slug, number=number)
    return _render_version(request, version)


def _render_version(request, version, csrf_token: str | None = None):
    mc = version.micro_credential
    translation.localize(version, get_language())  # the reader's language where the MC is translated
    extra = {"csrf_token": csrf_token} if csrf_token is not None else {}
    return render(request, "catalog/detail.html", {**extra,
        "version": version, "mc": mc, "parts": selectors.parts_with_rubrics(version),
        "stacks": selectors.stacks_containing(mc), "can_edit": policy.can_edit(request.user, mc),
        "coverage": coverage_of(version),
        "quality_status": catalog_quality.status_for([mc.pk]).get(mc.pk, "") if version.state == S.PUBLISHED else "",
        "quality_record_url": catalog_quality.record_url(mc.slug) if version.state == S.PUBLISHED else "",
        "pilot": catalog_pilots.status_for([version.pk]).get(version.pk) if version.state == S.PUBLISHED else None,
        "version_history": selectors.version_history(mc),
    })


def stacks(request):
    return render(request, "catalog/stacks.html", {"stacks": selectors.visible_stacks(user=request.user)})


def stack_detail(request, slug):
    stack = selectors.stack_for_catalog(user=request.user, slug=slug)
    progress = None
    if request.user.is_authenticated:
        progress = selectors.stack_progress(stack, earned_micro_credential_ids(request.user))
    items = selectors.stack_items(user=request.user, stack=stack)
    translation.localize_summaries([row.get("version") for row in items], get_language())
    if progress:
        done = {row["item_id"] for row in progress["items"] if row["done"]}
        for row in items:
            row["done"] = row["item"].pk in done
    return render(request, "catalog/stack_detail.html", {
        "stack": stack, "items": items, "progress": progress,
        "parents": Stack.objects.filter(items__child_stack=stack, state=Stack.State.PUBLISHED).distinct(),
        "can_edit": policy.can_edit(request.user, stack),
    })


# --- Authoring --------------------------------------------------------------------------------

def _author_required(request):
    if not policy.can_author(request.user):
        raise PermissionDenied(_("Authoring is for authors and issuer admins of an issuing organization."))


def _show_errors(request, form, exc: ValidationError):
    """Attach service errors to the form: a field's own message where we can, the rest on top."""
    errors = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
    for path, msgs in errors.items():
        field = path.split("[")[0].split(".")[0]
        for msg in msgs:
            label = "" if field in form.fields else (f"{path}: " if path not in ("__all__", "definition") else "")
            form.add_error(field if field in form.fields else None, f"{label}{msg}")


@login_required
def author_home(request):
    _author_required(request)
    return render(request, "catalog/author_home.html", {
        "mcs": selectors.micro_credentials_for_author(user=request.user),
        "stacks": selectors.stacks_for_author(user=request.user),
        "import_form": ImportDefinitionForm(organizations=selectors.authoring_organizations(user=request.user)),
    })


@login_required
def author_new(request):
    _author_required(request)
    orgs = selectors.authoring_organizations(user=request.user)
    form = NewMicroCredentialForm(request.POST or None, organizations=orgs)
    if request.method == "POST" and form.is_valid():
        definition = starter_definition(title=form.cleaned_data["title"], competency=form.cleaned_data["competency"],
                                        key_method=form.cleaned_data["key_method"], owner=form.cleaned_data["owner"])
        try:
            version = services.create_micro_credential(owner=form.cleaned_data["owner"], definition=definition, by=request.user)
        except ValidationError as exc:
            _show_errors(request, form, exc)
        else:
            messages.success(request, _("Draft created from the standard three-part template. Edit each section, then submit it for review."))
            return redirect(version_edit_url(version))
    return render(request, "catalog/author_new.html", {"form": form})


def version_edit_url(version) -> str:
    return reverse("catalog:author_version", args=[version.micro_credential.slug, version.number])


@login_required
def author_version(request, slug, number):
    version = selectors.editable_version(user=request.user, slug=slug, number=number)
    definition = export_definition(version)
    form = OverviewForm(request.POST or None, initial=OverviewForm.initial_from(definition))
    if request.method == "POST":
        if not version.is_editable:
            messages.error(request, _("This version is no longer a draft; start a new version to make changes."))
            return redirect(version_edit_url(version))
        if form.is_valid():
            try:
                services.update_draft_fields(version=version, changes=form.changes(saved=definition), by=request.user)
            except ValidationError as exc:
                _show_errors(request, form, exc)
            else:
                messages.success(request, _("Saved."))
                return redirect(version_edit_url(version))
    return _render_author_version(request, version, form)


def _render_author_version(request, version, form, change_note_form=None, status=200):
    return render(request, "catalog/author_version.html", {
        "version": version, "mc": version.micro_credential, "form": form, "parts": selectors.parts_with_rubrics(version),
        "change_note_form": change_note_form or ChangeNoteForm(initial={"change_note": version.change_note}),
        "can_publish": policy.can_publish(request.user, version.micro_credential),
        "review_form": ReviewForm(), "retire_form": RetireForm(), "history": audit.history(version)[:20],
        "coverage": coverage_of(version),
        "versions": version.micro_credential.versions.order_by("-number"),
        "content_languages": translation.content_languages(),
        "translated": set(version.translations.values_list("language", flat=True)),
    }, status=status)


@login_required
@require_POST
def author_change_note(request, slug, number):
    """Save the draft's "what changed" note; a refused note is shown again with its error, never lost."""
    version = selectors.editable_version(user=request.user, slug=slug, number=number)
    note_form = ChangeNoteForm(request.POST)
    if note_form.is_valid():
        try:
            services.save_change_note(version=version, note=note_form.cleaned_data["change_note"], by=request.user)
        except ValidationError as exc:
            _show_errors(request, note_form, exc)
        except PermissionDenied as exc:
            messages.error(request, str(exc))
            return redirect(version_edit_url(version))
        else:
            messages.success(request, _("Change note saved."))
            return redirect(version_edit_url(version) + "#change-note")
    form = OverviewForm(initial=OverviewForm.initial_from(export_definition(version)))
    return _render_author_version(request, version, form, change_note_form=note_form, status=400)


@login_required
def author_alignments(request, slug, number):
    """The competency framework picker: align the competency or a rubric criterion to imported CASE items."""
    version = selectors.editable_version(user=request.user, slug=slug, number=number)
    frameworks = list(selectors.competency_frameworks())
    chosen = next((f for f in frameworks if f.identifier == request.GET.get("framework", "")), frameworks[0] if frameworks else None)
    q = request.GET.get("q", "")[:200]
    if request.method == "POST":
        if not version.is_editable:
            messages.error(request, _("This version is no longer a draft; start a new version to make changes."))
            return redirect(request.get_full_path())
        try:
            if request.POST.get("remove", "").isdigit():
                services.remove_alignment(version=version, index=int(request.POST["remove"]), by=request.user)
                messages.success(request, _("Alignment removed."))
            else:
                item = selectors.competency_item(request.POST.get("item", ""))
                target = request.POST.get("target", "")
                part, _sep, criterion = target.partition("-")
                if item is None:
                    raise ValidationError(_("Choose an item of the framework to align to."))
                if target and not (part.isdigit() and criterion.isdigit()):
                    raise ValidationError(_("Choose what to align: the whole competency or one criterion."))
                services.add_case_alignment(version=version, item=item, by=request.user,
                                            part=int(part) if target else None, criterion=int(criterion) if target else None)
                messages.success(request, _("Aligned to %(item)s.") % {"item": str(item)[:120]})
        except ValidationError as exc:
            for msg in exc.messages:
                messages.error(request, msg)
        return redirect(request.get_full_path())
    items, matched = selectors.competency_items_for_picker(framework=chosen, q=q)
    return render(request, "catalog/author_alignments.html", {
        "version": version, "mc": version.micro_credential, "alignments": selectors.alignments_of(version),
        "frameworks": frameworks, "chosen": chosen, "q": q, "items": items, "matched": matched,
        "targets": selectors.alignment_targets(version)})


@login_required
def author_part(request, slug, number, position=None):
    version = selectors.editable_version(user=request.user, slug=slug, number=number)
    if not version.is_editable:
        messages.error(request, _("This version is no longer a draft; start a new version to make changes."))
        return redirect(version_edit_url(version))
    definition = export_definition(version)
    parts = definition["parts"]
    if position is not None and not 1 <= position <= len(parts):
        raise Http404("No such part.")
    current = parts[position - 1] if position else {
        # A new part's starting title is content, in the MC's source language (English).
        "title": f"Part {len(parts) + 1}", "overview": "", "demonstrates": "apply", "evidence_types": ["written"], "prompts": [],
        "rubric": {"levels": ["Not Yet", "Proficient"], "passing_rule": "all_at_least", "passing_level": 1, "min_criteria": None, "criteria": []}}
    form = PartForm(request.POST or None, initial=PartForm.initial_from(current))
    criteria_rows = current["rubric"]["criteria"] if current["rubric"] else []
    # The levels the descriptor boxes are drawn for: the saved ones, until a posted rubric has been remapped to the
    # levels typed (forms._descriptor_box_for_level), so a refused save never shifts a descriptor to another level.
    box_levels = current["rubric"]["levels"] if current["rubric"] else []
    if request.method == "POST":
        if request.POST.get("delete") and position:
            if len(parts) == 1:
                messages.error(request, _("A micro-credential needs at least one part."))
                return redirect(version_edit_url(version))
            if request.POST.get("confirmed") != "yes":  # deleting a part loses its prompts and rubric: ask first
                part = parts[position - 1]
                return render(request, "catalog/part_delete_confirm.html", {
                    "version": version, "mc": version.micro_credential, "position": position, "title": part["title"],
                    "criteria": len((part.get("rubric") or {}).get("criteria") or []),
                    "prompts": len(part.get("prompts") or [])})
            services.update_draft_fields(version=version, changes={"parts": parts[:position - 1] + parts[position:]}, by=request.user)
            messages.success(request, _("Part removed."))
            return redirect(version_edit_url(version))
        if form.is_valid():
            doc = form.part_document(old_prompts=current["prompts"], data=request.POST)
            criteria_rows, box_levels = doc["rubric"]["criteria"], doc["rubric"]["levels"]
            if form.is_valid():
                new_parts = list(parts)
                if position:
                    new_parts[position - 1] = doc
                else:
                    new_parts.append(doc)
                try:
                    services.update_draft_fields(version=version, changes={"parts": new_parts}, by=request.user)
                except ValidationError as exc:
                    _show_errors(request, form, _part_errors(exc, (position or len(new_parts)) - 1))
                else:
                    messages.success(request, _("Part saved."))
                    return redirect(version_edit_url(version))
    levels = box_levels
    rows = [dict(c, index=i) for i, c in enumerate(criteria_rows)]
    rows.append({"title": "", "description": "", "descriptors": [""] * len(levels), "index": len(rows), "new": True})
    for row in rows:
        row["cells"] = list(zip(range(len(levels)), levels, row["descriptors"] + [""] * (len(levels) - len(row["descriptors"]))))
    return render(request, "catalog/author_part.html", {"version": version, "mc": version.micro_credential, "form": form,
                                                         "position": position, "rows": rows, "levels": levels,
                                                         "levels_json": json.dumps(levels)})


def _part_errors(exc: ValidationError, index: int) -> ValidationError:
    """Turn `parts[i].rubric.levels` style paths into the part form's own field names."""
    if not hasattr(exc, "error_dict"):
        return exc
    out: dict[str, list[str]] = {}
    prefix = f"parts[{index}]."
    for path, msgs in exc.message_dict.items():
        if path.startswith(prefix):
            rest = path[len(prefix):]
            key = rest.split(".")[-1] if rest.startswith("rubric.") and "criteria" not in rest else rest.split(".")[0].split("[")[0]
            if rest.startswith("rubric.criteria"):
                key, msgs = "__all__", [_("Criterion %(n)s: %(message)s") % {"n": int(rest.split("[")[1].split("]")[0]) + 1, "message": m}
                                        for m in msgs]
            out.setdefault(key, []).extend(msgs)
        else:
            out.setdefault("__all__", []).extend(f"{path}: {m}" for m in msgs)
    return ValidationError(out)


@login_required
@require_POST
def author_transition(request, slug, number, action):
    version = selectors.editable_version(user=request.user, slug=slug, number=number)
    try:
        if action == "submit":
            services.submit_for_review(version=version, by=request.user)
            messages.success(request, _("Submitted for quality review."))
        elif action == "return":
            form = ReviewForm(request.POST)
            form.is_valid()
            services.return_to_draft(version=version, by=request.user, note=form.cleaned_data.get("note", ""))
            messages.success(request, _("Returned to the author with your note."))
        elif action == "publish":
            try:
                services.publish_checked(version=version, by=request.user,
                                         publish_anyway=request.POST.get("publish_anyway") == "yes")
            except services.CoverageGap as gap:
                return render(request, "catalog/publish_confirm.html",
                              {"version": version, "mc": version.micro_credential, "gaps": gap.coverage.gaps,
                               "coverage": gap.coverage}, status=409)
            messages.success(request, _("Published. The catalog now shows this version."))
        elif action == "retire":
            form = RetireForm(request.POST)
            form.is_valid()
            services.retire(version=version, by=request.user, reason=form.cleaned_data.get("reason", ""))
            messages.success(request, _("Retired."))
        elif action == "new-version":
            new = services.start_new_version(micro_credential=version.micro_credential, by=request.user)
            messages.success(request, _("Version %(n)s is a new draft; the published version stays as it is.") % {"n": new.number})
            return redirect(version_edit_url(new))
        else:
            raise Http404("Unknown action.")
    except PermissionDenied as exc:
        messages.error(request, str(exc))
    except ValidationError as exc:
        for msg in exc.messages:
            messages.error(request, msg)
    return redirect(version_edit_url(version))


@login_required
def author_export(request, slug, number):
    version = selectors.editable_version(user=request.user, slug=slug, number=number)
    body = json.dumps(export_definition(version), indent=2, ensure_ascii=False)
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{version.micro_credential.slug}-v{version.number}.json"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
def author_import(request):
    _author_required(request)
    orgs = selectors.authoring_organizations(user=request.user)
    form = ImportDefinitionForm(request.POST or None, request.FILES or None, organizations=orgs)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            if upload.size > services.settings.MICROCRED_MAX_DEFINITION_BYTES:
                raise DefinitionErrors({"definition": [_("The file is too large (%(size)s bytes).") % {"size": f"{upload.size:,}"}]})
            data = services.parse_definition_json(upload.read())
            version = services.import_definition(definition=data, owner=form.cleaned_data["owner"], by=request.user)
        except ValidationError as exc:
            form.add_error("file", _("The definition was not imported; nothing was changed."))
            _show_errors(request, form, exc)
        except PermissionDenied as exc:
            form.add_error("owner", str(exc))
        else:
            messages.success(request, _("Imported as version %(n)s (draft) of “%(title)s”.") % {"n": version.number, "title": version.title})
            return redirect(version_edit_url(version))
    return render(request, "catalog/author_import.html", {"form": form})


@login_required
def author_stack(request, slug=None):
    _author_required(request)
    orgs = selectors.authoring_organizations(user=request.user)
    stack = None
    initial = {}
    if slug:
        stack = Stack.objects.filter(slug=slug).first()
        if stack is None or not policy.can_edit(request.user, stack):
            raise Http404("No such stack.")
        lines = [(f"{i.slot} | " if i.slot else "") + (i.micro_credential.slug if i.micro_credential_id else i.child_stack.slug)
                 for i in stack.items.select_related("micro_credential", "child_stack")]
        initial = {"owner": stack.owner, "title": stack.title, "description": stack.description, "kind": stack.kind, "rule": stack.rule,
                   "required_count": stack.required_count, "partner": stack.partner, "items": "\n".join(lines)}
    form = StackForm(request.POST or None, initial=initial, organizations=orgs)
    if request.method == "POST":
        if "state" in request.POST and stack:
            try:
                services.set_stack_state(stack=stack, state=request.POST["state"], by=request.user)
                messages.success(request, _("Stack is now %(state)s.") % {"state": str(stack.__class__.State(request.POST["state"]).label).lower()})
            except (ValidationError, PermissionDenied, ValueError) as exc:
                messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))
            return redirect("catalog:author_stack", slug=stack.slug)
        if form.is_valid():
            d = form.cleaned_data
            try:
                stack = services.save_stack(owner=stack.owner if stack else d["owner"], by=request.user, title=d["title"],
                                            description=d["description"], kind=d["kind"], rule=d["rule"],
                                            required_count=d["required_count"], partner=d["partner"], items=d["items"], stack=stack)
            except ValidationError as exc:
                _show_errors(request, form, exc)
            except PermissionDenied as exc:
                form.add_error("owner", str(exc))
            else:
                messages.success(request, _("Stack saved."))
                return redirect("catalog:author_stack", slug=stack.slug)
    return render(request, "catalog/author_stack.html", {"form": form, "stack": stack,
                                                          "can_publish": stack is not None and policy.can_publish(request.user, stack)})


@login_required
def author_translation(request, slug, number, language):
    """Translate a version's content (title, competency, key method, parts, prompts, rubric) field by field beside the
    English. What the translator typed is kept on the page when something is refused."""
    version = selectors.version_for_translation(user=request.user, slug=slug, number=number)
    languages = dict(translation.content_languages())
    if language not in languages:
        raise Http404("Micro-credentials are not translated into that language.")
    existing = next((t for t in version.translations.all() if t.language == language), None)
    fields = translation.translatable_fields(version)
    content = existing.content if existing else {}
    values = {f.key: translation.value_at(content, f.path) for f in fields}
    errors = {}
    if request.method == "POST":
        values = {f.key: request.POST.get(f.key, "") for f in fields}
        try:
            services.save_translation(version=version, language=language, values=values, by=request.user)
        except ValidationError as exc:
            errors = {key: " ".join(msgs) for key, msgs in exc.message_dict.items()} if hasattr(exc, "error_dict") else {"": " ".join(exc.messages)}
            messages.error(request, _("Nothing was saved: correct the fields marked below."))
        else:
            messages.success(request, _("The %(language)s translation was saved.") % {"language": languages[language]})
            return redirect("catalog:author_translation", slug=slug, number=number, language=language)
    rows = [{"field": f, "value": values.get(f.key, ""), "error": errors.get(f.key, "")} for f in fields]
    done = sum(1 for r in rows if r["value"])
    return render(request, "catalog/author_translation.html", {
        "version": version, "mc": version.micro_credential, "language": language, "language_name": languages[language],
        "rows": rows, "done": done, "total": len(rows), "form_error": errors.get("", "")})
