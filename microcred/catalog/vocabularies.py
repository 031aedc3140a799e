"""The fixed vocabularies the catalog facets use. Loaded by migration 0002; `ensure_vocabularies` restores them if missing."""
GRADE_BANDS = [("prek", "Pre-K"), ("k-2", "K–2"), ("3-5", "3–5"), ("6-8", "6–8"), ("9-12", "9–12"), ("adult", "Adult learners")]
EDUCATOR_ROLES = [("teacher", "Teacher"), ("principal", "Principal / school leader"), ("counselor", "Counselor"),
                  ("paraprofessional", "Paraprofessional"), ("aspiring-teacher", "Aspiring teacher"),
                  ("coach", "Instructional coach / mentor"), ("teacher-leader", "Teacher leader")]


def ensure_vocabularies(grade_band_model=None, educator_role_model=None) -> None:
    """Create any missing grade band or educator role (idempotent)."""
    if grade_band_model is None:
        from .models import EducatorRole, GradeBand

        grade_band_model, educator_role_model = GradeBand, EducatorRole
    for i, (slug, name) in enumerate(GRADE_BANDS):
        grade_band_model.objects.get_or_create(slug=slug, defaults={"name": name, "position": i})
    for i, (slug, name) in enumerate(EDUCATOR_ROLES):
        educator_role_model.objects.get_or_create(slug=slug, defaults={"name": name, "position": i})
