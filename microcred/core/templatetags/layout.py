"""Template helpers of the shared layout (core/base.html)."""
from django import template
from django.contrib.messages import constants

register = template.Library()


@register.filter
def errors_and_notices(messages) -> tuple[list, list]:
    """Split the flash messages: errors go in a role=alert region (announced at once), the rest in role=status."""
    errors, notices = [], []
    for m in messages:
        (errors if m.level >= constants.ERROR else notices).append(m)
    return errors, notices
