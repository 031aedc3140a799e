"""Every write to the catalog: authoring, review, publishing, retiring, import, stacks."""
from __future__ import annotations

import io
import json
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from microcred.accounts import policy
from microcred.accounts.models import Organization
from microcred.core import audit
from microcred.rosters import fetch

from . import case
from .coverage import Coverage, coverage_of
from .definition import DefinitionErrors, export_definition, validate_definition, write_definition
from .models import CompetencyFramework, CompetencyItem, LevelDescriptor, MicroCredential, MicroCredentialVersion, Stack, StackItem, VersionTranslation
from .signals import version_published, version_retired
from .transitions import ensure_version_transition

S = MicroCredentialVersion.State


def parse_definition_json(raw: bytes | str) -> dict:
    """Decode an uploaded definition, refusing oversized or malformed JSON with a clear message."""
    limit = settings.MICROCRED_MAX_DEFINITION_BYTES
    if len(raw) > limit:
        raise DefinitionErrors({"definition": [_("The file is too large (%(size)s bytes; at most %(limit)s).") % {"size": f"{len(raw):,}", "limit": f"{limit:,}"}]})
    if isinstance(raw, bytes):
        try:
            raw = raw.decode("utf-8")
        except UnicodeDecodeError:
            raise DefinitionErrors({"definition": [_("The file is not UTF-8 text; export it again as JSON.")]}) from None
    try:
        data = json.loads(raw)
    except (json.JSONDecodeError, RecursionError) as exc:
        raise DefinitionErrors({"definition": [_("This is not valid JSON: %(why)s.") % {"why": getattr(exc, "msg", _("nested too deeply"))}]}) from None
    return data


def _unique_slug(base: str, model, exclude_pk=None) -> str:
    base = slugify(base)[:100] or "micro-credential"
    slug, n = base, 2
    while model.objects.filter(slug=slug).exclude(pk=exclude_pk).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


def refresh_search_text(version: MicroCredentialVersion) -> None:
    """Rebuild the lower-case text the catalog search matches (title, competency, method, tags…)."""
    pieces = [version.title, version.competency, version.key_method, " ".join(version.tags)]
    pieces += [f"{m.get('title', '')} {m.get('description', '')}" for m in version.method_components]
    pieces += [s.name for s in version.subjects.all()]
    pieces += [r.organization.name for r in version.organization_roles.select_related("organization")]
    pieces += [p.title for p in version.parts.all()]
    text = " ".join(pieces).lower()
    MicroCredentialVersion.objects.filter(pk=version.pk).update(search_text=text)
    version.search_text = text


def _check_can_edit(by, mc: MicroCredential) -> None:
    if not policy.can_edit(by, mc):
        raise PermissionDenied(_("Only authors and issuer admins of the owning organization may edit this micro-credential."))


def _apply_mc_settings(mc: MicroCredential, clean: dict) -> None:
    mc.visibility = clean["visibility"]
    mc.coach_conversation_after = clean["coach_conversation_after"]
    mc.save(update_fields=["visibility", "coach_conversation_after"])
    mc.visible_to.set(Organization.objects.filter(slug__in=clean["visible_to"]))


def create_micro_credential(*, owner: Organization, definition: dict, by, slug: str | None = None) -> MicroCredentialVersion:
    """Create an MC owned by `owner` with a first draft version from a definition."""
    if not policy.can_edit(by, MicroCredential(owner=owner)):
        raise PermissionDenied(_("You are not an author or issuer admin of that organization."))
    clean = validate_definition(definition)
    with transaction.atomic():
        mc = MicroCredential.objects.create(slug=_unique_slug(slug or clean["title"], MicroCredential), owner=owner, created_by=by)
        _apply_mc_settings(mc, clean)
        version = MicroCredentialVersion(micro_credential=mc, number=1, created_by=by)
        write_definition(version, clean)
        refresh_search_text(version)
        audit.record(actor=by, action="mc.created", target=version, data={"slug": mc.slug})
    return version


def update_draft(*, version: MicroCredentialVersion, definition: dict, by) -> MicroCredentialVersion:
    """Replace a draft's content. Published, in-review and retired versions are refused."""
    _check_can_edit(by, version.micro_credential)
    clean = validate_definition(definition)
    with transaction.atomic():
        version = MicroCredentialVersion.objects.select_for_update().get(pk=version.pk)
        if not version.is_editable:
            if version.state == S.PUBLISHED:
                raise ValidationError(_("Version %(n)s is published and cannot be edited; start a new version to make changes.")
                                      % {"n": version.number})
            raise ValidationError(_("Version %(n)s is %(state)s and cannot be edited.")
                                  % {"n": version.number, "state": str(version.get_state_display()).lower()})
        _apply_mc_settings(version.micro_credential, clean)
        write_definition(version, clean)
        refresh_search_text(version)
        audit.record(actor=by, action="mc.draft_saved", target=version)
    return version


def update_draft_fields(*, version: MicroCredentialVersion, changes: dict, by) -> MicroCredentialVersion:
    """Change some top-level fields (or one part) of a draft: export, merge, validate, write."""
    definition = export_definition(version)
    definition.update(changes)
    return update_draft(version=version, definition=definition, by=by)


def _check_rubrics_complete(version: MicroCredentialVersion) -> None:
    """Refuse review or publishing while any rubric cell is empty: assessors and earners read every descriptor, and
    an empty one (a level added after the criteria were written) would be scored against nothing."""
    missing = [_("Part %(n)s “%(part)s”, criterion “%(criterion)s”: the “%(level)s” level has no descriptor.")
               % {"n": d.criterion.rubric.part.position, "part": d.criterion.rubric.part.title, "criterion": d.criterion.title,
                  "level": d.level.name}
               for d in LevelDescriptor.objects.filter(criterion__rubric__part__version=version, text="")
               .select_related("criterion__rubric__part", "level").order_by("criterion__rubric__part__position",
                                                                            "criterion__position", "level__position")[:10]]
    if missing:
        raise ValidationError(missing)


def submit_for_review(*, version: MicroCredentialVersion, by) -> MicroCredentialVersion:
    _check_can_edit(by, version.micro_credential)
    with transaction.atomic():
        version = MicroCredentialVersion.objects.select_for_update().get(pk=version.pk)
        if version.state == S.IN_REVIEW:
            return version
        ensure_version_transition(version, to=S.IN_REVIEW)
        _check_rubrics_complete(version)
        version.state, version.submitted_at = S.IN_REVIEW, timezone.now()
        version.save(update_fields=["state", "submitted_at"])
        audit.record(actor=by, action="mc.submitted_for_review", target=version)
    return version


def return_to_draft(*, version: MicroCredentialVersion, by, note: str = "") -> MicroCredentialVersion:
    """The reviewer asks for changes; the note tells the author what to fix."""
    if not policy.can_publish(by, version.micro_credential):
        raise PermissionDenied(_("Only issuer admins of the owning organization review micro-credentials."))
    with transaction.atomic():
        version = MicroCredentialVersion.objects.select_for_update().get(pk=version.pk)
        ensure_version_transition(version, to=S.DRAFT)
        version.state, version.review_note = S.DRAFT, note.strip()[:5000]
        version.save(update_fields=["state", "review_note"])
        audit.record(actor=by, action="mc.returned_to_draft", target=version, data={"note": version.review_note})
    return version


def publish(*, version: MicroCredentialVersion, by) -> MicroCredentialVersion:
    """Quality review passed: freeze the version and make it the one the catalog shows.

    The previously published version of the same MC is retired (it stays readable, and whatever
    was earned on it keeps pointing at it)."""
    mc = version.micro_credential
    if not policy.can_publish(by, mc):
        raise PermissionDenied(_("Only issuer admins of the owning organization may publish."))
    with transaction.atomic():
        version = MicroCredentialVersion.objects.select_for_update().get(pk=version.pk)
        if version.state == S.PUBLISHED:
            return version
        ensure_version_transition(version, to=S.PUBLISHED)
        if not version.organization_roles.filter(role="issuer").exists():
            raise ValidationError(_("Name an issuing organization before publishing."))
        _check_rubrics_complete(version)
        now = timezone.now()
        previous = list(MicroCredentialVersion.objects.select_for_update().filter(micro_credential=mc, state=S.PUBLISHED).exclude(pk=version.pk))
        for old in previous:
            old.state, old.retired_at = S.RETIRED, now
            old.save(update_fields=["state", "retired_at"])
            audit.record(actor=by, action="mc.retired", target=old, data={"reason": f"superseded by version {version.number}"})
        version.state, version.published_at, version.published_by = S.PUBLISHED, now, by
        version.save(update_fields=["state", "published_at", "published_by"])
        MicroCredential.objects.filter(pk=mc.pk).update(current_version=version)
        audit.record(actor=by, action="mc.published", target=version, data={"change_note": version.change_note})
        transaction.on_commit(lambda: version_published.send(sender=MicroCredentialVersion, version_id=version.pk, micro_credential_id=mc.pk))
    return version


class CoverageGap(ValidationError):
    """Publishing was asked without confirming that the version has no certified assessors or no anchors."""

    def __init__(self, coverage: Coverage):
        self.coverage = coverage
        super().__init__(coverage.gaps, code="coverage")


def publish_checked(*, version: MicroCredentialVersion, by, publish_anyway: bool = False) -> MicroCredentialVersion:
    """Publish as a person does it (the review page, the API): when nobody could assess the version (no certified
    assessor in the MC's pool) or it has no calibration anchors, refuse with ``CoverageGap`` (the warning to show)
    unless ``publish_anyway``; a publication despite the gaps is audited as ``mc.published_without_coverage`` with
    what was missing. Scripts that build a catalog before its assessors (the demo, imports) call ``publish``."""
    if not policy.can_publish(by, version.micro_credential):
        raise PermissionDenied(_("Only issuer admins of the owning organization may publish."))
    coverage = coverage_of(version)
    if version.state != S.PUBLISHED and not coverage.complete:
        if not publish_anyway:
            raise CoverageGap(coverage)
        with transaction.atomic():
            version = publish(version=version, by=by)
            audit.record(actor=by, action="mc.published_without_coverage", target=version,
                         data={"certified_assessors": coverage.certified_assessors, "anchors": coverage.anchors})
        return version
    return publish(version=version, by=by)


def retire(*, version: MicroCredentialVersion, by, reason: str) -> MicroCredentialVersion:
    """Withdraw a published version from the catalog. Earned credentials keep pointing at it."""
    mc = version.micro_credential
    if not policy.can_publish(by, mc):
        raise PermissionDenied(_("Only issuer admins of the owning organization may retire."))
    if not reason.strip():
        raise ValidationError({"reason": [_("Say why this micro-credential is being retired.")]})
    with transaction.atomic():
        version = MicroCredentialVersion.objects.select_for_update().get(pk=version.pk)
        ensure_version_transition(version, to=S.RETIRED)
        version.state, version.retired_at = S.RETIRED, timezone.now()
        version.save(update_fields=["state", "retired_at"])
        MicroCredential.objects.filter(pk=mc.pk, current_version=version).update(current_version=None)
        audit.record(actor=by, action="mc.retired", target=version, data={"reason": reason.strip()[:2000]})
        transaction.on_commit(lambda: version_retired.send(sender=MicroCredentialVersion, version_id=version.pk, micro_credential_id=mc.pk))
    return version


def save_change_note(*, version: MicroCredentialVersion, note: str, by) -> MicroCredentialVersion:
    """The author says what changed from the previous version (shown in the public version history). Only while the
    version is a draft: once submitted it is frozen with the rest of the content."""
    _check_can_edit(by, version.micro_credential)
    if not isinstance(note, str):
        raise ValidationError({"change_note": [_("The change note must be text.")]})
    note = note.strip()
    if len(note) > MicroCredentialVersion.CHANGE_NOTE_MAX:
        raise ValidationError({"change_note": [_("The change note is %(n)s characters long; keep it to %(max)s.")
                                               % {"n": len(note), "max": MicroCredentialVersion.CHANGE_NOTE_MAX}]})
    with transaction.atomic():
        version = MicroCredentialVersion.objects.select_for_update().get(pk=version.pk)
        if not version.is_editable:
            raise ValidationError({"change_note": [_("Version %(n)s is no longer a draft: its change note is frozen with the rest "
                                                     "of its content.") % {"n": version.number}]})
        if version.change_note == note:
            return version
        version.change_note = note
        version.save(update_fields=["change_note"])
        audit.record(actor=by, action="mc.change_note_saved", target=version, data={"change_note": note})
    return version


def start_new_version(*, micro_credential: MicroCredential, by) -> MicroCredentialVersion:
    """Editing a published MC: copy its latest version into a new draft. Returns the open draft if one exists."""
    _check_can_edit(by, micro_credential)
    with transaction.atomic():
        MicroCredential.objects.select_for_update().get(pk=micro_credential.pk)
        open_version = micro_credential.versions.filter(state__in=[S.DRAFT, S.IN_REVIEW]).first()
        if open_version:
            return open_version
        latest = micro_credential.versions.order_by("-number").first()
        clean = validate_definition(export_definition(latest))
        version = MicroCredentialVersion(micro_credential=micro_credential, number=latest.number + 1, created_by=by)
        write_definition(version, clean)
        refresh_search_text(version)
        for t in latest.translations.all():  # positions survive the copy: the translations still fit
            VersionTranslation.objects.create(version=version, language=t.language, content=t.content, updated_by=by)
        audit.record(actor=by, action="mc.new_version", target=version, data={"from_version": latest.number})
    return version


def import_definition(*, definition: dict, owner: Organization, by) -> MicroCredentialVersion:
    """Import a JSON definition: a new MC, or a new draft of an existing MC of the same owner and slug."""
    slug = definition.get("slug") if isinstance(definition, dict) else None
    existing = MicroCredential.objects.filter(slug=slug, owner=owner).first() if isinstance(slug, str) and slug else None
    if existing is None:
        return create_micro_credential(owner=owner, definition=definition, by=by, slug=slug if isinstance(slug, str) else None)
    _check_can_edit(by, existing)
    with transaction.atomic():
        draft = existing.versions.filter(state=S.DRAFT).first() or start_new_version(micro_credential=existing, by=by)
        return update_draft(version=draft, definition=definition, by=by)


# --- Stacks -----------------------------------------------------------------------------------

def save_stack(*, owner: Organization, by, title: str, description: str = "", kind: str = Stack.Kind.STACK,
               rule: str = Stack.Rule.ALL_OF, required_count: int | None = None, partner: str = "",
               items: list[dict], stack: Stack | None = None, slug: str | None = None) -> Stack:
    """Create or replace a stack. `items` = [{"micro_credential": MC} or {"child_stack": Stack}, optional "slot"]."""
    target = stack or Stack(owner=owner)
    if not policy.can_edit(by, target):
        raise PermissionDenied(_("Only authors and issuer admins of the owning organization may edit this stack."))
    errors: dict[str, list[str]] = {}
    title = (title or "").strip()
    if not title:
        errors.setdefault("title", []).append(_("A stack needs a title."))
    if len(title) > 200:
        errors.setdefault("title", []).append(_("At most 200 characters."))
    if rule not in Stack.Rule.values:
        errors.setdefault("rule", []).append(_("Unknown completion rule."))
    if not items:
        errors.setdefault("items", []).append(_("Add at least one micro-credential or stack."))
    if rule == Stack.Rule.N_OF_M and not (isinstance(required_count, int) and 1 <= required_count <= len(items)):
        errors.setdefault("required_count", []).append(_("Choose N between 1 and %(n)s.") % {"n": len(items)})
    if rule == Stack.Rule.CHOICE_SLOTS and any(not item.get("slot") for item in items):
        errors.setdefault("items", []).append(_("Every item of a choice-slot stack needs a slot number."))
    seen = set()
    for item in items:
        key = ("mc", item["micro_credential"].pk) if item.get("micro_credential") else ("stack", item["child_stack"].pk)
        if key in seen:
            errors.setdefault("items", []).append(_("The same item appears twice."))
        seen.add(key)
        child = item.get("child_stack")
        if child is not None and stack is not None and _contains(child, stack):
            errors.setdefault("items", []).append(_("“%(title)s” already contains this stack; stacks cannot nest in a loop.") % {"title": child.title})
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        target.title, target.description, target.kind, target.rule = title, description.strip(), kind, rule
        target.required_count = required_count if rule == Stack.Rule.N_OF_M else None
        target.partner = partner.strip()[:200]
        if not target.pk:
            target.slug = _unique_slug(slug or title, Stack)
        target.save()
        target.items.all().delete()
        StackItem.objects.bulk_create([
            StackItem(stack=target, position=i, micro_credential=item.get("micro_credential"), child_stack=item.get("child_stack"),
                      slot=item.get("slot") if rule == Stack.Rule.CHOICE_SLOTS else None)
            for i, item in enumerate(items, start=1)])
        audit.record(actor=by, action="stack.saved", target=target, data={"items": len(items), "rule": rule})
    return target


def _contains(stack: Stack, needle: Stack, depth: int = 0) -> bool:
    if stack.pk == needle.pk:
        return True
    if depth > 10:
        return True  # deeper than any sensible pathway: treat as a loop
    return any(_contains(item.child_stack, needle, depth + 1) for item in stack.items.filter(child_stack__isnull=False).select_related("child_stack"))


def set_stack_state(*, stack: Stack, state: str, by) -> Stack:
    if not policy.can_publish(by, stack):
        raise PermissionDenied(_("Only issuer admins of the owning organization may publish or retire stacks."))
    allowed = {Stack.State.DRAFT: {Stack.State.PUBLISHED}, Stack.State.PUBLISHED: {Stack.State.RETIRED}, Stack.State.RETIRED: set()}
    from microcred.core.transitions import ensure_transition

    with transaction.atomic():
        stack = Stack.objects.select_for_update().get(pk=stack.pk)
        if stack.state == state:
            return stack
        ensure_transition(stack.state, state, allowed, what=_("Stack “%(title)s”") % {"title": stack.title}, labels={value: str(label) for value, label in Stack.State.choices})
        stack.state = state
        stack.save(update_fields=["state"])
        audit.record(actor=by, action=f"stack.{state}", target=stack)
    return stack



# --- Translations of an MC's content -------------------------------------------------------------------------------

_CONTROL = dict.fromkeys(c for c in range(32) if c not in (9, 10, 13))  # keep tab and line breaks


def save_translation(*, version: MicroCredentialVersion, language: str, values: dict[str, str], by) -> VersionTranslation:
    """Store what a translator typed for ``version`` in ``language`` (form keys as in translation.Field.key; an empty
    value leaves that field in English). Allowed on published versions too: the English stays authoritative and
    assessed, and a translation only helps the reader (docs/decisions/0022). Audited."""
    from . import translation

    _check_can_edit(by, version.micro_credential)
    if language not in dict(translation.content_languages()):
        raise ValidationError({"language": _("Micro-credentials are not translated into that language.")})
    content, problems = {}, {}
    for field in translation.translatable_fields(version):
        raw = values.get(field.key, "")
        if not isinstance(raw, str):
            problems[field.key] = _("Expected text.")
            continue
        text = raw.translate(_CONTROL).strip()
        if len(text) > field.max_length:
            problems[field.key] = _("At most %(n)s characters.") % {"n": field.max_length}
        elif text:
            translation.set_at(content, field.path, text)
    if problems:
        raise ValidationError(problems)
    with transaction.atomic():
        record, created = VersionTranslation.objects.select_for_update().get_or_create(
            version=version, language=language, defaults={"content": content, "updated_by": by})
        if not created:
            record.content, record.updated_by = content, by
            record.save(update_fields=["content", "updated_by", "updated_at"])
        audit.record(actor=by, action="mc.translation_saved", target=version,
                     data={"language": language, "fields": sum(1 for f in translation.translatable_fields(version)
                                                              if translation.value_at(content, f.path))})
    return record


# --- CASE competency frameworks (docs/competency-frameworks.md, decision 0029) -------------------------------------

@dataclass
class CaseImport:
    framework: CompetencyFramework
    items: int
    created: int
    updated: int

    def as_dict(self) -> dict:
        return {"framework": self.framework.identifier, "items": self.items, "created": self.created, "updated": self.updated}


def download_case_package(url: str) -> bytes:
    """Fetch a CFPackage from ``url`` when online mode is on (MICROCRED_CASE_ONLINE): HTTPS to a public address only,
    no redirects, with a timeout and a size cap. Refuses with a clear ValidationError otherwise."""
    if not settings.MICROCRED_CASE_ONLINE:
        raise case.CaseErrors(_("Downloading frameworks is turned off on this site (MICROCRED_CASE_ONLINE); "
                                "download the CASE package yourself and import the file."))
    buffer = io.BytesIO()
    try:
        fetch.download(url, buffer, max_bytes=settings.MICROCRED_CASE_MAX_BYTES, timeout=settings.MICROCRED_CASE_TIMEOUT)
    except fetch.FetchError as error:
        raise case.CaseErrors(_("The framework was not downloaded: %(why)s.") % {"why": error}) from None
    return buffer.getvalue()


def import_case_package(*, raw: bytes | str, by, source_url: str = "") -> CaseImport:
    """Import (or re-import) a CASE 1.0 CFPackage. Idempotent by identifier: the CFDocument and each CFItem are found
    by their identifiers and updated, never duplicated; items the package no longer lists are kept (alignments may
    name them). All or nothing: a refused package changes nothing. ``by`` None is an operator at the command line."""
    if not policy.can_import_competency_frameworks(by):
        raise PermissionDenied(_("Only platform admins may import competency frameworks."))
    package = case.read_package(case.decode(raw, max_bytes=settings.MICROCRED_CASE_MAX_BYTES),
                                max_items=settings.MICROCRED_CASE_MAX_ITEMS)
    fields = {"title": package.title, "uri": package.uri, "creator": package.creator, "publisher": package.publisher,
              "description": package.description, "version": package.version, "adoption_status": package.adoption_status,
              "language": package.language, "official_source_url": package.official_source_url,
              "last_change": package.last_change}
    with transaction.atomic():
        framework = CompetencyFramework.objects.select_for_update().filter(identifier=package.identifier).first()
        if framework is None:
            framework = CompetencyFramework.objects.create(identifier=package.identifier, imported_by=by,
                                                           source_url=source_url, **fields)
        else:
            for name, value in fields.items():
                setattr(framework, name, value)
            framework.imported_by, framework.source_url = by, source_url or framework.source_url
            framework.save()
        identifiers = [item.identifier for item in package.items]
        existing = {}
        for chunk in range(0, len(identifiers), 1000):
            existing.update({i.identifier: i for i in CompetencyItem.objects.filter(identifier__in=identifiers[chunk:chunk + 1000])})
        foreign = sorted(i for i, row in existing.items() if row.framework_id != framework.pk)
        if foreign:
            raise case.CaseErrors(_("These items already belong to another framework: %(ids)s.") % {"ids": ", ".join(foreign[:5])})
        created, updated = [], []
        for item in package.items:
            row = existing.get(item.identifier) or CompetencyItem(framework=framework, identifier=item.identifier)
            row.uri, row.full_statement, row.human_coding_scheme = item.uri, item.full_statement, item.human_coding_scheme
            row.abbreviated_statement, row.item_type, row.list_enumeration = (item.abbreviated_statement, item.item_type,
                                                                             item.list_enumeration)
            row.depth, row.position = item.depth, item.position
            (updated if row.pk else created).append(row)
        CompetencyItem.objects.bulk_create(created, batch_size=1000)
        by_identifier = {row.identifier: row for row in created + updated}
        for item in package.items:  # parents are known only once every item has its primary key
            by_identifier[item.identifier].parent = by_identifier[item.parent] if item.parent else None
        CompetencyItem.objects.bulk_update(created + updated, ["uri", "full_statement", "human_coding_scheme",
                                                               "abbreviated_statement", "item_type", "list_enumeration",
                                                               "depth", "position", "parent"], batch_size=1000)
        result = CaseImport(framework=framework, items=len(package.items), created=len(created), updated=len(updated))
        audit.record(actor=by, action="catalog.framework_imported", target=framework,
                     data={**result.as_dict(), "source_url": source_url})
    return result


def _alignment_entry(item: CompetencyItem, part: int | None, criterion: int | None) -> dict:
    entry = {"case_item": item.identifier}
    if part and criterion:
        entry.update(part=part, criterion=criterion)
    return entry


def add_case_alignment(*, version: MicroCredentialVersion, item: CompetencyItem, by, part: int | None = None,
                       criterion: int | None = None) -> MicroCredentialVersion:
    """Align a draft's competency (no ``part``/``criterion``) or one rubric criterion (1-based positions) to a CASE
    item. Only the MC's editors may; a repeat is a no-op. Goes through the definition, so the same rules hold."""
    _check_can_edit(by, version.micro_credential)
    definition = export_definition(version)
    entry = _alignment_entry(item, part, criterion)
    if any({k: a.get(k) for k in entry} == entry and bool(a.get("criterion")) == bool(criterion)
           for a in definition["alignments"]):
        return version
    definition["alignments"].append(entry)
    with transaction.atomic():
        version = update_draft(version=version, definition=definition, by=by)
        audit.record(actor=by, action="mc.aligned", target=version, data=entry)
    return version


def remove_alignment(*, version: MicroCredentialVersion, index: int, by) -> MicroCredentialVersion:
    """Remove the draft's alignment at ``index`` (0-based, as exported)."""
    _check_can_edit(by, version.micro_credential)
    definition = export_definition(version)
    if not 0 <= index < len(definition["alignments"]):
        raise ValidationError(_("That alignment is no longer there; reload the page."))
    removed = definition["alignments"].pop(index)
    with transaction.atomic():
        version = update_draft(version=version, definition=definition, by=by)
        audit.record(actor=by, action="mc.alignment_removed", target=version, data=removed)
    return version
