"""Micro-credential content in the reader's language (models.VersionTranslation).

``translatable_fields(version)`` lists what a translator fills in, in reading order; ``localize(version, language)``
lays a translation over a version loaded for display (its parts, prompts and rubric included), so every page that
shows an MC — catalog, attempt, scoring — shows the reader's language where a translation exists, and English,
marked ``lang="en"``, where it does not. A localized object is for display only: saving one is refused.
"""
from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.db.models.signals import pre_save
from django.utils.translation import gettext_lazy as _

from .models import Criterion, LevelDescriptor, MicroCredentialVersion, Part, Prompt, RubricLevel, VersionTranslation

SOURCE_LANGUAGE = "en"
MAX_TEXT = 20_000  # characters in one translated field (the longest English fields are a few thousand)


def content_languages() -> list[tuple[str, str]]:
    """The languages an MC may be translated into: the interface languages other than the source language."""
    return [(code, name) for code, name in settings.LANGUAGES if code != SOURCE_LANGUAGE]


@dataclass(frozen=True)
class Field:
    path: tuple  # where it goes in VersionTranslation.content
    label: str
    english: str
    max_length: int = MAX_TEXT
    multiline: bool = True

    @property
    def key(self) -> str:
        """The form field name: the path joined with dots ("parts.2.prompts.1.text")."""
        return ".".join(str(p) for p in self.path)


def translatable_fields(version: MicroCredentialVersion) -> list[Field]:
    fields = [Field(("title",), _("Title"), version.title, 200, False),
              Field(("competency",), _("Competency statement"), version.competency),
              Field(("key_method",), _("Key method"), version.key_method)]
    for part in version.parts.all():
        p = str(part.position)
        fields.append(Field(("parts", p, "title"), _("Part %(n)s: title") % {"n": p}, part.title, 200, False))
        if part.overview:
            fields.append(Field(("parts", p, "overview"), _("Part %(n)s: overview") % {"n": p}, part.overview))
        for prompt in part.prompts.all():
            q = str(prompt.position)
            fields.append(Field(("parts", p, "prompts", q, "text"), _("Part %(n)s, prompt %(m)s") % {"n": p, "m": q},
                                prompt.text))
            if prompt.guidance:
                fields.append(Field(("parts", p, "prompts", q, "guidance"),
                                    _("Part %(n)s, prompt %(m)s: guidance") % {"n": p, "m": q}, prompt.guidance))
        rubric = getattr(part, "rubric", None)
        if rubric is None:
            continue
        for level in rubric.levels.all():
            fields.append(Field(("rubrics", p, "levels", str(level.position)),
                                _("Part %(n)s rubric: level “%(level)s”") % {"n": p, "level": level.name}, level.name, 60, False))
        levels = {lvl.pk: lvl for lvl in rubric.levels.all()}
        for criterion in rubric.criteria.all():
            c = str(criterion.position)
            fields.append(Field(("rubrics", p, "criteria", c, "title"),
                                _("Part %(n)s rubric: criterion %(c)s") % {"n": p, "c": c}, criterion.title, 200, False))
            if criterion.description:
                fields.append(Field(("rubrics", p, "criteria", c, "description"),
                                    _("Part %(n)s rubric: criterion %(c)s, description") % {"n": p, "c": c},
                                    criterion.description))
            for descriptor in sorted(criterion.descriptors.all(), key=lambda d: levels[d.level_id].position
                                     if d.level_id in levels else 0):
                level = levels.get(descriptor.level_id)
                if level is None:
                    continue
                fields.append(Field(("rubrics", p, "criteria", c, "descriptors", str(level.position)),
                                    _("Part %(n)s rubric: criterion %(c)s at “%(level)s”") % {"n": p, "c": c, "level": level.name},
                                    descriptor.text))
    return fields


def value_at(content: dict, path: tuple) -> str:
    node = content
    for step in path:
        if not isinstance(node, dict) or step not in node:
            return ""
        node = node[step]
    return node if isinstance(node, str) else ""


def set_at(content: dict, path: tuple, value: str) -> None:
    node = content
    for step in path[:-1]:
        node = node.setdefault(step, {})
    node[path[-1]] = value


def _overlay(obj, attribute: str, text: str, language: str) -> None:
    if text:
        setattr(obj, attribute, text)
        obj.content_language = language
    elif not hasattr(obj, "content_language"):
        obj.content_language = SOURCE_LANGUAGE
    obj._localized_language = language


def localize(version: MicroCredentialVersion, language: str | None, translation: VersionTranslation | None = None):
    """Show ``version`` (and its prefetched parts, prompts and rubric) in ``language`` where translated. Returns the
    version. ``content_language`` on each object says which language it is now in, for ``lang`` attributes."""
    language = (language or SOURCE_LANGUAGE).split("-")[0]
    version.content_language = SOURCE_LANGUAGE  # per field: <field>_language where a field is translated on its own
    if language == SOURCE_LANGUAGE:
        return version
    if translation is None:
        translation = next((t for t in version.translations.all() if t.language == language), None)
    if translation is None or not translation.content:
        return version
    content = translation.content
    version.content_language = language if value_at(content, ("title",)) else SOURCE_LANGUAGE
    for attribute in ("title", "competency", "key_method"):
        if value_at(content, (attribute,)):
            setattr(version, attribute, value_at(content, (attribute,)))
            setattr(version, f"{attribute}_language", language)
    version._localized_language = language
    for part in version.parts.all():
        p = str(part.position)
        _overlay(part, "title", value_at(content, ("parts", p, "title")), language)
        if value_at(content, ("parts", p, "overview")):
            part.overview = value_at(content, ("parts", p, "overview"))
            part.overview_language = language
        for prompt in part.prompts.all():
            q = str(prompt.position)
            _overlay(prompt, "text", value_at(content, ("parts", p, "prompts", q, "text")), language)
            if value_at(content, ("parts", p, "prompts", q, "guidance")):
                prompt.guidance = value_at(content, ("parts", p, "prompts", q, "guidance"))
                prompt.guidance_language = language
        rubric = getattr(part, "rubric", None)
        if rubric is None:
            continue
        positions = {}
        for level in rubric.levels.all():
            positions[level.pk] = str(level.position)
            _overlay(level, "name", value_at(content, ("rubrics", p, "levels", str(level.position))), language)
        for criterion in rubric.criteria.all():
            c = str(criterion.position)
            _overlay(criterion, "title", value_at(content, ("rubrics", p, "criteria", c, "title")), language)
            if value_at(content, ("rubrics", p, "criteria", c, "description")):
                criterion.description = value_at(content, ("rubrics", p, "criteria", c, "description"))
                criterion.description_language = language
            for descriptor in criterion.descriptors.all():
                text = value_at(content, ("rubrics", p, "criteria", c, "descriptors", positions.get(descriptor.level_id, "")))
                _overlay(descriptor, "text", text, language)
    return version


def _contents(version_ids, language: str) -> dict[int, dict]:
    """The ``language`` content of each version translated into it, in one query."""
    ids = {i for i in version_ids if i}
    if not ids:
        return {}
    return dict(VersionTranslation.objects.filter(version_id__in=ids, language=language).values_list("version_id", "content"))


def _language(language: str | None) -> str:
    return (language or SOURCE_LANGUAGE).split("-")[0]


def localize_summaries(versions, language: str | None):
    """Title and competency of many versions (cards, lists, My MCs) in ``language`` where translated, in one query
    whatever their number. Sets ``content_language`` on each, for ``lang`` attributes. Returns ``versions``."""
    language = _language(language)
    versions = [v for v in versions if v is not None]
    for v in versions:
        if getattr(v, "_localized_language", None) is None:
            v.content_language = v.competency_language = SOURCE_LANGUAGE
    if language == SOURCE_LANGUAGE:
        return versions
    contents = _contents((v.pk for v in versions if getattr(v, "_localized_language", None) is None), language)
    for v in versions:
        content = contents.get(v.pk)
        if not content or getattr(v, "_localized_language", None):
            continue
        if value_at(content, ("title",)):
            v.title = value_at(content, ("title",))
            v.content_language = language
        if value_at(content, ("competency",)):
            v.competency = value_at(content, ("competency",))
            v.competency_language = language
        v._localized_language = language
    return versions


def localize_parts(parts, language: str | None):
    """Titles of parts of any versions (feedback summaries, My MCs) in ``language`` where translated, in one query.
    Sets ``content_language`` on each part. Returns ``parts``."""
    language = _language(language)
    parts = [p for p in parts if p is not None and getattr(p, "_localized_language", None) is None]
    for part in parts:
        part.content_language = SOURCE_LANGUAGE
    if language == SOURCE_LANGUAGE:
        return parts
    contents = _contents((p.version_id for p in parts), language)
    for part in parts:
        content = contents.get(part.version_id)
        if content:
            _overlay(part, "title", value_at(content, ("parts", str(part.position), "title")), language)
    return parts


def _refuse_saving_a_localized_copy(sender, instance, **kwargs):
    # A localized object carries another language in its English fields: saving it would overwrite the source.
    if getattr(instance, "_localized_language", None):
        raise RuntimeError(f"{sender.__name__} {instance.pk} was localized for display and must not be saved.")


def connect() -> None:
    for model in (MicroCredentialVersion, Part, Prompt, RubricLevel, Criterion, LevelDescriptor):
        pre_save.connect(_refuse_saving_a_localized_copy, sender=model,
                         dispatch_uid=f"microcred.catalog.localized.{model.__name__}")
