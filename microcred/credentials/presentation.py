"""How a credential is shown and shared: the page's summary of what was earned, QR code, LinkedIn link, PDF.

Everything shown is read from the credential exactly as issued (not from today's catalog), so the page says what
the signed document says.
"""
from __future__ import annotations

from datetime import datetime
from urllib.parse import quote, urlencode

import segno
from django.utils.formats import date_format
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from fpdf import FPDF

from microcred.accounts import policy

LINKEDIN_ADD = "https://www.linkedin.com/profile/add"
HOLDER = "the credential holder"


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
    return HOLDER


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
