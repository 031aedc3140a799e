"""The standards subpackage stands on its own: a fresh Python, with no Django settings, imports every module of
it, signs and verifies a credential, and has not loaded Django nor any other part of microcred."""
from __future__ import annotations

import ast
import json
import os
import subprocess
import sys
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1]
ROOT = PACKAGE.parents[2]

SCRIPT = r"""
import json, pkgutil, importlib, sys
import microcred.credentials.standards as standards
for module in pkgutil.iter_modules(standards.__path__):
    if module.name != "tests":
        importlib.import_module(f"microcred.credentials.standards.{module.name}")
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from microcred.credentials.standards import dataintegrity
from microcred.credentials.standards.verify import verify_credential

private = Ed25519PrivateKey.from_private_bytes(bytes(range(32)))
multikey = dataintegrity.public_key_to_multikey(private.public_key())
did = "did:key:" + multikey
credential = {
    "@context": ["https://www.w3.org/ns/credentials/v2", "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"],
    "id": "urn:uuid:0b9f8a2e-1c1e-4c55-8f3e-000000000013", "type": ["VerifiableCredential", "OpenBadgeCredential"],
    "issuer": {"id": did, "type": ["Profile"], "name": "Self"}, "validFrom": "2024-01-01T00:00:00Z",
    "credentialSubject": {"type": ["AchievementSubject"], "achievement": {
        "id": "https://example.org/a", "type": ["Achievement"], "name": "A", "description": "A.",
        "criteria": {"narrative": "A."}}},
}
signed = dataintegrity.sign(credential, private_key=private, verification_method=did + "#" + multikey)
tampered = dict(signed, validFrom="2023-01-01T00:00:00Z")
print(json.dumps({
    "verified": verify_credential(signed).verified,
    "tampered": verify_credential(tampered).verified,
    "loaded": sorted(m for m in sys.modules if m == "django" or m.startswith(("django.", "rest_framework"))
                     or (m.startswith("microcred.") and m != "microcred.credentials"
                         and not m.startswith("microcred.credentials.standards"))),
}))
"""


def test_the_subpackage_signs_and_verifies_in_a_fresh_python_without_django():
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO")}
    done = subprocess.run([sys.executable, "-c", SCRIPT], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr[-3000:]
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result == {"verified": True, "tampered": False, "loaded": []}


def test_no_module_of_the_subpackage_or_its_tests_imports_django_or_the_rest_of_microcred():
    """Also inside functions (import-linter's contract covers the product modules; this covers the tests too)."""
    offending = []
    for path in sorted(PACKAGE.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and not node.level:
                names = [node.module or ""]
            else:
                continue
            for name in names:
                top = name.split(".")[0]
                inside = name == "microcred.credentials.standards" or name.startswith("microcred.credentials.standards.")
                if top in ("django", "rest_framework", "pytest_django") or (top == "microcred" and not inside):
                    offending.append(f"{path.relative_to(ROOT)}:{node.lineno} imports {name}")
    assert not offending, "\n".join(offending)
