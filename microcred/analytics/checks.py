"""Start-up check: the small-cell threshold is at least 5 (a lower setting is refused, not silently raised)."""
from django.core import checks
from django.core.exceptions import ImproperlyConfigured

from microcred.core import suppression


@checks.register()
def small_cell_threshold(app_configs, **kwargs):
    try:
        suppression.threshold()
    except ImproperlyConfigured as error:
        return [checks.Error(str(error), id="analytics.E001")]
    return []
