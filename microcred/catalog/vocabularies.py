"""The fixed vocabularies the catalog facets use. Loaded by migration 0002; `ensure_vocabularies` restores them if missing."""
from django.utils.translation import gettext_noop

# Stored in English; shown through gettext (GradeBand.label, EducatorRole.label), so the names are marked here.
GRADE_BANDS = [("prek", gettext_noop("Pre-K")), ("k-2", "K–2"), ("3-5", "3–5"), ("6-8", "6–8"), ("9-12", "9–12"), ("adult", gettext_noop("Adult learners"))]
EDUCATOR_ROLES = [("teacher", gettext_noop("Teacher")), ("principal", gettext_noop("Principal / school leader")), ("counselor", gettext_noop("Counselor")),
                  ("paraprofessional", gettext_noop("Paraprofessional")), ("aspiring-teacher", gettext_noop("Aspiring teacher")),
                  ("coach", gettext_noop("Instructional coach / mentor")), ("teacher-leader", gettext_noop("Teacher leader"))]


def ensure_vocabularies(grade_band_model=None, educator_role_model=None) -> None:
    """Create any missing grade band or educator role (idempotent)."""
    if grade_band_model is None:
        from .models import EducatorRole, GradeBand

        grade_band_model, educator_role_model = GradeBand, EducatorRole
    for model, entries in ((grade_band_model, GRADE_BANDS), (educator_role_model, EDUCATOR_ROLES)):
        present = set(model.objects.filter(slug__in=[slug for slug, _ in entries]).values_list("slug", flat=True))
        for i, (slug, name) in enumerate(entries):  # usually none left: one query per vocabulary to find out
            if slug not in present:
                model.objects.get_or_create(slug=slug, defaults={"name": name, "position": i})
