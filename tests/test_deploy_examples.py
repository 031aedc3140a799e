"""The example deployment in deploy/ (docs/operations.md, "Example deployment") is checked, not just shipped:
systemd units parse (systemd-analyze verify where systemd is installed; our own parser everywhere), every command
they run is a real microcred command whose arguments parse, gunicorn's options parse, the timers' calendars are
valid, the environment file names only real settings and loads the production settings, and nginx lets the
largest evidence file through and sets the header microcred trusts."""
from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import CommandError

ROOT = Path(__file__).resolve().parents[1]
DEPLOY = ROOT / "deploy"
UNITS = sorted((DEPLOY / "systemd").iterdir())
VENV_BIN = "/srv/microcred/.venv/bin/"
KNOWN = {
    "Unit": {"Description", "After", "Wants", "Requires"},
    "Service": {"Type", "User", "Group", "WorkingDirectory", "EnvironmentFile", "ExecStartPre", "ExecStart",
                "ExecReload", "Restart", "RestartSec", "ReadWritePaths", "ProtectSystem", "ProtectHome",
                "PrivateTmp", "NoNewPrivileges"},
    "Timer": {"OnCalendar", "RandomizedDelaySec", "Persistent"},
    "Install": {"WantedBy"},
}


def parse_unit(path: Path) -> dict[str, list[tuple[str, str]]]:
    """section → [(key, value)] (systemd allows a key more than once, e.g. ExecStart in a oneshot service)."""
    sections: dict[str, list[tuple[str, str]]] = {}
    current = None
    for number, line in enumerate(path.read_text().splitlines(), 1):
        line = line.strip()
        if not line or line[0] in "#;":
            continue
        heading = re.fullmatch(r"\[([A-Za-z]+)\]", line)
        if heading:
            current = sections.setdefault(heading.group(1), [])
            continue
        assert current is not None and "=" in line, f"{path.name}:{number}: not a key=value line in a section"
        key, _sep, value = line.partition("=")
        current.append((key.strip(), value.strip()))
    return sections


def commands(path: Path) -> list[list[str]]:
    """The argv of every Exec* line, systemd specifiers filled with sample values and /bin/sh -c unwrapped."""
    found = []
    for key, value in parse_unit(path).get("Service", []):
        if not key.startswith("Exec") or key == "ExecReload":
            continue
        argv = shlex.split(value.replace("%H", "web1").replace("%i", "1").replace("%%", "%"))
        if argv[:2] == ["/bin/sh", "-c"]:
            argv = shlex.split(argv[2].replace("$(date +%F)", "2026-12-06"))
        found.append(argv)
    return found


def test_every_unit_parses_with_known_sections_and_keys():
    assert {p.name for p in UNITS} >= {"microcred-web.service", "microcred-worker@.service", "microcred-daily.timer"}
    for path in UNITS:
        sections = parse_unit(path)
        assert "Unit" in sections, path.name
        for section, pairs in sections.items():
            assert section in KNOWN, f"{path.name}: unknown section [{section}]"
            for key, value in pairs:
                assert key in KNOWN[section], f"{path.name}: unknown key {key} in [{section}]"
                assert value, f"{path.name}: {key} is empty"
        if path.suffix == ".service":
            assert any(k == "ExecStart" for k, _v in sections["Service"]), path.name
            assert dict(sections["Service"]).get("EnvironmentFile") == "/etc/microcred.env", path.name
        if path.suffix == ".timer":
            assert (path.with_suffix(".service")).exists(), f"{path.name} starts a service that is not there"


def test_every_command_is_a_microcred_command_whose_arguments_parse(settings):
    from django.core.management import get_commands, load_command_class

    # db_worker checks its --backend against the settings: the production one (the tests run tasks immediately)
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.database.DatabaseBackend"}}

    available = get_commands()
    seen = set()
    for path in UNITS:
        for argv in commands(path):
            program = argv[0]
            assert program.startswith(VENV_BIN) or program.startswith("/bin/"), f"{path.name}: {program}"
            name = program.removeprefix(VENV_BIN)
            if name == "microcred":
                command = argv[1]
                assert command in available, f"{path.name}: no such command microcred {command}"
                parser = load_command_class(available[command], command).create_parser("microcred", command)
                parser.parse_args(argv[2:])  # raises on an unknown or malformed option
                seen.add(command)
            elif name == "gunicorn":
                from gunicorn.config import Config

                options = Config().parser().parse_args(argv[1:])
                assert options.args == ["microcred.wsgi"]
                assert options.bind == ["127.0.0.1:8000"] and options.workers >= 2
                seen.add("gunicorn")
    # what docs/operations.md says must run: the worker, the hourly and daily jobs, the backup, the web node
    assert seen >= {"gunicorn", "db_worker", "requeue_stale_tasks", "send_licensure_feeds", "purge_evidence",
                    "send_deadline_reminders", "expire_certifications", "issue_missing_credentials",
                    "evaluate_recognition", "refresh_analytics", "backup", "collectstatic"}


def test_a_malformed_command_line_is_caught():
    """The check above is not vacuous: a misspelt option fails to parse."""
    from django.core.management import get_commands, load_command_class

    parser = load_command_class(get_commands()["requeue_stale_tasks"], "requeue_stale_tasks").create_parser(
        "microcred", "requeue_stale_tasks")
    with pytest.raises((SystemExit, CommandError)):
        parser.parse_args(["--older-then", "900"])


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="systemd is not installed here")
def test_systemd_analyze_verifies_every_unit(tmp_path):
    """systemd's own checker, with the install path pointed at this environment's executables (so the check that
    each command exists is real). Any warning fails: systemd ignores an unknown key or a bad value with a warning."""
    bin_dir = Path(sys.executable).parent
    for path in UNITS:
        text = path.read_text().replace(VENV_BIN, f"{bin_dir}/")
        name = path.name.replace("@.", "@1.")  # a template is verified as one of its instances
        (tmp_path / name).write_text(text)
    for unit in sorted(tmp_path.iterdir()):
        result = subprocess.run(["systemd-analyze", "verify", str(unit)], capture_output=True, text=True,
                                cwd=tmp_path, timeout=60)
        assert result.returncode == 0 and not result.stderr.strip(), f"{unit.name}: {result.stderr}"
    calendars = [v for p in UNITS if p.suffix == ".timer" for k, v in parse_unit(p)["Timer"] if k == "OnCalendar"]
    result = subprocess.run(["systemd-analyze", "calendar", *calendars], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr


def _environment() -> dict[str, str]:
    pairs = {}
    for line in (DEPLOY / "microcred.env.example").read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            key, _sep, value = line.partition("=")
            pairs[key] = value
    return pairs


def test_the_environment_file_names_only_real_settings():
    settings_text = "".join(p.read_text() for p in (ROOT / "microcred").glob("**/*.py") if "tests" not in p.parts)
    operations = (ROOT / "docs" / "operations.md").read_text()
    for key in _environment():
        assert re.fullmatch(r"[A-Z][A-Z0-9_]*", key), key
        if key.startswith("MICROCRED_UPLOAD_LIMIT_"):  # read as f"MICROCRED_UPLOAD_LIMIT_{kind.upper()}_MB"
            assert 'f"MICROCRED_UPLOAD_LIMIT_{kind.upper()}_MB"' in settings_text
        elif key != "DJANGO_SETTINGS_MODULE":
            assert f'"{key}"' in settings_text, f"{key} is not read by microcred"
        assert f"`{key}`" in operations, f"{key} is not described in docs/operations.md"


def test_the_environment_file_loads_the_production_settings(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("MICROCRED_", "DATABASE_URL", "REDIS_URL"))}
    env.update(_environment())
    env["MICROCRED_DATA_DIR"] = str(tmp_path)
    env["MICROCRED_SECRET_KEY"] = "x" * 20 + "-a-long-enough-random-secret-for-the-check-0123456789"
    script = ("import django; django.setup(); from django.conf import settings as s; "
              "print(s.DEBUG, s.SECURE_SSL_REDIRECT, s.DATABASES['default']['ENGINE'], s.CACHES['default']['BACKEND'], "
              "s.STORAGES['default']['BACKEND'])")
    result = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, cwd=tmp_path,
                            timeout=120)
    assert result.returncode == 0, result.stderr
    debug, redirect, engine, cache, storage = result.stdout.split()
    assert (debug, redirect) == ("False", "True")
    assert engine.endswith("postgresql") and "redis" in cache.lower() and storage == "storages.backends.s3.S3Storage"


def test_nginx_lets_the_largest_evidence_through_and_sets_the_trusted_header():
    from django.conf import settings

    text = (DEPLOY / "nginx" / "microcred.conf").read_text()
    body = re.sub(r"#[^\n]*", "", text)
    assert body.count("{") == body.count("}")
    for statement in re.split(r"[{}]", body):
        for line in filter(None, (s.strip() for s in statement.split(";"))):
            assert "\n" not in line.strip() or line.split()[0] in ("server", "location", "upstream"), line
    size = re.search(r"client_max_body_size\s+(\d+)m;", body)
    assert size and int(size.group(1)) * 1024 * 1024 > max(settings.MICROCRED_UPLOAD_LIMITS.values())
    assert "proxy_set_header X-Forwarded-Proto $scheme;" in body
    assert "proxy_request_buffering off;" in body
