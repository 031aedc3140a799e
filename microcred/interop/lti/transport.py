"""The HTTP calls microcred makes to LMS platforms (their JWKS, token and service endpoints).

One small object so tests can point it at a simulated platform (a local HTTP server) or replace it. Addresses are
the ones a platform admin registered, checked to be https (http only with MICROCRED_LTI_ALLOW_HTTP, for tests and
local LMSs); bodies are size-limited and answers must be JSON."""
from __future__ import annotations

from urllib.parse import urlsplit

import requests
from django.conf import settings

MAX_ANSWER_BYTES = 2 * 1024 * 1024


class TransportError(Exception):
    pass


def check_url(url: str) -> None:
    parts = urlsplit(url or "")
    allowed = ("https", "http") if settings.MICROCRED_LTI_ALLOW_HTTP else ("https",)
    if parts.scheme not in allowed or not parts.hostname:
        raise TransportError(f"not an https:// address: {url[:200]}")


class Transport:
    def _send(self, method: str, url: str, **kw) -> requests.Response:
        check_url(url)
        try:
            response = requests.request(method, url, timeout=settings.MICROCRED_LTI_TIMEOUT_SECONDS,
                                        allow_redirects=False, stream=True, **kw)
            body = response.raw.read(MAX_ANSWER_BYTES + 1, decode_content=True)
        except requests.RequestException as error:
            raise TransportError(f"{type(error).__name__} from {urlsplit(url).hostname}") from error
        if len(body) > MAX_ANSWER_BYTES:
            raise TransportError("the answer is too large")
        response._content = body
        if response.status_code >= 400:
            raise TransportError(f"HTTP {response.status_code} from {urlsplit(url).hostname}")
        return response

    def _json(self, response) -> dict:
        try:
            data = response.json()
        except ValueError as error:
            raise TransportError("the answer is not JSON") from error
        if not isinstance(data, dict):
            raise TransportError("the answer is not a JSON object")
        return data

    def get_json(self, url: str, *, headers: dict | None = None) -> dict:
        return self._json(self._send("GET", url, headers={"Accept": "application/json", **(headers or {})}))

    def get_page(self, url: str, *, accept: str, headers: dict | None = None) -> tuple[dict, str]:
        """A JSON object and the address of the next page its ``Link: <…>; rel="next"`` header names ("" if none)."""
        response = self._send("GET", url, headers={"Accept": accept, **(headers or {})})
        next_url = (response.links.get("next") or {}).get("url", "")
        return self._json(response), next_url

    def post_form(self, url: str, data: dict) -> dict:
        return self._json(self._send("POST", url, data=data, headers={"Accept": "application/json"}))

    def post_json(self, url: str, body: dict, *, content_type: str, headers: dict | None = None) -> int:
        import json

        response = self._send("POST", url, data=json.dumps(body),
                              headers={"Content-Type": content_type, **(headers or {})})
        return response.status_code


transport = Transport()
