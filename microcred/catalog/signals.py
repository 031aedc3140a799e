"""Events the catalog emits (sent after commit) for higher apps to react to."""
from django.dispatch import Signal

# A version was published: kwargs version_id, micro_credential_id.
version_published = Signal()
# A version was retired: kwargs version_id, micro_credential_id.
version_retired = Signal()
