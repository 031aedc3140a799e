"""Events assessment emits (after commit)."""
from django.dispatch import Signal

# A review reached a decision: kwargs review_id, submission_id, result.
review_decided = Signal()
# An assessor was paused for drift: kwargs qualification_id.
assessor_paused = Signal()
