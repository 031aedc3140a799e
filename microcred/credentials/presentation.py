"""How a credential is shown and shared: the page's summary of what was earned, QR code, LinkedIn link, PDF.

Everything shown is read from the credential exactly as issued (not from today's catalog), so the page says what
the signed document says.
"""
from __future__ import annotations

import functools
import re
from datetime import datetime
from urllib.parse import quote, urlencode

import segno
from django.utils.formats import date_format
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from fpdf import FPDF

from microcred.accounts import policy

LINKEDIN_ADD = "https://www.linkedin.com/profile/add"
HOLDER = gettext_lazy("the credential holder")


def _as_list(value) -> list:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def parse_time(value) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None


def earner_name(issued, viewer=None) -> str:
    """The earner's name only when they made the credential public, or to those who may always see it (the earner,
    the issuer's admins, platform admins: policy.can_see_credential_earner); others read "the credential holder"."""
    if policy.can_see_credential_earner(viewer, issued):
        return issued.earner.get_full_name() or issued.earner.get_username()
    return str(HOLDER)


def summary(document: dict) -> dict:
    """Title, version, competency, criteria, the level achieved per criterion, evidence: from the credential."""
    subject = document.get("credentialSubject") or {}
    achievement = subject.get("achievement") or {}
    descriptions = {d.get("id"): d for d in _as_list(achievement.get("resultDescription")) if isinstance(d, dict)}
    results = []
    for result in _as_list(subject.get("result")):
        if not isinstance(result, dict):
            continue
        description = descriptions.get(result.get("resultDescription"), {})
        levels = [level for level in _as_list(description.get("rubricCriterionLevel")) if isinstance(level, dict)]
        achieved = next((level for level in levels if level.get("id") == result.get("achievedLevel")), {})
        required = next((level for level in levels if level.get("id") == description.get("requiredLevel")), {})
        results.append({"criterion": description.get("name", ""), "level": achieved.get("name", ""),
                        "required": required.get("name", ""), "levels": [level.get("name", "") for level in levels]})
    issuer = document.get("issuer") or {}
    return {
        "title": achievement.get("name") or document.get("name", ""),
        "language": next((x for x in (achievement.get("inLanguage"), document.get("inLanguage"))
                          if isinstance(x, str) and x), "en"),
        "version": achievement.get("version", ""),
        "competency": achievement.get("description", ""),
        "criteria": (achievement.get("criteria") or {}).get("narrative", ""),
        "achievement_url": achievement.get("id", ""),
        "results": results,
        "issuer_name": issuer.get("name", "") if isinstance(issuer, dict) else str(issuer),
        "issuer_url": issuer.get("url", "") if isinstance(issuer, dict) else "",
        "valid_from": parse_time(document.get("validFrom")),
        "valid_until": parse_time(document.get("validUntil")),
        "evidence": [{"name": e.get("name", ""), "url": e.get("id", ""), "narrative": e.get("narrative", "")}
                     for e in _as_list(document.get("evidence")) if isinstance(e, dict)],
    }


CHECK_NAMES = {
    "parse": gettext_lazy("Reading"), "schema": gettext_lazy("Structure"), "proof": gettext_lazy("Signature"),
    "status": gettext_lazy("Status"), "validity": gettext_lazy("Dates"), "internal": gettext_lazy("Internal error"),
    # Open Badges 2.0 imports
    "structure": gettext_lazy("Structure"), "recipient": gettext_lazy("Recipient"),
    "signature": gettext_lazy("Signature"), "hosted": gettext_lazy("Hosted copy"),
    "origin": gettext_lazy("Origin"), "revocation": gettext_lazy("Revocation"), "expiry": gettext_lazy("Expiry"),
}
CHECK_STATUSES = {
    "passed": pgettext_lazy("verification check", "passed"), "failed": pgettext_lazy("verification check", "failed"),
    "skipped": pgettext_lazy("verification check", "skipped"),
    "not_checked": pgettext_lazy("verification check", "not checked"),
}
# The verifier (standards/verify.py, without Django) words its findings in English; the usual ones are shown in the
# reader's language here. Anything else (a technical reason) is shown as the verifier wrote it, marked as English.
_CHECK_MESSAGES = [
    (re.compile(r"a JSON credential"), gettext_lazy("a JSON credential")),
    (re.compile(r"a VC-JWT"), gettext_lazy("a VC-JWT")),
    (re.compile(r"valid against the OB 3\.0 AchievementCredential JSON Schema"),
     gettext_lazy("valid against the Open Badges 3.0 AchievementCredential JSON Schema")),
    (re.compile(r"valid against the CLR 2\.0 ClrCredential JSON Schema"),
     gettext_lazy("valid against the CLR 2.0 ClrCredential JSON Schema")),
    (re.compile(r"has the required OB 3\.0 AchievementCredential structure"),
     gettext_lazy("has the required Open Badges 3.0 AchievementCredential structure")),
    (re.compile(r"eddsa-rdfc-2022 proof verifies with a key of the issuer (?P<issuer>.+)"),
     gettext_lazy("the eddsa-rdfc-2022 proof verifies with a key of the issuer %(issuer)s")),
    (re.compile(r"ES256 JWT signature verifies with a key of the issuer (?P<issuer>.+)"),
     gettext_lazy("the ES256 JWT signature verifies with a key of the issuer %(issuer)s")),
    (re.compile(r"not revoked; not suspended"), gettext_lazy("not revoked; not suspended")),
    (re.compile(r"not revoked"), gettext_lazy("not revoked")),
    (re.compile(r"no credentialStatus: the credential cannot be revoked"),
     gettext_lazy("no status entry: the credential cannot be revoked")),
    (re.compile(r"the credential has been revoked by its issuer"),
     gettext_lazy("the credential has been revoked by its issuer")),
    (re.compile(r"the credential has been suspended by its issuer"),
     gettext_lazy("the credential has been suspended by its issuer")),
    (re.compile(r"valid from (?P<start>\S+) until (?P<end>\S+)"),
     gettext_lazy("valid from %(start)s until %(end)s")),
    (re.compile(r"valid from (?P<start>\S+), no expiry"), gettext_lazy("valid from %(start)s, no expiry")),
    (re.compile(r"expired: validUntil (?P<end>\S+) has passed"), gettext_lazy("expired: it was valid until %(end)s")),
    (re.compile(r"not valid yet: validFrom (?P<start>\S+) is in the future"),
     gettext_lazy("not valid yet: it is valid from %(start)s")),
    (re.compile(r"not checked: an earlier check failed"), gettext_lazy("not checked: an earlier check failed")),
    (re.compile(r"An Open Badges 2\.0 assertion with an id, recipient, badge and issue date\."),
     gettext_lazy("An Open Badges 2.0 assertion with an id, recipient, badge and issue date.")),
    (re.compile(r"Not expired\."), gettext_lazy("Not expired.")),
    (re.compile(r"It does not expire\."), gettext_lazy("It does not expire.")),
    (re.compile(r"Issued to your e-mail address\."), gettext_lazy("Issued to your e-mail address.")),
    (re.compile(r"Its address is on its issuer's site\."), gettext_lazy("Its address is on its issuer's site.")),
    (re.compile(r"Its address is where its issuer allows\."), gettext_lazy("Its address is where its issuer allows.")),
    (re.compile(r"Hosted assertion not compared with the copy its issuer publishes: online checking is off, so it "
                r"could not be verified offline\."),
     gettext_lazy("Hosted assertion not compared with the copy its issuer publishes: online checking is off, so it "
                  "could not be verified offline.")),
    (re.compile(r"Signature not verifiable offline: the issuer's public key \((?P<key>.*)\) is not registered with "
                r"this platform\.", re.S),
     gettext_lazy("Signature not verifiable offline: the issuer's public key (%(key)s) is not registered with this "
                  "platform.")),
    (re.compile(r"Signed with its issuer's key \((?P<source>.*)\)\.", re.S),
     gettext_lazy("Signed with its issuer's key (%(source)s).")),
    (re.compile(r"Its issuer revoked it \(its address answers 410 Gone\)\."),
     gettext_lazy("Its issuer revoked it (its address answers 410 Gone).")),
]


def _moment(text: str) -> str:
    moment = parse_time(text)
    return date_format(moment, "DATETIME_FORMAT") if moment else text


def shown_checks(checks) -> list[dict]:
    """A verification report's checks (CheckResult objects or their dicts) as shown to people: the check's name and
    result in the reader's language, and its message too when it is one of the usual ones (``translated``)."""
    shown = []
    for check in checks or []:
        if isinstance(check, dict):
            name, status, message = check.get("check", ""), check.get("status", ""), str(check.get("message", ""))
        else:
            name, status, message = check.check, check.status, check.message
        translated = False
        for pattern, wording in _CHECK_MESSAGES:
            match = pattern.fullmatch(message)
            if match:
                values = {k: (_moment(v) if k in ("start", "end") else v) for k, v in match.groupdict().items()}
                message, translated = str(wording) % values if values else str(wording), True
                break
        shown.append({"check": str(CHECK_NAMES.get(name, name)), "status": str(CHECK_STATUSES.get(status, status)),
                      "message": message, "translated": translated})
    return shown


@functools.lru_cache(maxsize=512)  # a pure function of the URL; drawing it costs milliseconds per page view
def qr_svg(url: str) -> str:
    """An inline SVG QR code of ``url`` (no XML declaration, so it can sit in HTML)."""
    return segno.make(url, error="m").svg_inline(scale=4, border=2, dark="#111", light="#fff")


def linkedin_url(issued) -> str:
    """LinkedIn's "add a certification" link, prefilled from the credential."""
    info = summary(issued.credential)
    issued_on = info["valid_from"] or issued.issued_at
    params = {"startTask": "CERTIFICATION_NAME", "name": info["title"], "organizationName": info["issuer_name"],
              "issueYear": str(issued_on.year), "issueMonth": str(issued_on.month),
              "certUrl": issued.credential.get("id", ""), "certId": str(issued.pk)}
    if info["valid_until"]:
        params |= {"expirationYear": str(info["valid_until"].year), "expirationMonth": str(info["valid_until"].month)}
    return f"{LINKEDIN_ADD}?{urlencode(params, quote_via=quote)}"


_PDF_REPLACEMENTS = str.maketrans({"“": '"', "”": '"', "‘": "'", "’": "'", "—": "-", "–": "-", "…": "...",
                                   "•": "-", "\u00a0": " "})


def _latin1(text: str) -> str:
    # The PDF uses the core Helvetica font (no font file to ship), which covers Latin-1 only.
    return str(text).translate(_PDF_REPLACEMENTS).encode("latin-1", "replace").decode("latin-1")


def certificate_pdf(issued, *, viewer=None, verification: str = "") -> bytes:
    """A one-page printable certificate: title, earner (as visibility allows), issuer, date, URL, how to verify. Its
    words and dates are in the active language (the reader's); what the credential says is printed as signed."""
    info = summary(issued.credential)
    url = issued.credential.get("id", "")
    pdf = FPDF(orientation="L", unit="mm", format="Letter")
    pdf.set_title(_latin1(_("Certificate: %(title)s") % {"title": info["title"]}))
    pdf.set_creator("microcred")
    pdf.set_lang(get_language() or "en")
    pdf.set_auto_page_break(auto=True, margin=15)
    pdf.add_page()
    pdf.set_draw_color(40, 70, 120)
    pdf.set_line_width(1.2)
    pdf.rect(10, 10, pdf.w - 20, pdf.h - 20)
    width = pdf.w - 40
    pdf.set_xy(20, 28)
    pdf.set_font("Helvetica", "", 14)
    pdf.cell(width, 10, _latin1(_("Micro-credential certificate")), align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_x(20)
    pdf.set_font("Helvetica", "B", 24)
    pdf.multi_cell(width, 12, _latin1(info["title"] + (f" ({info['version']})" if info["version"] else "")),
                   align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    pdf.set_x(20)
    pdf.set_font("Helvetica", "", 14)
    pdf.cell(width, 9, _latin1(_("earned by %(earner)s") % {"earner": earner_name(issued, viewer)}), align="C",
             new_x="LMARGIN", new_y="NEXT")
    pdf.set_x(20)
    pdf.cell(width, 9, _latin1(_("issued by %(issuer)s") % {"issuer": info["issuer_name"]}), align="C",
             new_x="LMARGIN", new_y="NEXT")
    issued_on = info["valid_from"] or issued.issued_at
    if info["valid_until"]:
        dates = _("on %(issued)s, valid until %(until)s") % {"issued": date_format(issued_on, "DATE_FORMAT"),
                                                             "until": date_format(info["valid_until"], "DATE_FORMAT")}
    else:
        dates = _("on %(issued)s") % {"issued": date_format(issued_on, "DATE_FORMAT")}
    pdf.set_x(20)
    pdf.cell(width, 9, _latin1(dates), align="C", new_x="LMARGIN", new_y="NEXT")
    if info["competency"]:
        pdf.ln(4)
        pdf.set_x(30)
        pdf.set_font("Helvetica", "I", 11)
        pdf.multi_cell(width - 20, 6, _latin1(info["competency"][:600]), align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_y(pdf.h - 45)
    pdf.set_x(20)
    pdf.set_font("Helvetica", "", 10)
    note = _("This certificate is a printout. The credential itself is a signed Open Badges 3.0 credential; check it, "
             "and whether it is still valid, at:") + f"\n{url}"
    if verification:
        note += "\n" + _("At printing: %(result)s") % {"result": verification}
    pdf.multi_cell(width, 5, _latin1(note), align="C")
    return bytes(pdf.output())
