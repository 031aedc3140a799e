"""The translation catalogs: every translation keeps its placeholders (msgfmt --check), and the committed compiled
catalogs are those of the committed sources (what bin/translations makes)."""
import shutil
import subprocess
from pathlib import Path

import pytest

LOCALE = Path(__file__).resolve().parent.parent / "microcred" / "locale"
CATALOGS = sorted(LOCALE.glob("*/LC_MESSAGES/django.po"))


def test_there_is_a_spanish_catalog():
    assert LOCALE / "es" / "LC_MESSAGES" / "django.po" in CATALOGS


@pytest.mark.parametrize("po", CATALOGS, ids=lambda p: p.parts[-3])
def test_catalog_is_valid_and_compiled(po, tmp_path):
    msgfmt = shutil.which("msgfmt")
    assert msgfmt, "GNU gettext's msgfmt is needed (Debian package gettext; .ci/run installs it)"
    compiled = tmp_path / "django.mo"
    result = subprocess.run([msgfmt, "--check", "-o", str(compiled), str(po)], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert compiled.read_bytes() == po.with_suffix(".mo").read_bytes(), "run bin/translations and commit the .mo"


@pytest.mark.parametrize("po", CATALOGS, ids=lambda p: p.parts[-3])
def test_every_message_is_translated(po):
    """A new interface text ships with its translation (bin/translations lists what it adds; nothing is guessed)."""
    msgfmt = shutil.which("msgfmt")
    assert msgfmt, "GNU gettext's msgfmt is needed (Debian package gettext; .ci/run installs it)"
    result = subprocess.run([msgfmt, "--statistics", "-o", "/dev/null", str(po)], capture_output=True, text=True)
    assert "untranslated" not in result.stderr and "fuzzy" not in result.stderr, result.stderr
