"""Who may do what with badge images and imported credentials: one small named function per question.

Written to move as they are into the project-wide policy module; views, the API and templates ask these."""
from __future__ import annotations

from microcred.catalog.models import MicroCredentialVersion

from .models import ExternalCredential, IssuedCredential

# Versions whose badge image is public: once published, a badge is shown wherever its credentials are.
_PUBLIC_BADGE_STATES = {MicroCredentialVersion.State.PUBLISHED, MicroCredentialVersion.State.RETIRED}


def can_import_credential(user) -> bool:
    """Any signed-in person may bring their own credentials from elsewhere (they are kept as theirs only)."""
    return bool(getattr(user, "is_authenticated", False))


def can_see_badge_image(version: MicroCredentialVersion, *, has_issued: bool) -> bool:
    """Anyone, for a published or retired version or one with issued credentials (its image is in them);
    nobody for a draft or a version in review that was never issued."""
    return version.state in _PUBLIC_BADGE_STATES or has_issued


def can_download_baked_image(user, credential: IssuedCredential) -> bool:
    """Whoever may see the credential itself: a baked image carries the whole credential."""
    if credential.visibility == IssuedCredential.Visibility.PRIVATE:
        return credential.earner_id == getattr(user, "pk", None)
    return True


def can_see_external_credential(user, external: ExternalCredential) -> bool:
    """Only the earner who imported it (recognizers see it through recognition's own pages)."""
    return external.earner_id == getattr(user, "pk", None)
