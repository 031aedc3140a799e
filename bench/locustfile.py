"""Locust scenario for bench/load.py: earners, assessors and the public, as a production server sees them.

Targets (logins, attempt and item ids, credentials) come from the JSON file named by MICROCRED_BENCH_TARGETS,
written by bench/load.py. Every request carries X-Forwarded-Proto: https, as a TLS-terminating proxy adds it,
so the production settings (secure cookies, SSL redirect, CSRF origin checks) apply unchanged.
Run it through bench/load.py; by hand: locust -f bench/locustfile.py --host http://127.0.0.1:8000 (with targets).
When MICROCRED_BENCH_REQUEST_LOG names a file, every request is appended to it (start time, name, milliseconds,
failed) so that bench/load.py can report a window of the run as well as the whole.
The simulated users speak HTTP through locust's FastHttpUser (geventhttpclient) unless MICROCRED_BENCH_CLIENT is
"requests" (HttpUser, the client before decision 0058): the generator shares the server's two cores, and the
requests-based client spent about twice the CPU per request. The requests sent are the same either way.
"""
from __future__ import annotations

import itertools
import json
import os
import random
import time
from urllib.parse import urlsplit

from locust import FastHttpUser, HttpUser, between, events, task

TARGETS = json.loads(open(os.environ["MICROCRED_BENCH_TARGETS"]).read())
_earners = itertools.cycle(TARGETS["earners"] or [None])
_assessors = itertools.cycle(TARGETS["assessors"] or [None])
HTML = "text/html,application/xhtml+xml"

if os.environ.get("MICROCRED_BENCH_REQUEST_LOG"):
    _request_log = open(os.environ["MICROCRED_BENCH_REQUEST_LOG"], "a", buffering=1 << 16)

    @events.request.add_listener
    def _log_request(request_type, name, response_time, exception=None, **_kwargs):
        started = _kwargs.get("start_time") or time.time() - (response_time or 0) / 1000
        _request_log.write(f"{started:.3f}\t{request_type} {name}\t{response_time or 0:.1f}\t{int(exception is not None)}\n")

    @events.quitting.add_listener
    def _close_request_log(**_kwargs):
        _request_log.close()


CLIENT = os.environ.get("MICROCRED_BENCH_CLIENT", "fast")
if CLIENT not in ("fast", "requests"):
    raise SystemExit(f"MICROCRED_BENCH_CLIENT must be fast or requests, not {CLIENT!r}")


class Visitor(FastHttpUser if CLIENT == "fast" else HttpUser):
    abstract = True
    wait_time = between(1, 3)

    def on_start(self):
        origin = "https://" + urlsplit(self.host).netloc
        headers = {"X-Forwarded-Proto": "https", "Origin": origin, "Referer": origin + "/", "Accept": HTML}
        # Either client's cookie jar (http.cookiejar semantics): the one the requests go out with.
        self.jar = self.client.cookiejar if hasattr(self.client, "cookiejar") else self.client.cookies
        # The server believes it is behind HTTPS, so its cookies are Secure; the proxy would send them back, so we
        # do too over loopback http (both clients drop Secure cookies on http:// URLs otherwise).
        send = self.client.request

        def request(method, url, **kwargs):
            for cookie in self.jar:
                cookie.secure = False
            kwargs["headers"] = {**headers, **(kwargs.get("headers") or {})}
            return send(method, url, **kwargs)

        self.client.request = request

    def cookie(self, name: str) -> str:
        return next((c.value for c in self.jar if c.name == name), "")

    def log_in(self, login) -> bool:
        if login is None:
            return False
        self.client.get("/accounts/login/", name="/accounts/login/")
        with self.client.post("/accounts/login/", name="/accounts/login/ POST", allow_redirects=False, catch_response=True,
                              data={"username": login["username"], "password": login["password"],
                                    "csrfmiddlewaretoken": self.cookie("csrftoken")}) as response:
            if response.status_code != 302 or "/accounts/login" in response.headers.get("Location", ""):
                response.failure(f"login of {login['username']} refused ({response.status_code} {_error(response)})")
                return False
        return True

    def page(self, url, name=None, **kwargs):
        with self.client.get(url, name=name or url, catch_response=True, allow_redirects=False, **kwargs) as response:
            if response.status_code != 200:
                response.failure(f"{response.status_code} {response.headers.get('Location', '')} {_error(response)}")


def _error(response) -> str:
    return str(getattr(response, "error", None) or "")


class Earner(Visitor):
    weight = 5

    def on_start(self):
        super().on_start()
        self.login = next(_earners)
        self.ready = self.log_in(self.login)

    @task(3)
    def home(self):
        self.page("/earn/", "/earn/ (earner home)")

    @task(2)
    def catalog(self):
        self.page("/catalog/", "/catalog/")

    @task(4)
    def attempt_page(self):
        if self.ready:
            self.page(f"/earn/attempts/{self.login['attempt']}/", "/earn/attempts/[id]/")

    @task(4)
    def autosave(self):
        if not self.ready:
            return
        url = f"/earn/attempts/{self.login['attempt']}/answer/{self.login['prompt']}/"
        with self.client.post(url, name="/earn/attempts/[id]/answer/[prompt]/ (autosave)", catch_response=True,
                              headers={"HX-Request": "true", "X-CSRFToken": self.cookie("csrftoken")},
                              data={"text": f"My students explained their thinking; draft {random.randint(1, 10**6)}."}) as response:
            if response.status_code != 200 or "Saved" not in response.text:
                response.failure(f"autosave: {response.status_code} {_error(response) or (response.text or '')[:120]}")


class Assessor(Visitor):
    weight = 2

    def on_start(self):
        super().on_start()
        self.login = next(_assessors)
        self.ready = self.log_in(self.login)

    @task(2)
    def queue(self):
        if self.ready:
            self.page("/assess/", "/assess/ (queue)")

    @task(3)
    def review_page(self):
        if self.ready and self.login["items"]:
            self.page(f"/assess/items/{random.choice(self.login['items'])}/", "/assess/items/[id]/ (review)")


class Public(Visitor):
    weight = 3

    @task(3)
    def search(self):
        self.page(f"/catalog/?q={random.choice(TARGETS['searches'])}", "/catalog/?q=[search]")

    @task(3)
    def credential_page(self):
        if TARGETS["credentials"]:
            self.page(f"/credentials/{random.choice(TARGETS['credentials'])}", "/credentials/[id] (verification page)")

    @task(2)
    def verify(self):
        if not TARGETS["credential_json"]:
            return
        with self.client.post("/credentials/verify", name="/credentials/verify POST", catch_response=True,
                              data=json.dumps({"verifiableCredential": TARGETS["credential_json"]}),
                              headers={"Content-Type": "application/json", "Accept": "application/json"}) as response:
            if response.status_code != 200 or response.json().get("verified") is not True:
                response.failure(f"verify: {response.status_code} {_error(response) or (response.text or '')[:160]}")
