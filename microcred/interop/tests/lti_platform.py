"""A simulated LMS platform for the LTI tests: its own RSA key pair, a JWKS, an OAuth token endpoint that checks the
tool's client assertion against the tool's published keys, a line item scores endpoint that records what it gets,
and a membership endpoint (NRPS). It runs as a real HTTP server on 127.0.0.1 in a thread."""
from __future__ import annotations

import html
import json
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa

from microcred.interop.lti import messages as m


class SimulatedPlatform:
    def __init__(self):
        self.key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.kid = "platform-key-1"
        self.client_id = "microcred-client-1"
        self.deployment_id = "deployment-1"
        self.token_requests: list[dict] = []
        self.scores: list[dict] = []
        self.tool_jwks: dict = {"keys": []}
        self.next_launch: dict = {}  # claims of the launch the /auth page answers with (a browser walks it)
        self.deep_link_answers: list[str] = []
        self.member_pages: list = []  # what /memberships?page=N answers (a page's members, or raw bytes to send as is)
        self.membership_requests: list[dict] = []
        platform = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def _answer(self, status, body, content_type="application/json"):
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def _html(self, text):
                data = text.encode()
                self.send_response(200)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self):
                url = urlsplit(self.path)
                if url.path == "/memberships":  # NRPS 2.0: a membership container, paged with Link rel="next"
                    platform.membership_requests.append({"accept": self.headers.get("Accept"),
                                                         "authorization": self.headers.get("Authorization")})
                    if self.headers.get("Authorization") != "Bearer platform-token-123":
                        return self._answer(401, {})
                    page = int(parse_qs(url.query).get("page", ["0"])[0])
                    if page >= len(platform.member_pages):
                        return self._answer(404, {})
                    content = platform.member_pages[page]
                    data = content if isinstance(content, bytes) else json.dumps(
                        {"id": platform.url("/memberships"), "context": {"id": "course-7", "title": "Reading PD"},
                         "members": content}).encode()
                    self.send_response(200)
                    self.send_header("Content-Type", m.NRPS_MEDIA_TYPE)
                    self.send_header("Content-Length", str(len(data)))
                    if page + 1 < len(platform.member_pages):
                        self.send_header("Link", f'<{platform.url(f"/memberships?page={page + 1}")}>; rel="next"')
                    self.end_headers()
                    self.wfile.write(data)
                    return None
                if url.path == "/jwks":
                    return self._answer(200, platform.jwks())
                if url.path == "/auth":  # the platform's OIDC endpoint: the user is signed in there; auto-post the launch
                    q = {k: v[0] for k, v in parse_qs(url.query).items()}
                    token = platform.id_token(nonce=q["nonce"], **platform.next_launch)
                    return self._html(f'<!doctype html><html lang="en"><title>LMS</title><form method="post" '
                                      f'action="{html.escape(q["redirect_uri"])}"><input type="hidden" name="id_token" '
                                      f'value="{token}"><input type="hidden" name="state" value="{html.escape(q["state"])}">'
                                      f'</form><script>document.forms[0].submit()</script></html>')
                return self._answer(404, {})

            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                path = urlsplit(self.path).path
                if path == "/token":
                    form = {k: v[0] for k, v in parse_qs(body.decode()).items()}
                    platform.token_requests.append(form)
                    assertion = form.get("client_assertion", "")
                    try:
                        header = jwt.get_unverified_header(assertion)
                        key = m.key_for(platform.tool_jwks, header.get("kid"))
                        jwt.decode(assertion, key, algorithms=["RS256"], audience=platform.url("/token"),
                                   issuer=platform.client_id)
                    except Exception:  # noqa: BLE001 — any bad assertion is refused, as a platform would
                        return self._answer(401, {"error": "invalid_client"})
                    if form.get("grant_type") != "client_credentials" or form.get("client_assertion_type") != m.CLIENT_ASSERTION_TYPE:
                        return self._answer(400, {"error": "unsupported_grant_type"})
                    return self._answer(200, {"access_token": "platform-token-123", "token_type": "Bearer",
                                              "expires_in": 3600, "scope": form.get("scope", "")})
                if path == "/deep_link_return":
                    form = {k: v[0] for k, v in parse_qs(body.decode()).items()}
                    platform.deep_link_answers.append(form.get("JWT", ""))
                    return self._html('<!doctype html><html lang="en"><title>LMS</title><h1>Item added</h1></html>')
                if path.endswith("/scores"):
                    if self.headers.get("Authorization") != "Bearer platform-token-123":
                        return self._answer(401, {})
                    platform.scores.append({"path": path, "content_type": self.headers.get("Content-Type"),
                                            "body": json.loads(body)})
                    return self._answer(200, {})
                return self._answer(404, {})

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()
        self.issuer = self.url("")

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}{path}"

    def stop(self):
        self.server.shutdown()
        self.server.server_close()

    def jwks(self) -> dict:
        jwk = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(self.key.public_key()))
        return {"keys": [{**jwk, "kid": self.kid, "alg": "RS256", "use": "sig"}]}

    def id_token(self, *, nonce: str, message_type: str = m.RESOURCE_LINK_REQUEST, key=None, kid=None, **overrides) -> str:
        """A launch id_token as the platform would sign it; ``overrides`` replace claims (None removes one)."""
        now = int(time.time())
        claims = {
            "iss": self.issuer, "aud": self.client_id, "sub": "lms-user-42", "iat": now, "exp": now + 300, "nonce": nonce,
            "email": "new.teacher@rural.example", "given_name": "Nia", "family_name": "Teacher", "name": "Nia Teacher",
            m.MESSAGE_TYPE: message_type, m.VERSION: "1.3.0", m.DEPLOYMENT_ID: self.deployment_id,
            m.ROLES: ["http://purl.imsglobal.org/vocab/lis/v2/membership#Instructor"],
            m.CONTEXT: {"id": "course-7", "title": "Reading PD"},
        }
        if message_type == m.RESOURCE_LINK_REQUEST:
            claims[m.RESOURCE_LINK] = {"id": "link-1"}
            claims[m.TARGET_LINK_URI] = "https://microcred.example/lti/launch"
        else:
            claims[m.DL_SETTINGS] = {"deep_link_return_url": self.url("/deep_link_return"),
                                     "accept_types": ["ltiResourceLink"], "data": "opaque-platform-data"}
        for name, value in overrides.items():
            name = {"deployment": m.DEPLOYMENT_ID, "custom": m.CUSTOM, "ags": m.AGS_ENDPOINT, "roles": m.ROLES,
                    "presentation": m.LAUNCH_PRESENTATION}.get(name, name)
            if value is None:
                claims.pop(name, None)
            else:
                claims[name] = value
        return jwt.encode(claims, key or self.key, algorithm="RS256", headers={"kid": kid or self.kid})

    def ags(self, lineitem_path="/lineitems/1") -> dict:
        return {"scope": [m.SCOPE_SCORE, m.SCOPE_LINEITEM_READ], "lineitem": self.url(lineitem_path),
                "lineitems": self.url("/lineitems")}

    def nrps(self) -> dict:
        return {"context_memberships_url": self.url("/memberships?page=0"), "service_versions": ["2.0"]}

    def new_id(self) -> str:
        return str(uuid.uuid4())
