"""Benchmark: requests per second of the public endpoints under a C load generator (`ab`), before and after.

Usage: .venv/bin/python bench/throughput.py [--before REF] [--runs 3] [--concurrency 16] [--workers 2]
                                            [--verify-requests 4000] [--catalog-requests 2000] [--page-requests 2000]

For each side — the code at git REF (checked out into a temporary worktree: "today") and this checkout ("new") —
in one run on the same machine:

1. a fresh demo world: `microcred migrate`, `seed_demo`, `collectstatic` into a temporary data folder (SQLite);
2. gunicorn with --workers sync workers (production settings, DEBUG off, behind a pretend TLS proxy);
3. `ab -c CONCURRENCY` (Debian's apache2-utils), --runs times each, after a warm-up:
   - `verify`: POST /credentials/verify with a really issued credential (checked first: "verified": true);
   - `catalog`: GET /catalog/ as an anonymous visitor;
   - `credential_page`: GET a public credential's verification page (Accept: text/html).

The sides run one after the other, never at once. Progress goes to stderr; the last line is JSON:
{"concurrency": 16, "workers": 2, "sides": {"today": {"ref": …, "verify": [{"rps", "p50_ms", "p95_ms", "p99_ms",
"failed", "non_2xx"}, …], …}, "new": {…}}}
"""
from __future__ import annotations

import argparse
import json
import re
import shutil
import subprocess
import sys
import tempfile
import urllib.request
from pathlib import Path

from pages import BIN, ROOT, environment, free_port, log, stop_server, wait_healthy

PICK = """
import json
from microcred.credentials.models import IssuedCredential
found = (IssuedCredential.objects.filter(revoked_at__isnull=True, suspended_at__isnull=True)
         .exclude(credential__validUntil__isnull=False).order_by("issued_at").first()
         or IssuedCredential.objects.filter(revoked_at__isnull=True).order_by("issued_at").first())
print(json.dumps({"id": str(found.pk), "credential": found.credential}))
"""


def prepare(code: Path, work: Path) -> tuple[dict, dict]:
    """The demo world for the code in ``code``; returns (environment, the credential picked)."""
    work.mkdir(parents=True, exist_ok=True)
    env = environment(work)
    env["PYTHONPATH"] = str(code)
    env.pop("DATABASE_URL", None)
    manage = [sys.executable, "-m", "microcred.manage"]
    for step in (["migrate", "--noinput", "-v0"], ["seed_demo"], ["collectstatic", "--noinput", "-v0"]):
        log(f"  {code.name}: microcred {step[0]}")
        subprocess.run(manage + step, env=env, cwd=code, check=True, stdout=subprocess.DEVNULL)
    picked = subprocess.run(manage + ["shell", "-c", PICK], env=env, cwd=code, check=True, stdout=subprocess.PIPE,
                            text=True)
    return env, json.loads(picked.stdout.strip().splitlines()[-1])


ROW = re.compile(r"^\s*(50|95|99)%\s+(\d+)", re.M)


def parse_ab(output: str) -> dict:
    def number(label: str) -> float:
        found = re.search(rf"^{label}:\s+([\d.]+)", output, re.M)
        return float(found.group(1)) if found else 0.0

    percentiles = {f"p{q}_ms": int(ms) for q, ms in ROW.findall(output)}
    return {"rps": number("Requests per second"), **percentiles, "failed": int(number("Failed requests")),
            "non_2xx": int(number("Non-2xx responses")), "complete": int(number("Complete requests"))}


def ab(url: str, requests: int, concurrency: int, *, body: Path | None = None, accept: str | None = None) -> dict:
    command = ["ab", "-q", "-r", "-n", str(requests), "-c", str(concurrency),
               "-H", "X-Forwarded-Proto: https"]
    if accept:
        command += ["-H", f"Accept: {accept}"]
    if body:
        command += ["-p", str(body), "-T", "application/json"]
    done = subprocess.run(command + [url], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, check=True)
    return parse_ab(done.stdout)


def measure(code: Path, ref: str, args, work: Path) -> dict:
    env, picked = prepare(code, work)
    body = work / "verify.json"
    body.write_text(json.dumps({"verifiableCredential": picked["credential"]}))
    port = free_port()
    server = subprocess.Popen([str(BIN / "gunicorn"), "microcred.wsgi:application", "--bind", f"127.0.0.1:{port}",
                               "--workers", str(args.workers), "--log-level", "warning"],
                              env=env, cwd=code, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    targets = {
        "verify": (f"{base}/credentials/verify", args.verify_requests, {"body": body}),
        "catalog": (f"{base}/catalog/", args.catalog_requests, {}),
        "credential_page": (f"{base}/credentials/{picked['id']}", args.page_requests, {"accept": "text/html"}),
    }
    try:
        wait_healthy(port, server)
        check = urllib.request.Request(f"{base}/credentials/verify", data=body.read_bytes(), method="POST",
                                       headers={"X-Forwarded-Proto": "https", "Content-Type": "application/json"})
        with urllib.request.urlopen(check, timeout=60) as response:
            verified = json.loads(response.read())["verified"]
        if verified is not True:
            raise SystemExit(f"{ref}: the demo credential did not verify")
        side = {"ref": ref, "credential": picked["id"]}
        for name, (url, requests, options) in targets.items():
            ab(url, min(200, requests), args.concurrency, **options)  # warm-up: caches, connections, imports
            side[name] = []
            for run in range(args.runs):
                figures = ab(url, requests, args.concurrency, **options)
                side[name].append(figures)
                log(f"  {ref:<12} {name:<16} run {run + 1}: {figures['rps']:>8.1f} req/s, p50 {figures.get('p50_ms')} "
                    f"p99 {figures.get('p99_ms')} ms, failed {figures['failed']}, non-2xx {figures['non_2xx']}")
        return side
    finally:
        stop_server(server)


def main() -> dict:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--before", help="git ref of the code to compare with (\"today\"); default: none")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn sync workers (default 2, one per core)")
    parser.add_argument("--verify-requests", type=int, default=4000)
    parser.add_argument("--catalog-requests", type=int, default=2000)
    parser.add_argument("--page-requests", type=int, default=2000)
    args = parser.parse_args()
    if not shutil.which("ab"):
        raise SystemExit("ab is not installed (Debian: apt-get install apache2-utils)")
    result = {"concurrency": args.concurrency, "workers": args.workers, "sides": {}}
    with tempfile.TemporaryDirectory(prefix="microcred-throughput-") as tmp:
        tmp = Path(tmp)
        sides = []
        if args.before:
            tree = tmp / "before"
            subprocess.run(["git", "worktree", "add", "--detach", "-q", str(tree), args.before], cwd=ROOT, check=True)
            sides.append(("today", tree, args.before))
        head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, stdout=subprocess.PIPE, text=True).stdout.strip()
        sides.append(("new", ROOT, head + ("+changes" if subprocess.run(["git", "diff", "--quiet", "HEAD"], cwd=ROOT).returncode else "")))
        try:
            for label, code, ref in sides:
                log(f"{label}: {ref}")
                result["sides"][label] = measure(code, ref, args, tmp / label)
        finally:
            if args.before:
                subprocess.run(["git", "worktree", "remove", "--force", str(tmp / "before")], cwd=ROOT)
    return result


if __name__ == "__main__":
    print(json.dumps(main()))
