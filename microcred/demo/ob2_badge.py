"""The demo teacher's Open Badges 2.0 badge: a baked PNG of a hosted assertion from an illustrative issuer.

Built deterministically (fixed ids, salt and dates; the recipient is the teacher's e-mail, hashed), so the demo
shows what most educators bring from Credly or Canvas Credentials: an OB 2.0 badge that imports, labelled
"not verifiable offline" (a hosted assertion only its issuer's server can confirm). The issuer is illustrative:
example.edu is reserved for examples and serves nothing.
"""
from __future__ import annotations

import hashlib
import json

from microcred.credentials.standards import images

ISSUER_ID = "https://badges.example.edu/issuers/riverbend-teaching-academy"
ISSUER_NAME = "Riverbend Teaching Academy (illustrative)"
BADGE_NAME = "Classroom Discourse Facilitator"
ASSERTION_ID = "https://badges.example.edu/assertions/demo-teacher-discourse-2024"
SALT = "microcred-demo-salt"


def assertion(email: str) -> dict:
    digest = hashlib.sha256((email + SALT).encode("utf-8")).hexdigest()
    return {
        "@context": "https://w3id.org/openbadges/v2",
        "type": "Assertion",
        "id": ASSERTION_ID,
        "recipient": {"type": "email", "hashed": True, "salt": SALT, "identity": f"sha256${digest}"},
        "issuedOn": "2024-03-14T15:00:00Z",
        "badge": {
            "type": "BadgeClass",
            "id": "https://badges.example.edu/badges/classroom-discourse-facilitator",
            "name": BADGE_NAME,
            "description": "Facilitates student-to-student discussion that deepens reasoning (illustrative badge).",
            "image": "https://badges.example.edu/badges/classroom-discourse-facilitator.png",
            "criteria": {"narrative": "Led three observed discussions and reflected on each with a coach."},
            "issuer": {"type": "Profile", "id": ISSUER_ID, "name": ISSUER_NAME, "url": "https://badges.example.edu",
                       "email": "badges@example.edu"},
        },
        "verification": {"type": "HostedBadge"},
    }


def baked_png(email: str) -> bytes:
    """The badge image with the hosted assertion's JSON baked in (iTXt ``openbadges``): same bytes every time."""
    image = images.badge_png(title=BADGE_NAME, issuer=ISSUER_NAME, seed="ob2-demo")
    return images.bake_png(image, payload=json.dumps(assertion(email), sort_keys=True), keyword=images.OB2_KEYWORD)
