"""Events recognition emits (sent after commit). Its own handlers.py turns them into background re-evaluation, so
services never import tasks (tasks call services: one direction)."""
from django.dispatch import Signal

# A policy version was published: every educator's awards must follow it. Args: policy_id.
policy_published = Signal()
# A recognizer set a fact about an educator: that educator is re-evaluated. Args: educator_id, key, recognizer_id.
educator_fact_recorded = Signal()
# Evaluation granted or withdrew awards (one signal per written chunk, after commit). Args: granted_ids,
# withdrawn_ids (lists of Award ids).
awards_changed = Signal()
# A policy version's document or state changed (a draft saved, a version published): its stored qualifier
# standings, and those of policies taking it by reciprocity, are rebuilt (docs/decisions/0040). Args: policy_id.
policy_changed = Signal()
