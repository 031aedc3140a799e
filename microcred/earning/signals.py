"""Events earning emits, always after commit, for assessment, credentials and recognition to react to."""
from django.dispatch import Signal

# An attempt was handed in: kwargs attempt_id, submission_id.
attempt_submitted = Signal()
# A submission was withdrawn by the earner: kwargs attempt_id, submission_id.
submission_withdrawn = Signal()
# A decision was recorded: kwargs attempt_id, submission_id, result ("earned" | "not_yet").
attempt_decided = Signal()
# An MC was earned (sent once per attempt): kwargs attempt_id.
attempt_earned = Signal()
