"""What credentials holds about a person: the credentials issued to them (the signed documents, exactly as issued)
and the external credentials they imported. On an account deletion issued credentials stay valid: they are
signed documents the earner holds, and verifiers must keep getting the same answer; they are not revoked."""
from __future__ import annotations

from microcred.accounts.data_registry import Section

from .models import ExternalCredential, IssuedCredential


def _iso(value):
    return value.isoformat() if value else None


def export(user) -> Section:
    return Section(data={
        "issued_credentials": [{"id": str(c.pk), "state": c.state, "issued_at": _iso(c.issued_at),
                                "visibility": c.visibility, "credential": c.credential, "vc_jwt": c.jwt}
                               for c in IssuedCredential.objects.filter(earner=user).order_by("issued_at")],
        "external_credentials": [{"id": str(x.pk), "issuer_id": x.issuer_id, "format": x.format, "credential": x.credential}
                                 for x in ExternalCredential.objects.filter(earner=user)],
    })


def erase(user, *, now) -> dict:
    """Issued credentials stay valid (not revoked) and private to the link; imported external credentials go."""
    kept = IssuedCredential.objects.filter(earner=user)
    public = kept.filter(visibility=IssuedCredential.Visibility.PUBLIC).update(visibility=IssuedCredential.Visibility.LINK)
    return {"issued_credentials_kept_valid": kept.count(), "made_link_only": public,
            "external_credentials": ExternalCredential.objects.filter(earner=user).delete()[0]}
