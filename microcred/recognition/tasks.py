"""Background work of recognition: re-evaluation, enqueued by handlers.py, and the stored qualifier standings
(docs/decisions/0040). Tasks call services, never the reverse."""
from django.contrib.auth import get_user_model
from django_tasks import task

from .services import (build_qualifier_standings, evaluate_all, evaluate_educator, follow_policy_change,
                       request_qualifier_build, update_qualifiers_for_educator)


@task()
def evaluate_educator_task(educator_id: int, reason: str = "") -> int:
    """Re-evaluate one educator's recognition (idempotent; ``reason`` is for the task log only)."""
    educator = get_user_model().objects.filter(pk=educator_id).first()
    return len(evaluate_educator(educator)) if educator else 0


@task()
def evaluate_all_task() -> dict:
    return evaluate_all()


@task()
def build_qualifiers_task(policy_id: int) -> str | None:
    """Build one policy's stored qualifier standings (skipped when a build of it is already running)."""
    built = build_qualifier_standings([policy_id])
    snapshot = built[0] if built else None
    if snapshot is not None and snapshot.state == snapshot.State.PENDING:  # the policy changed during the build
        build_qualifiers_task.enqueue(policy_id=policy_id)
    return snapshot.state if snapshot else None


@task()
def update_qualifiers_task(educator_id: int, credential_id: str | None = None, recognizer_id: int | None = None,
                           reason: str = "") -> list[int]:
    """Re-evaluate one educator's stored qualifier standings (``reason`` is for the task log only)."""
    return update_qualifiers_for_educator(educator_id, credential_id=credential_id, recognizer_id=recognizer_id)


def rebuild_qualifiers_for(policy) -> list[int]:
    """The policy changed: mark its stored standings (and its reciprocity dependants') stale, one build each."""
    waiting = follow_policy_change(policy)
    for policy_id in waiting:
        build_qualifiers_task.enqueue(policy_id=policy_id)
    return waiting


def ensure_qualifiers(policy) -> None:
    """The qualifiers page found no standings: enqueue their build unless one is already waiting or running."""
    if request_qualifier_build(policy):
        build_qualifiers_task.enqueue(policy_id=policy.pk)
