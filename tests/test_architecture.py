"""The architecture, kept by tests (docs/decisions/0007-how-apps-talk.md, 0008-authorization-policy.md).

- the import-linter layers contract of pyproject.toml holds (the same check as `lint-imports`);
- no import, at module level or inside a function, runs from a lower app to a higher one (import-linter sees
  function-level imports too, but this scan also catches importlib.import_module("microcred.…") strings and names
  the line);
- no import circle inside an app, and no selectors module imports its app's services;
- no role is compared outside accounts/policy.py (models, migrations, the demo and tests excepted);
- microcred.credentials.standards is the lowest level of all (docs/decisions/0012-standards-subpackage.md): it
  imports neither Django nor DRF nor any other part of microcred (import-linter's forbidden contract, whose list
  this file checks is complete, and an AST scan here that sees function-level imports too).
"""
from __future__ import annotations

import ast
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "microcred"
# Lowest first (the same order as the import-linter contract in pyproject.toml).
LAYERS = ["core", "accounts", "sso", "rosters", "catalog", "earning", "people", "assessment", "credentials",
          "quality", "recognition", "interop", "analytics", "demo"]
RANK = {name: i for i, name in enumerate(LAYERS)}


def _product_modules():
    """(path, dotted module name, app) of every product module (tests and migrations are not product code)."""
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(PACKAGE).parts
        if len(parts) < 2 or parts[0] not in RANK or "tests" in parts or "migrations" in parts:
            continue
        dotted = ".".join(("microcred", *path.with_suffix("").relative_to(PACKAGE).parts))
        if path.name == "__init__.py":
            dotted = dotted.rsplit(".", 1)[0]
        yield path, dotted, parts[0]


def _imports(path: Path, dotted: str):
    """(line, imported module, inside a function?) of every import of a module, relative imports resolved."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    package = dotted if path.name == "__init__.py" else dotted.rsplit(".", 1)[0]

    def visit(node, in_function: bool):
        for child in ast.iter_child_nodes(node):
            nested = in_function or isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda))
            if isinstance(child, ast.Import):
                for alias in child.names:
                    yield child.lineno, alias.name, in_function
            elif isinstance(child, ast.ImportFrom):
                if child.level:
                    base = package.split(".")[: len(package.split(".")) - child.level + 1]
                    module = ".".join(base + ([child.module] if child.module else []))
                else:
                    module = child.module or ""
                yield child.lineno, module, in_function
                for alias in child.names:  # `from microcred import demo` names a package too
                    yield child.lineno, f"{module}.{alias.name}", in_function
            elif isinstance(child, ast.Call) and getattr(child.func, "attr", getattr(child.func, "id", "")) == "import_module":
                if child.args and isinstance(child.args[0], ast.Constant) and isinstance(child.args[0].value, str):
                    yield child.lineno, child.args[0].value, in_function
            yield from visit(child, nested)

    yield from visit(tree, False)


def _app_of(module: str) -> str | None:
    parts = module.split(".")
    return parts[1] if len(parts) >= 2 and parts[0] == "microcred" and parts[1] in RANK else None


def test_import_linter_layers_contract_is_kept():
    lint = Path(sys.executable).with_name("lint-imports")
    assert lint.exists(), "import-linter is a test dependency: pip install -e '.[test]'"
    done = subprocess.run([str(lint), "--no-cache"], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-2000:]
    assert "2 kept, 0 broken" in done.stdout


def test_no_import_from_a_lower_app_to_a_higher_one_not_even_inside_a_function():
    breaks = []
    for path, dotted, app in _product_modules():
        for line, module, in_function in _imports(path, dotted):
            target = _app_of(module)
            if target and RANK[target] > RANK[app]:
                where = "inside a function" if in_function else "at module level"
                breaks.append(f"{path.relative_to(ROOT)}:{line}: {app} imports {module} ({where})")
    assert not breaks, "Lower apps never import higher ones (emit a signal instead):\n" + "\n".join(sorted(set(breaks)))


def test_the_scan_sees_function_level_and_dynamic_imports(tmp_path):
    sample = tmp_path / "views.py"
    sample.write_text("def f():\n    from microcred.demo import content\n\n"
                      "def g():\n    import importlib\n    importlib.import_module('microcred.recognition.tasks')\n")
    found = {(module, inside) for _, module, inside in _imports(sample, "microcred.core.views")}
    assert ("microcred.demo", True) in found and ("microcred.recognition.tasks", True) in found


# --- the standards code stands alone -------------------------------------------------------------------------

STANDARDS = "microcred.credentials.standards"


def _standards_contract() -> dict:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["importlinter"]
    assert config.get("include_external_packages") is True, "needed to forbid django"
    return next(c for c in config["contracts"] if c["id"] == "standards")


def _children(package: Path, dotted: str) -> set[str]:
    return {f"{dotted}.{child.stem}" for child in package.iterdir()
            if (child.suffix == ".py" and child.name != "__init__.py") or (child / "__init__.py").exists()}


def test_the_standards_contract_forbids_every_other_module_of_microcred_and_django():
    contract = _standards_contract()
    assert contract["type"] == "forbidden" and contract["source_modules"] == [STANDARDS]
    forbidden = set(contract["forbidden_modules"])
    others = (_children(PACKAGE, "microcred") - {"microcred.credentials"}) | (
        _children(PACKAGE / "credentials", "microcred.credentials") - {STANDARDS})
    assert {"django", "rest_framework"} <= forbidden
    assert not others - forbidden, f"add to the standards contract in pyproject.toml: {sorted(others - forbidden)}"


def test_no_standards_module_imports_django_or_the_rest_of_microcred_not_even_inside_a_function():
    breaks = []
    for path, dotted, _app in _product_modules():
        if not (dotted == STANDARDS or dotted.startswith(STANDARDS + ".")):
            continue
        for line, module, in_function in _imports(path, dotted):
            top = module.split(".")[0]
            outside = top == "microcred" and not (module == STANDARDS or module.startswith(STANDARDS + "."))
            if top in ("django", "rest_framework") or outside:
                where = "inside a function" if in_function else "at module level"
                breaks.append(f"{path.relative_to(ROOT)}:{line}: imports {module} ({where})")
    assert not breaks, "The standards code imports nothing of Django or the rest of microcred:\n" + "\n".join(breaks)


def _app_graph(app: str) -> dict[str, set[str]]:
    graph: dict[str, set[str]] = {}
    modules = {dotted: path for path, dotted, a in _product_modules() if a == app}
    for dotted, path in modules.items():
        targets = set()
        for _, module, _ in _imports(path, dotted):
            while module and module not in modules:  # `from . import services` → microcred.app.services
                module = module.rpartition(".")[0]
            if module and module != dotted and module != f"microcred.{app}":
                targets.add(module)
        graph[dotted] = targets
    return graph


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan)."""
    index, low, stack, on_stack, out, counter = {}, {}, [], set(), [], [0]

    def strongconnect(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on_stack.add(v)
        for w in graph.get(v, ()):
            if w not in index:
                strongconnect(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                out.append(sorted(component))

    for v in sorted(graph):
        if v not in index:
            strongconnect(v)
    return out


@pytest.mark.parametrize("app", [a for a in LAYERS if (PACKAGE / a).is_dir()])
def test_no_import_circle_inside_an_app(app):
    """Counting imports inside functions too: a lazy import that breaks a circle at run time is a circle still."""
    assert _cycles(_app_graph(app)) == []


def test_selectors_do_not_import_services():
    offenders = []
    for path, dotted, app in _product_modules():
        if path.name == "selectors.py":
            offenders += [f"{path.relative_to(ROOT)}:{line}" for line, module, _ in _imports(path, dotted)
                          if module.startswith(f"microcred.{app}.services")]
    assert not offenders, "selectors read; services write and may read through selectors, not the reverse"


# --- one place for who may do what ------------------------------------------------------------------------------

ROLE_NAMES = "EARNER|COACH|ASSESSOR|AUTHOR|ISSUER_ADMIN|RECOGNIZER_ADMIN|PLATFORM_ADMIN"
ROLE_CHECKS = [
    (re.compile(rf"(?<![\w.])Role\.({ROLE_NAMES})\b"), "a role constant (accounts.models.Role)"),
    (re.compile(r"[\"'](issuer_admin|recognizer_admin|platform_admin)[\"']"), "a role's value as a string"),
    (re.compile(r"\brole(__in)?\s*=\s*[\[(]?\s*[\"'](earner|coach|assessor|author)[\"']"), "a role's value as a string"),
    (re.compile(r"\b(has_role|organization_ids_with_role)\("), "a role lookup (ask accounts/policy.py)"),
    (re.compile(r"\bis_superuser\b|\.is_staff\b|user\.is_staff\b"), "a superuser/staff flag (ask accounts/policy.py)"),
    (re.compile(r"\broles\.(is_|can_)\w+"), "the old role flags in a template (menus ask the policy)"),
]
# Where roles may be named: the policy itself, the data (models, migrations), the demo world, the generic
# membership reads the policy builds on (accounts/selectors.py: has_role, organization_ids_with_role), and tests.
ROLE_EXEMPT = {"microcred/accounts/policy.py", "microcred/accounts/models.py", "microcred/accounts/selectors.py"}


def test_no_role_is_compared_outside_the_policy_module():
    found = []
    for path in sorted(PACKAGE.rglob("*")):
        rel = path.relative_to(ROOT).as_posix()
        if path.suffix not in (".py", ".html") or rel in ROLE_EXEMPT:
            continue
        parts = path.relative_to(PACKAGE).parts
        if {"tests", "migrations"} & set(parts) or parts[0] == "demo" or path.name == "models.py":
            continue
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if line.lstrip().startswith("#"):
                continue
            for pattern, what in ROLE_CHECKS:
                if pattern.search(line):
                    found.append(f"{rel}:{n}: {what}: {line.strip()[:120]}")
    assert not found, "Ask accounts/policy.py instead of comparing roles:\n" + "\n".join(found)


@pytest.mark.parametrize("line, caught", [
    ("if has_role(user, Role.ISSUER_ADMIN, org):", True),
    ("Membership.objects.filter(user=u, role=\"coach\")", True),
    ("qs.filter(role__in=('assessor', 'x'))", True),
    ("{% if roles.is_assessor %}", True),
    ("if user.is_superuser:", True),
    ("assignment.role == Assignment.Role.PRECHECK", False),
    ("OrganizationRole.Role.ISSUER", False),
])
def test_the_role_scan_catches_what_it_should(line, caught):
    assert any(p.search(line) for p, _ in ROLE_CHECKS) is caught
