"""The fixed vocabularies the catalog facets use: grade bands and educator roles."""
from django.db import migrations

from microcred.catalog.vocabularies import ensure_vocabularies


def load(apps, schema_editor):
    ensure_vocabularies(apps.get_model("catalog", "GradeBand"), apps.get_model("catalog", "EducatorRole"))


class Migration(migrations.Migration):
    dependencies = [("catalog", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
