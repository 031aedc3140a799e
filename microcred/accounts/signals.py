"""Events accounts emits for higher apps (sent after commit)."""
from django.dispatch import Signal

# A notice about one's own account or privacy request (an export is ready, a deletion was requested):
# kwargs user_id, message, url. earning.handlers turns it into a notification of kind "account".
account_notice = Signal()
