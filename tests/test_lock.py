"""The lock files pin every package the project installs, and the installed environment is exactly that."""
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
LOCKS = {name: ROOT / "requirements" / f"{name}.txt" for name in ("base", "test", "bench")}


def _pins(path: Path) -> dict[str, str]:
    pins = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        match = re.match(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s\\;]+)", line)
        if match:
            pins[_name(match.group(1))] = match.group(2)
    return pins


def _name(requirement: str) -> str:
    return re.split(r"[\[=<>!~ ;]", requirement, maxsplit=1)[0].strip().lower().replace("_", "-").replace(".", "-")


def test_every_locked_package_has_hashes():
    for path in LOCKS.values():
        text = path.read_text(encoding="utf-8")
        blocks = re.split(r"\n(?=[A-Za-z0-9])", text.split("\n", 6)[-1])
        for block in blocks:
            if "==" in block.split("\n", 1)[0]:
                assert "--hash=sha256:" in block, f"{path.name}: {block.splitlines()[0]} has no hash"


@pytest.mark.parametrize("extra, lock", [(None, "base"), ("test", "test"), ("bench", "bench")])
def test_direct_dependencies_are_locked_at_their_pinned_version(extra, lock):
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    direct = project["dependencies"] if extra is None else project["optional-dependencies"][extra]
    pins = _pins(LOCKS[lock])
    for requirement in direct:
        name, version = _name(requirement), requirement.split("==", 1)[1].split(";", 1)[0].strip()
        assert pins.get(name) == version, f"{requirement}: {lock}.txt has {pins.get(name)}; run bin/lock"


def test_the_locks_agree_with_each_other():
    base, test, bench = (_pins(LOCKS[n]) for n in ("base", "test", "bench"))
    assert all(test.get(name) == version for name, version in base.items())
    assert all(bench.get(name) == version for name, version in test.items())


def test_installed_environment_is_exactly_the_lock():
    """What bin/test installed (requirements/test.txt): nothing unpinned, nothing at another version."""
    frozen = subprocess.run([sys.executable, "-m", "pip", "freeze", "--exclude-editable"], capture_output=True,
                            text=True, check=True).stdout
    locked = {**_pins(LOCKS["bench"])}  # the widest lock; bench adds only the load-test tool to test
    installed = {_name(line.split("==")[0]): line.split("==", 1)[1] for line in frozen.splitlines() if "==" in line}
    assert installed, frozen
    strays = {name: version for name, version in installed.items() if locked.get(name) != version}
    assert not strays, f"installed but not locked at that version (bin/install removes them): {strays}"


# The Pythons microcred is installed with: this one, and the distributions' optimized builds (decision 0056) whose
# micro version is older: Debian 12's python3 is 3.11.2, below the 3.11.3 at which redis stops needing async-timeout.
SUPPORTED_PYTHONS = ("3.11.2", "3.11.7", f"{sys.version_info.major}.{sys.version_info.minor}.{sys.version_info.micro}")


@pytest.mark.parametrize("python", sorted(set(SUPPORTED_PYTHONS)))
def test_the_lock_holds_what_every_locked_package_needs_on_each_supported_python(python):
    """bin/install installs with --no-deps: a dependency the lock lacks on some Python is an import error there."""
    from importlib import metadata

    from packaging.requirements import Requirement

    locked = _pins(LOCKS["base"])
    environment = {"python_full_version": python, "python_version": python.rsplit(".", 1)[0], "extra": ""}
    missing = {}
    for name in locked:
        try:
            requires = metadata.requires(name) or []
        except metadata.PackageNotFoundError:  # locked only for another Python (a marker): nothing to read here
            continue
        for text in requires:
            requirement = Requirement(text)
            if requirement.marker is None or requirement.marker.evaluate(environment):
                if _name(requirement.name) not in locked:
                    missing.setdefault(name, []).append(text)
    assert not missing, f"on Python {python} these locked packages need what base.txt does not pin: {missing}"


def test_a_dependency_for_older_pythons_only_keeps_its_marker_in_the_lock():
    """async-timeout is pinned for Python < 3.11.3 only: the lock says so, so newer Pythons do not install it."""
    line = next(line for line in LOCKS["base"].read_text(encoding="utf-8").splitlines() if line.startswith("async-timeout=="))
    assert "python_full_version < \"3.11.3\"" in line.replace("'", '"'), line
