"""The competency framework part of the demo: an illustrative CASE 1.0 framework (demo/data/README.md), imported
before the demo MCs are made so "Teaching Phonics" can align to two of its items. Re-importing is idempotent."""
from __future__ import annotations

from pathlib import Path

from microcred.catalog import services

PACKAGE = Path(__file__).resolve().parent / "data" / "illustrative-teaching-standards.case.json"
# Items "Teaching Phonics" aligns to (content.py): ITP.2.1 (its competency) and ITP.2.2 (one criterion).
EXPLICIT_INSTRUCTION = "54780fc6-8c56-5640-8f72-3f0491cc2ad1"
PRACTICE_WITH_FEEDBACK = "4a674d08-2f7c-56a6-af71-6b5119678bb7"


FRAMEWORK = "9f158af1-a8a0-55ec-80f3-0aeea5cee5fa"  # the package's CFDocument identifier


def load_case_demo() -> dict | None:
    """Import the illustrative framework once (a second seed neither re-imports nor writes another audit event)."""
    from microcred.catalog.models import CompetencyFramework

    if CompetencyFramework.objects.filter(identifier=FRAMEWORK).exists():
        return None
    return services.import_case_package(raw=PACKAGE.read_bytes(), by=None).as_dict()
