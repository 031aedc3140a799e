"""The fixed vocabularies the catalog facets use. Loaded by migration 0002; `ensure_vocabularies` restores them if missing."""
from django.utils.translation import gettext_noop as N_

# Stored in English; shown through gettext (GradeBand.label, EducatorRole.label), so the names are marked here.
GRADE_BANDS = [("prek", N_("Pre-K")), ("k-2", "K–2"), ("3-5", "3–5"), ("6-8", "6–8"), ("9-12", "9–12"), ("adult", N_("Adult learners"))]
EDUCATOR_ROLES = [("teacher", N_("Teacher")), ("principal", N_("Principal / school leader")), ("counselor", N_("Counselor")),
                  ("paraprofessional", N_("Paraprofessional")), ("aspiring-teacher", N_("Aspiring teacher")),
                  ("coach", N_("Instructional coach / mentor")), ("teacher-leader", N_("Teacher leader"))]


def ensure_vocabularies(grade_band_model=None, educator_role_model=None) -> None:
    """Create any missing grade band or educator role (idempotent)."""
    if grade_band_model is None:
        from .models import EducatorRole, GradeBand

        grade_band_model, educator_role_model = GradeBand, EducatorRole
    for i, (slug, name) in enumerate(GRADE_BANDS):
        grade_band_model.objects.get_or_create(slug=slug, defaults={"name": name, "position": i})
    for i, (slug, name) in enumerate(EDUCATOR_ROLES):
        educator_role_model.objects.get_or_create(slug=slug, defaults={"name": name, "position": i})
