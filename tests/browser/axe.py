"""axe-core (vendored, tests/browser/vendor/) run on a Playwright page: critical and serious violations fail."""
import functools
import hashlib
from pathlib import Path

AXE = Path(__file__).resolve().parent / "vendor" / "axe.min.js"
AXE_SHA256 = "e9e5863c33a874f09bc01acd9234b7e3c871479f5eef8802fa582544465e6d01"
BLOCKING = ("critical", "serious")


@functools.cache
def _axe_source() -> str:
    source = AXE.read_bytes()
    assert hashlib.sha256(source).hexdigest() == AXE_SHA256, "tests/browser/vendor/axe.min.js is not the recorded copy"
    return source.decode("utf-8") + "\n;undefined"


def axe_violations(page, impacts=BLOCKING):
    """The axe-core violations of the page as it is now, limited to ``impacts``."""
    # Evaluated through the DevTools protocol (not as a <script> tag), so the page's strict CSP does not block it;
    # once per loaded document (a page checked again after resizing keeps it).
    if not page.evaluate("typeof window.axe === 'object' && typeof window.axe.run === 'function'"):
        page.evaluate(_axe_source())
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [v for v in result["violations"] if v.get("impact") in impacts]


def assert_accessible(page, context=""):
    """Fail with a readable list when axe-core finds a critical or serious violation."""
    found = axe_violations(page)
    lines = [f"{v['impact']}: {v['id']} — {v['help']} ({len(v['nodes'])}× e.g. {v['nodes'][0]['target']})" for v in found]
    assert not found, f"axe-core on {context or page.url}:\n" + "\n".join(lines)
