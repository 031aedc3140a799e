"""Real identity providers the SSO tests start and stop themselves (never mocks of the protocol):

- ``OidcIdp``: the Node ``oidc-provider`` package (tests/idp/oidc/server.mjs) in a subprocess on a free port;
- ``SamlIdp``: a pysaml2 identity provider (``saml2.server.Server``) behind a small WSGI app in a thread, with a
  key and certificate made at start.

Both sign people in with a form (username, password "password"). ``drive_*`` helpers play the browser's part for
tests that use Django's test client; the browser tests click through the same forms."""
from __future__ import annotations

import base64
import datetime as dt
import html
import json
import os
import re
import shutil
import socket
import subprocess
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import parse_qs, urlsplit
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server
from socketserver import ThreadingMixIn

import requests

HERE = Path(__file__).resolve().parent
NODE = shutil.which("node") or "/usr/bin/node"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# --- OpenID Connect -------------------------------------------------------------------------------------------------

class OidcIdp:
    def __init__(self, *, clients: list[dict], accounts: dict[str, dict], id_token_ttl: int = 3600):
        folder = HERE / "oidc"
        if not (folder / "node_modules" / "oidc-provider").is_dir():
            subprocess.run(["npm", "ci", "--no-audit", "--no-fund", "--silent"], cwd=folder, check=True, timeout=600)
        self.port = free_port()
        self.issuer = f"http://127.0.0.1:{self.port}"
        env = dict(os.environ, OIDC_PORT=str(self.port), OIDC_CLIENTS=json.dumps(clients),
                   OIDC_ACCOUNTS=json.dumps(accounts), OIDC_ID_TOKEN_TTL=str(id_token_ttl), NODE_ENV="test")
        self.log = tempfile.TemporaryFile()
        self.process = subprocess.Popen([NODE, "server.mjs"], cwd=folder, env=env, stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.time() + 30
        while True:
            try:
                if requests.get(self.issuer + "/.well-known/openid-configuration", timeout=2).ok:
                    break
            except requests.RequestException:
                pass
            if self.process.poll() is not None or time.time() > deadline:
                self.stop()
                self.log.seek(0)
                raise RuntimeError("the test OIDC provider did not start: " + self.log.read().decode(errors="replace")[-2000:])
            time.sleep(0.1)

    def stop(self):
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.process.kill()
        self.log.close()


def drive_oidc(authorize_url: str, *, login: str, password: str = "password", until: str) -> str:
    """Play the browser at the provider: follow redirects, fill the sign-in form; the URL that leaves for ``until``."""
    session = requests.Session()
    url, method, data = authorize_url, "GET", None
    for _ in range(12):
        response = session.request(method, url, data=data, allow_redirects=False, timeout=10)
        if response.is_redirect:
            url = requests.compat.urljoin(url, response.headers["Location"])
            if url.startswith(until):
                return url
            method, data = "GET", None
            continue
        form = re.search(r'<form method="post" action="([^"]+)"', response.text)
        if not form:
            raise AssertionError(f"no sign-in form at {url}: {response.status_code} {response.text[:500]}")
        url, method, data = requests.compat.urljoin(url, html.unescape(form.group(1))), "POST", {"login": login, "password": password}
    raise AssertionError("too many redirects at the identity provider")


# --- SAML 2.0 -------------------------------------------------------------------------------------------------------

def make_key_and_cert(folder: Path, common_name: str = "test-idp") -> tuple[Path, Path]:
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.x509.oid import NameOID

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])
    now = dt.datetime.now(dt.UTC)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now - dt.timedelta(days=1))
            .not_valid_after(now + dt.timedelta(days=30)).sign(key, hashes.SHA256()))
    key_file, cert_file = folder / f"{common_name}.key", folder / f"{common_name}.crt"
    key_file.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.TraditionalOpenSSL,
                                           serialization.NoEncryption()))
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    return key_file, cert_file


class _Quiet(WSGIRequestHandler):
    def log_message(self, *args):
        pass


class _ThreadingServer(ThreadingMixIn, WSGIServer):
    daemon_threads = True


class SamlIdp:
    """A pysaml2 IdP. ``users``: login → attributes ({"mail": [...], "givenName": [...], ...}). ``mode``: "signed"
    (default), "unsigned" (neither response nor assertion signed) or "tampered" (an attribute changed after signing)."""

    def __init__(self, *, users: dict[str, dict], common_name: str = "test-idp"):
        self.users = users
        self.mode = "signed"
        self.folder = Path(tempfile.mkdtemp(prefix="microcred-saml-idp-"))
        self.key_file, self.cert_file = make_key_and_cert(self.folder, common_name)
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.entity_id = self.base + "/idp/metadata"
        self.sp_metadata: list[str] = []
        self.pending: dict[str, tuple] = {}
        self.last_response = ""
        self._server_obj = None
        self.httpd = make_server("127.0.0.1", self.port, self.app, server_class=_ThreadingServer, handler_class=_Quiet)
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def _config(self, with_sps: bool):
        from saml2 import BINDING_HTTP_REDIRECT
        from saml2.config import IdPConfig

        conf = {
            "entityid": self.entity_id, "xmlsec_binary": "/usr/bin/xmlsec1",
            "key_file": str(self.key_file), "cert_file": str(self.cert_file),
            "service": {"idp": {"name": "Test state identity provider",
                                "endpoints": {"single_sign_on_service": [(self.base + "/sso/redirect", BINDING_HTTP_REDIRECT)]},
                                "policy": {"default": {"lifetime": {"minutes": 15}, "entity_categories": []}},
                                "name_id_format": ["urn:oasis:names:tc:SAML:2.0:nameid-format:persistent"]}},
            "allow_unknown_attributes": True,
        }
        if with_sps and self.sp_metadata:
            conf["metadata"] = {"inline": list(self.sp_metadata)}
        config = IdPConfig()
        config.load(conf)
        return config

    def metadata(self) -> str:
        from saml2.metadata import create_metadata_string

        return create_metadata_string(None, config=self._config(False), valid=24).decode("utf-8")

    def trust(self, sp_metadata_xml: str) -> None:
        """Know a service provider (its metadata, as microcred publishes it)."""
        self.sp_metadata.append(sp_metadata_xml)
        self._server_obj = None

    @property
    def server(self):
        from saml2.server import Server

        if self._server_obj is None:
            self._server_obj = Server(config=self._config(True))
        return self._server_obj

    def stop(self):
        self.httpd.shutdown()
        self.httpd.server_close()
        shutil.rmtree(self.folder, ignore_errors=True)

    # The WSGI app: /idp/metadata, /sso/redirect (the AuthnRequest → a sign-in form), /sso/login (→ the response).
    def app(self, environ, start_response):
        path = environ.get("PATH_INFO", "")
        try:
            if path == "/idp/metadata":
                return self._answer(start_response, "200 OK", self.metadata(), "application/samlmetadata+xml")
            if path == "/sso/redirect":
                query = parse_qs(environ.get("QUERY_STRING", ""))
                return self._login_form(start_response, query["SAMLRequest"][0], query.get("RelayState", [""])[0])
            if path == "/sso/login" and environ["REQUEST_METHOD"] == "POST":
                size = int(environ.get("CONTENT_LENGTH") or 0)
                form = parse_qs(environ["wsgi.input"].read(size).decode())
                return self._respond(start_response, {k: v[0] for k, v in form.items()})
        except Exception as error:  # noqa: BLE001  (a test server: show the problem)
            return self._answer(start_response, "500 Internal Server Error", f"<p>{html.escape(repr(error))}</p>")
        return self._answer(start_response, "404 Not Found", "<p>not found</p>")

    def _answer(self, start_response, status, body, content_type="text/html; charset=utf-8"):
        data = body.encode("utf-8")
        start_response(status, [("Content-Type", content_type), ("Content-Length", str(len(data)))])
        return [data]

    def _login_form(self, start_response, saml_request, relay_state, error=""):
        from saml2 import BINDING_HTTP_REDIRECT

        parsed = self.server.parse_authn_request(saml_request, BINDING_HTTP_REDIRECT)
        key = base64.urlsafe_b64encode(os.urandom(12)).decode()
        self.pending[key] = (parsed.message, relay_state)
        body = (f'<!doctype html><html lang="en"><head><meta charset="utf-8"><title>State sign-in</title></head><body><main>'
                f'<h1>Test state identity provider (SAML)</h1>'
                f'<form method="post" action="/sso/login"><input type="hidden" name="key" value="{key}">'
                f'<label for="login">Username</label> <input id="login" name="login">'
                f'<label for="password">Password</label> <input id="password" name="password" type="password">'
                f'<button type="submit">Sign in to the state</button></form></main></body></html>')
        return self._answer(start_response, "200 OK", body)

    def _respond(self, start_response, form):
        from saml2 import BINDING_HTTP_POST, saml

        request, relay_state = self.pending.pop(form.get("key", ""), (None, ""))
        login = form.get("login", "")
        if request is None or login not in self.users or form.get("password") != "password":
            return self._answer(start_response, "403 Forbidden", "<p>Wrong username or password.</p>")
        acs = request.assertion_consumer_service_url
        signed = self.mode != "unsigned"
        response = self.server.create_authn_response(
            dict(self.users[login]), in_response_to=request.id, destination=acs, sp_entity_id=request.issuer.text,
            name_id=saml.NameID(format=saml.NAMEID_FORMAT_PERSISTENT, text=login),
            authn={"class_ref": "urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport"},
            sign_response=signed, sign_assertion=signed)
        xml = str(response)
        if self.mode == "tampered":  # change who it is about after the signature was made
            login_value = self.users[login]["mail"][0]
            assert login_value in xml, xml[:500]
            xml = xml.replace(login_value, "tampered." + login_value)
        self.last_response = base64.b64encode(xml.encode("utf-8")).decode("ascii")
        body = (f'<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Signing you in</title></head><body>'
                f'<main><h1>Signing you in</h1><form method="post" action="{html.escape(acs)}">'
                f'<input type="hidden" name="SAMLResponse" value="{self.last_response}">'
                f'<input type="hidden" name="RelayState" value="{html.escape(relay_state)}">'
                f'<button type="submit">Continue</button></form>'
                f'<script>document.forms[0].submit()</script></main></body></html>')
        return self._answer(start_response, "200 OK", body)


def drive_saml(idp_url: str, *, login: str, password: str = "password") -> tuple[str, dict]:
    """Play the browser at the SAML IdP: the ACS address and the form (SAMLResponse, RelayState) it posts there."""
    session = requests.Session()
    page = session.get(idp_url, timeout=10)
    key = re.search(r'name="key" value="([^"]+)"', page.text)
    assert key, page.text[:500]
    answer = session.post(urlsplit(idp_url)._replace(path="/sso/login", query="").geturl(),
                          data={"key": key.group(1), "login": login, "password": password}, timeout=20)
    action = re.search(r'<form method="post" action="([^"]+)"', answer.text)
    assert action, answer.text[:500]
    fields = dict(re.findall(r'name="(SAMLResponse|RelayState)" value="([^"]*)"', answer.text))
    return html.unescape(action.group(1)), fields
