"""interop sits above credentials and recognition: nothing below it imports it (import-linter keeps the whole
layer order; this guards the new app's place until its contract names it)."""
import ast
from pathlib import Path

import microcred

BELOW = ("core", "accounts", "catalog", "earning", "assessment", "credentials", "recognition")


def test_no_lower_app_imports_interop():
    root = Path(microcred.__file__).parent
    offenders = []
    for app in BELOW:
        for path in (root / app).rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                names = ([node.module or ""] if isinstance(node, ast.ImportFrom)
                         else [alias.name for alias in node.names] if isinstance(node, ast.Import) else [])
                if any(name == "microcred.interop" or name.startswith("microcred.interop.") for name in names):
                    offenders.append(str(path.relative_to(root)))
    assert offenders == []


def test_ob3_and_registration_do_not_import_django():
    root = Path(microcred.__file__).parent / "interop"
    for name in ("ob3.py", "registration.py"):
        tree = ast.parse((root / name).read_text(encoding="utf-8"))
        imported = {n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)} | {
            a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
        assert not any(m and m.startswith(("django", "rest_framework", "oauth2_provider")) for m in imported), name
