"""Open Badges 2.0 examples built in the test: hosted and signed assertions, keys, baked PNG and SVG."""
from __future__ import annotations

import copy
import hashlib
import json

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from microcred.credentials.standards import images

ISSUER_ID = "https://badges.example.org/issuer"
KEY_ID = "https://badges.example.org/keys/1"
SALT = "pepper-1"


def recipient(email: str, *, algorithm: str = "sha256", hashed: bool = True) -> dict:
    if not hashed:
        return {"type": "email", "hashed": False, "identity": email}
    digest = hashlib.new(algorithm, (email + SALT).encode()).hexdigest()
    return {"type": "email", "hashed": True, "salt": SALT, "identity": f"{algorithm}${digest}"}


def assertion(email: str, *, number: int = 1, signed: bool = False, **overrides) -> dict:
    document = {
        "@context": "https://w3id.org/openbadges/v2",
        "type": "Assertion",
        "id": f"https://badges.example.org/assertions/{number}",
        "recipient": recipient(email),
        "issuedOn": "2023-05-01T12:00:00Z",
        "badge": {
            "type": "BadgeClass", "id": "https://badges.example.org/badges/reading-coach",
            "name": "Reading Coach", "description": "Coaches colleagues on reading instruction.",
            "image": "https://badges.example.org/badges/reading-coach.png",
            "criteria": {"narrative": "Coached three colleagues for a term."},
            "issuer": {"type": "Profile", "id": ISSUER_ID, "name": "Example Badge Academy",
                       "url": "https://badges.example.org", "email": "badges@example.org",
                       "publicKey": KEY_ID},
        },
        "verification": {"type": "SignedBadge", "creator": KEY_ID} if signed else {"type": "HostedBadge"},
    }
    document.update(overrides)
    return document


def rsa_key():
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def cryptographic_key(private_key, *, key_id: str = KEY_ID, owner: str = ISSUER_ID) -> dict:
    pem = private_key.public_key().public_bytes(serialization.Encoding.PEM,
                                                serialization.PublicFormat.SubjectPublicKeyInfo).decode()
    return {"@context": "https://w3id.org/openbadges/v2", "type": "CryptographicKey", "id": key_id, "owner": owner,
            "publicKeyPem": pem}


def sign(document: dict, private_key) -> str:
    return jwt.api_jws.PyJWS().encode(json.dumps(document).encode(), private_key, algorithm="RS256")


def tamper_jws(token: str, change) -> str:
    """The same signature over a changed payload."""
    header, _payload, signature = token.split(".")
    document = copy.deepcopy(json.loads(jwt.utils.base64url_decode(_payload)))
    change(document)
    payload = jwt.utils.base64url_encode(json.dumps(document).encode()).decode()
    return f"{header}.{payload}.{signature}"


def baked_png(payload: str) -> bytes:
    png = images.badge_png(title="Reading Coach", issuer="Example Badge Academy", seed="ob2")
    return images.bake_png(png, payload=payload, keyword=images.OB2_KEYWORD)


def baked_svg(*, verify: str, body: str = "") -> bytes:
    svg = images.badge_svg(title="Reading Coach", issuer="Example Badge Academy", seed="ob2")
    element = (f'<openbadges:assertion verify="{verify}">' + (f"<![CDATA[{body}]]>" if body else "")
               + "</openbadges:assertion>")
    return svg.replace('<svg xmlns="http://www.w3.org/2000/svg"',
                       '<svg xmlns="http://www.w3.org/2000/svg" xmlns:openbadges="http://openbadges.org"', 1) \
              .replace("<title", element + "<title", 1).encode()
