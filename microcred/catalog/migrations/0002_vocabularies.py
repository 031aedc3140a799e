"""The fixed vocabularies the catalog facets use: grade bands and educator roles."""
from django.db import migrations

GRADE_BANDS = [("prek", "Pre-K"), ("k-2", "K–2"), ("3-5", "3–5"), ("6-8", "6–8"), ("9-12", "9–12"), ("adult", "Adult learners")]
EDUCATOR_ROLES = [("teacher", "Teacher"), ("principal", "Principal / school leader"), ("counselor", "Counselor"),
                  ("paraprofessional", "Paraprofessional"), ("aspiring-teacher", "Aspiring teacher"),
                  ("coach", "Instructional coach / mentor"), ("teacher-leader", "Teacher leader")]


def load(apps, schema_editor):
    GradeBand = apps.get_model("catalog", "GradeBand")
    EducatorRole = apps.get_model("catalog", "EducatorRole")
    for i, (slug, name) in enumerate(GRADE_BANDS):
        GradeBand.objects.update_or_create(slug=slug, defaults={"name": name, "position": i})
    for i, (slug, name) in enumerate(EDUCATOR_ROLES):
        EducatorRole.objects.update_or_create(slug=slug, defaults={"name": name, "position": i})


class Migration(migrations.Migration):
    dependencies = [("catalog", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
