"""Evidence uploads: stream to storage, sniff the bytes, bound the size, store under a random name.

Nothing the client says about a file is trusted: the kind and MIME type come from the bytes (the `filetype`
library's magic numbers plus a structural check per format), the stored name is random, and the original
name is kept only as a cleaned-up label for the download. Large files never sit in memory: Django's upload
handler spools them to a temporary file (bounded by `LimitedTemporaryFileUploadHandler`), one pass over it
computes the SHA-256 and runs the content checks, and the storage API copies (or, on the filesystem, moves) it.
"""
from __future__ import annotations

import codecs
import hashlib
import os
import struct
import unicodedata
import uuid
import zipfile

import filetype
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_noop
from django.core.files.storage import default_storage
from django.core.files.uploadhandler import StopUpload, TemporaryFileUploadHandler
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from microcred.core import audit
from microcred.core.object_storage import open_stored

from .models import EvidenceFile

KiB, MiB, GiB = 1024, 1024**2, 1024**3

DEFAULT_LIMITS = {"video": 2 * GiB, "document": 100 * MiB, "image": 25 * MiB, "audio": 300 * MiB}

# Kind → sniffed MIME type → (label for messages, file extensions that may name it on download).
UPLOAD_KINDS: dict[str, dict[str, tuple[str, tuple[str, ...]]]] = {
    "video": {
        "video/mp4": (gettext_noop("an MP4 video"), ("mp4",)),
        "video/quicktime": (gettext_noop("a QuickTime (MOV) video"), ("mov", "qt")),
        "video/x-m4v": (gettext_noop("an M4V video"), ("m4v", "mp4")),
        "video/webm": (gettext_noop("a WebM video"), ("webm",)),
        "video/x-matroska": (gettext_noop("a Matroska (MKV) video"), ("mkv",)),
    },
    "document": {
        "application/pdf": (gettext_noop("a PDF document"), ("pdf",)),
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document": (gettext_noop("a Word document"), ("docx",)),
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": (gettext_noop("an Excel spreadsheet"), ("xlsx",)),
        "application/vnd.openxmlformats-officedocument.presentationml.presentation": (gettext_noop("a PowerPoint presentation"), ("pptx",)),
        "text/plain": (gettext_noop("a plain text file"), ("txt", "text", "md")),
    },
    "image": {
        "image/png": (gettext_noop("a PNG image"), ("png",)),
        "image/apng": (gettext_noop("an animated PNG image"), ("png", "apng")),
        "image/jpeg": (gettext_noop("a JPEG image"), ("jpg", "jpeg")),
        "image/gif": (gettext_noop("a GIF image"), ("gif",)),
        "image/webp": (gettext_noop("a WebP image"), ("webp",)),
    },
    "audio": {
        "audio/mpeg": (gettext_noop("an MP3 recording"), ("mp3",)),
        "audio/mp4": (gettext_noop("an M4A recording"), ("m4a", "mp4")),
        "audio/x-wav": (gettext_noop("a WAV recording"), ("wav",)),
        "audio/ogg": (gettext_noop("an Ogg recording"), ("ogg", "oga", "opus")),
    },
}
KIND_NOUNS = {"video": gettext_noop("a video"), "document": gettext_noop("a document"), "image": gettext_noop("an image"), "audio": gettext_noop("an audio recording")}
ACCEPTED_HINT = gettext_noop("Accepted: videos (MP4, MOV, M4V, WebM), documents (PDF, Word, Excel, PowerPoint, plain text), "
                   "images (PNG, JPEG, GIF, WebP) and audio (MP3, M4A, WAV, Ogg).")
KIND_NAMES = {"video": gettext_noop("video"), "document": gettext_noop("document"), "image": gettext_noop("image"), "audio": gettext_noop("audio recording")}

# What refused files usually are, for a message that names them.
DETECTED_LABELS = {
    "application/zip": gettext_noop("a ZIP archive"), "application/x-rar-compressed": gettext_noop("a RAR archive"), "application/x-7z-compressed": gettext_noop("a 7-Zip archive"),
    "application/gzip": gettext_noop("a gzip archive"), "application/x-tar": gettext_noop("a tar archive"), "application/x-bzip2": gettext_noop("a bzip2 archive"),
    "application/x-xz": gettext_noop("an xz archive"), "application/zstd": gettext_noop("a Zstandard archive"), "application/epub+zip": gettext_noop("an EPUB e-book"),
    "application/x-msdownload": gettext_noop("a Windows program"), "application/x-executable": gettext_noop("a Linux program"),
    "application/vnd.microsoft.portable-executable": gettext_noop("a Windows program"), "application/wasm": gettext_noop("a WebAssembly program"),
    "application/x-shockwave-flash": gettext_noop("a Flash file"), "application/x-sqlite3": gettext_noop("a database file"), "application/x-deb": gettext_noop("a Debian package"),
    "application/msword": gettext_noop("an old Word (.doc) document"), "application/vnd.ms-excel": gettext_noop("an old Excel (.xls) spreadsheet"),
    "application/vnd.ms-powerpoint": gettext_noop("an old PowerPoint (.ppt) presentation"), "application/rtf": gettext_noop("an RTF document"),
    "image/heic": gettext_noop("a HEIC photo"), "image/avif": gettext_noop("an AVIF image"), "image/tiff": gettext_noop("a TIFF image"), "image/bmp": gettext_noop("a BMP image"),
    "image/vnd.adobe.photoshop": gettext_noop("a Photoshop file"), "video/x-msvideo": gettext_noop("an AVI video"), "video/x-ms-wmv": gettext_noop("a WMV video"),
    "video/x-flv": gettext_noop("a Flash video"), "video/mpeg": gettext_noop("an MPEG video"), "audio/x-flac": gettext_noop("a FLAC recording"), "audio/aac": gettext_noop("an AAC recording"),
    "audio/x-aiff": gettext_noop("an AIFF recording"), "audio/midi": gettext_noop("a MIDI file"), "application/postscript": gettext_noop("a PostScript file"),
    "application/vnd.oasis.opendocument.text": gettext_noop("an OpenDocument text (.odt)"),
    "application/vnd.oasis.opendocument.spreadsheet": gettext_noop("an OpenDocument spreadsheet (.ods)"),
    "application/vnd.oasis.opendocument.presentation": gettext_noop("an OpenDocument presentation (.odp)"),
}
OOXML_PARTS = {"word/": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
               "xl/": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
               "ppt/": "application/vnd.openxmlformats-officedocument.presentationml.presentation"}
# Markup that a browser (or a careless viewer) could run: never inside an accepted file.
ACTIVE_MARKUP = (b"<script", b"<html", b"<svg", b"<!doctype html", b"<iframe", b"<?php", b"<body", b"<object", b"<embed")

HEAD_BYTES = 8192          # filetype looks at up to 8 KiB (office documents need several KiB)
MARKUP_SCAN_HEAD = 64 * KiB  # videos, audio and PDFs: where a browser or player would sniff
CHUNK = 1 * MiB
MAX_ZIP_UNCOMPRESSED = 200 * MiB
MAX_ZIP_RATIO = 100
MAX_ZIP_ENTRIES = 10_000
MAX_TOP_LEVEL_BOXES = 100_000


# ---------------------------------------------------------------------------------------------------------
# Limits

def upload_limits() -> dict[str, int]:
    """Per-kind size limits in bytes: the defaults, overridden by settings.MICROCRED_UPLOAD_LIMITS."""
    return {**DEFAULT_LIMITS, **getattr(settings, "MICROCRED_UPLOAD_LIMITS", {})}


def max_upload_bytes() -> int:
    """The largest file any kind accepts: no request may carry more file bytes than this."""
    return max(upload_limits().values())


def human_size(n: int) -> str:
    for unit, size in (("GB", GiB), ("MB", MiB), ("KB", KiB)):
        if n >= size:
            value = n / size
            return f"{value:.0f} {unit}" if value == int(value) or value >= 10 else f"{value:.1f} {unit}"
    return _("%(n)s bytes") % {"n": n}


def _refuse(message: str):
    raise ValidationError({"file": [message]})


# ---------------------------------------------------------------------------------------------------------
# The upload handler: bounds what reaches the disk

class LimitedTemporaryFileUploadHandler(TemporaryFileUploadHandler):
    """Spool uploads to a temporary file, but stop reading into it once the request's files pass the limit.

    A 10 GB upload is cut off at the largest kind's limit: the temporary file is removed and the rest of the
    body is read and discarded, so the disk never fills. The request is marked (`request.upload_too_large`)
    so the view can say why the file is missing; an upload cut short by the client marks
    `request.upload_interrupted` instead.
    """

    def __init__(self, request=None):
        super().__init__(request)
        self.limit = max_upload_bytes()
        self.received = 0  # file bytes of this request so far, over all its files

    def handle_raw_input(self, input_data, META, content_length, boundary, encoding=None):
        # Early answer when the declared body alone is far over the limit: no file bytes are written at all.
        slack = (settings.DATA_UPLOAD_MAX_MEMORY_SIZE or 0) + 64 * KiB
        self.declared_too_large = content_length is not None and content_length > self.limit + slack
        return None

    def new_file(self, *args, **kwargs):
        if getattr(self, "declared_too_large", False):
            self._stop()
        temp_dir = getattr(settings, "FILE_UPLOAD_TEMP_DIR", None)
        if temp_dir:
            os.makedirs(temp_dir, exist_ok=True)
        super().new_file(*args, **kwargs)

    def receive_data_chunk(self, raw_data, start):
        self.received += len(raw_data)
        if self.received > self.limit:
            self._stop()
        return super().receive_data_chunk(raw_data, start)

    def upload_interrupted(self):
        if self.request is not None:
            self.request.upload_interrupted = True
        super().upload_interrupted()

    def _stop(self):
        if self.request is not None:
            self.request.upload_too_large = True
        super().upload_interrupted()  # removes the partial temporary file now
        raise StopUpload(connection_reset=False)


def upload_refusal(request) -> str | None:
    """Why the request's file did not arrive, in words for the earner; None when nothing went wrong.

    Call after touching request.FILES (which parses the body)."""
    if getattr(request, "upload_too_large", False):
        return _("This file is larger than the %(size)s allowed. Nothing else in your draft was changed.") % {"size": human_size(max_upload_bytes())}
    if getattr(request, "upload_interrupted", False):
        return _("The upload did not finish (the connection was interrupted). Please try again; nothing else in your draft was changed.")
    return None


# ---------------------------------------------------------------------------------------------------------
# Sniffing

def _read_at(f, offset: int, size: int) -> bytes:
    f.seek(offset)
    return f.read(size)


def _describe_unknown(head: bytes) -> str | None:
    """A name for content filetype does not know, when it is something we can name (HTML, SVG, a script)."""
    text = head.lstrip(b"\xef\xbb\xbf\xfe\xff\x00 \t\r\n").lower()
    if text.startswith(b"<svg") or (text.startswith(b"<?xml") and b"<svg" in text):
        return _("an SVG image")
    if text.startswith((b"<!doctype html", b"<html", b"<head", b"<body", b"<script", b"<iframe", b"<!--")) or b"<html" in text:
        return "HTML"
    if text.startswith(b"<?xml"):
        return "XML"
    if text.startswith(b"<?php"):
        return _("a PHP script")
    if text.startswith(b"#!"):
        return _("a script")
    if text.startswith(b"mz"):
        return _("a Windows program")
    return None


def _ooxml_type(f, size: int) -> str:
    """The OOXML MIME type of a ZIP that is a Word/Excel/PowerPoint file, after a zip-bomb check; refuses otherwise.

    Only the central directory is read: declared sizes, never decompression."""
    f.seek(0)
    try:
        with zipfile.ZipFile(f) as archive:
            infos = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError):
        _refuse(_("This file looks like an Office document or ZIP archive, but it is damaged or cut short. Please export it again."))
    names = [i.filename for i in infos]
    if "[Content_Types].xml" not in names:
        _refuse(_("This file looks like a ZIP archive, not a document. Archives cannot be uploaded; upload the files inside it."))
    mime = next((m for prefix, m in OOXML_PARTS.items() if any(n.startswith(prefix) for n in names)), None)
    if mime is None:
        _refuse(_("This file looks like an Office document of a kind we do not accept. Save it as Word, Excel, PowerPoint or PDF."))
    uncompressed = sum(i.file_size for i in infos)
    if (len(infos) > MAX_ZIP_ENTRIES or uncompressed > MAX_ZIP_UNCOMPRESSED
            or uncompressed > MAX_ZIP_RATIO * max(size, 1)):
        _refuse(_("This Office document expands to far more data than it holds (a “zip bomb”), so it was refused. "
                  "Save it again from Word, Excel or PowerPoint, or as PDF."))
    if any(i.filename.startswith("/") or ".." in i.filename.replace("\\", "/").split("/") for i in infos):
        _refuse(_("This Office document contains entries with unsafe paths, so it was refused. Save it again or as PDF."))
    return mime


def _refuse_as(label: str, expected_kinds: set[str] | None, advice: str = ""):
    """The message for a file that is not acceptable: what it looks like, and what was wanted."""
    label = _(label)  # the labels are marked with gettext_noop
    if expected_kinds:
        wanted = _(" or ").join(_(KIND_NOUNS[k]) for k in sorted(expected_kinds) if k in KIND_NOUNS)
        _refuse((_("This file looks like %(label)s, not %(wanted)s.") % {"label": label, "wanted": wanted})
                + (" " + str(advice) if advice else ""))
    _refuse(_("This file looks like %(label)s, which cannot be uploaded as evidence.") % {"label": label}
            + " " + str(advice or _(ACCEPTED_HINT)))


def sniff(f, size: int, expected_kinds: set[str] | None = None) -> tuple[str, str]:
    """(kind, MIME type) from the bytes of `f`; raises ValidationError naming what it looks like when refused."""
    head = _read_at(f, 0, HEAD_BYTES)
    match = filetype.guess(head)
    mime = match.mime if match else None
    if mime in ("application/zip", *OOXML_PARTS.values()):
        mime = _ooxml_type(f, size)
    if mime is None:
        named = _describe_unknown(head)
        if named == "an SVG image":
            _refuse_as(named, expected_kinds, _("SVG images can carry script and are not accepted; save it as PNG or JPEG."))
        if named:
            _refuse_as(named, expected_kinds)
        if _looks_like_legacy_text(head):
            _refuse(_("This text file is not UTF-8 text. Save it as UTF-8 plain text or as PDF."))
        if not _looks_like_text(head):
            _refuse(_("We could not recognise this file; it may be damaged or cut short.") + " " + _(ACCEPTED_HINT))
        mime = "text/plain"
    for kind, types in UPLOAD_KINDS.items():
        if mime in types:
            return kind, mime
    _refuse_as(DETECTED_LABELS.get(mime) or _("a .%(extension)s file") % {"extension": match.extension}, expected_kinds)


def _looks_like_text(head: bytes) -> bool:
    try:
        text = codecs.getincrementaldecoder("utf-8")().decode(head, final=False)
    except UnicodeDecodeError:
        return False
    return not any(_is_forbidden_control(c) for c in text)


def _looks_like_legacy_text(head: bytes) -> bool:
    """Text in an old 8-bit encoding (Windows-1252, Latin-1): printable, mostly ASCII, but not UTF-8."""
    if _looks_like_text(head) or not head:
        return False
    ascii_printable = sum(1 for b in head if 0x20 <= b < 0x7F or b in b"\t\n\r")
    return all(b >= 0x20 or b in b"\t\n\r\f" for b in head) and ascii_printable >= 0.8 * len(head)


def _is_forbidden_control(c: str) -> bool:
    return unicodedata.category(c) == "Cc" and c not in "\t\n\r\f"


def label_for(mime: str) -> str:
    for types in UPLOAD_KINDS.values():
        if mime in types:
            return _(types[mime][0])
    return _(DETECTED_LABELS[mime]) if mime in DETECTED_LABELS else mime


# ---------------------------------------------------------------------------------------------------------
# Structure: truncated or damaged files are refused with a message, not stored

def _check_isobmff(f, size: int, label: str):
    """MP4/MOV/M4A: the top-level boxes must tile the file exactly, and the index ('moov') must be there."""
    pos, boxes, seen = 0, 0, set()
    while pos < size:
        boxes += 1
        if boxes > MAX_TOP_LEVEL_BOXES:
            _refuse(_("This file looks like %(label)s, but its structure is damaged.") % {"label": label})
        header = _read_at(f, pos, 16)
        if len(header) < 8:
            break
        box_size, box_type = struct.unpack(">I4s", header[:8])
        if box_size == 1:
            if len(header) < 16:
                break
            box_size = struct.unpack(">Q", header[8:16])[0]
        elif box_size == 0:
            box_size = size - pos
        if box_size < 8:
            _refuse(_("This file looks like %(label)s, but its structure is damaged.") % {"label": label})
        seen.add(box_type)
        pos += box_size
    if pos != size:
        _refuse(_("This file looks like %(label)s, but it is cut short (the upload or the recording may not have finished). "
                  "Please upload the complete file.") % {"label": label})
    if b"moov" not in seen:
        _refuse(_("This file looks like %(label)s, but it is incomplete (it has no index, as when a recording is interrupted). "
                  "Please export or save it again.") % {"label": label})


def _read_vint(f) -> tuple[int, int, bool] | None:
    """An EBML variable-size integer: (value, length, all-ones i.e. 'unknown')."""
    first = f.read(1)
    if not first:
        return None
    b = first[0]
    length = next((i + 1 for i in range(8) if b & (0x80 >> i)), 0)
    if not length:
        return None
    rest = f.read(length - 1)
    if len(rest) < length - 1:
        return None
    value = b & ((0x80 >> (length - 1)) - 1)
    for byte in rest:
        value = (value << 8) | byte
    return value, length, value == (1 << (7 * length)) - 1


def _check_ebml(f, size: int, label: str):
    """WebM/MKV: the EBML header and the Segment's declared size must fit in the file."""
    f.seek(4)
    header_size = _read_vint(f)
    if header_size is None:
        _refuse(_("This file looks like %(label)s, but its structure is damaged.") % {"label": label})
    f.seek(f.tell() + header_size[0])
    if f.read(4) != b"\x18\x53\x80\x67":
        _refuse(_("This file looks like %(label)s, but it is cut short or damaged. Please upload the complete file.") % {"label": label})
    segment = _read_vint(f)
    if segment is None or (not segment[2] and f.tell() + segment[0] > size):
        _refuse(_("This file looks like %(label)s, but it is cut short (the upload or the recording may not have finished). "
                  "Please upload the complete file.") % {"label": label})


def _check_png(f, size: int, label: str):
    if _read_at(f, 12, 4) != b"IHDR" or _read_at(f, max(size - 12, 0), 12) != b"\x00\x00\x00\x00IEND\xaeB`\x82":
        _refuse(_("This file looks like %(label)s, but it is cut short or damaged. Please save it again.") % {"label": label})


def _check_jpeg(f, size: int, label: str):
    """Walk the header segments to the image data: a file cut inside its headers is refused."""
    pos = 2
    for _step in range(1000):
        marker = _read_at(f, pos, 4)
        if len(marker) < 4 or marker[0] != 0xFF:
            break
        if marker[1] == 0xDA:  # start of scan: the headers are complete
            return
        if marker[1] == 0xFF:  # fill byte
            pos += 1
            continue
        if marker[1] in (0x01, *range(0xD0, 0xD8)):
            pos += 2
            continue
        pos += 2 + struct.unpack(">H", marker[2:4])[0]
    _refuse(_("This file looks like %(label)s, but it is cut short or damaged. Please save it again.") % {"label": label})


def _check_gif(f, size: int, label: str):
    if size < 26:
        _refuse(_("This file looks like %(label)s, but it is cut short or damaged. Please save it again.") % {"label": label})


def _check_pdf(f, size: int, label: str):
    if b"%%EOF" not in _read_at(f, max(size - 2048, 0), 2048):
        _refuse(_("This file looks like %(label)s, but it is cut short or damaged (it has no end marker). Please save or export it again.") % {"label": label})


def _check_riff(f, size: int, label: str):
    declared = struct.unpack("<I", _read_at(f, 4, 4).ljust(4, b"\0"))[0] + 8
    if size < 16 or declared > size:
        _refuse(_("This file looks like %(label)s, but it is cut short (the upload or the recording may not have finished). "
                  "Please upload the complete file.") % {"label": label})


STRUCTURE_CHECKS = {
    "video/mp4": _check_isobmff, "video/quicktime": _check_isobmff, "video/x-m4v": _check_isobmff, "audio/mp4": _check_isobmff,
    "video/webm": _check_ebml, "video/x-matroska": _check_ebml,
    "image/png": _check_png, "image/apng": _check_png, "image/jpeg": _check_jpeg, "image/gif": _check_gif,
    "image/webp": _check_riff, "audio/x-wav": _check_riff, "application/pdf": _check_pdf,
}


class _ContentScan:
    """One pass over the bytes: SHA-256 for every file, plus the content rules of its type.

    Text must be UTF-8 without control characters or markup; images carry no markup anywhere (an image that
    is also HTML, a polyglot, is refused); other kinds carry none where browsers and players sniff."""

    def __init__(self, kind: str, mime: str):
        self.sha256 = hashlib.sha256()
        self.size = 0
        self.mime, self.label = mime, label_for(mime)
        self.is_text = mime == "text/plain"
        self.scan_limit = None if (self.is_text or kind == "image") else MARKUP_SCAN_HEAD
        self.decoder = codecs.getincrementaldecoder("utf-8")() if self.is_text else None
        self.tail = b""

    def feed(self, chunk: bytes):
        self.sha256.update(chunk)
        if self.scan_limit is None or self.size < self.scan_limit:
            window = (self.tail + chunk).lower()
            if any(marker in window for marker in ACTIVE_MARKUP):
                if self.is_text:
                    _refuse(_("This text file contains HTML or script, which is not accepted. Save it as PDF, or as plain text without markup."))
                _refuse(_("This file looks like %(label)s, but it also contains HTML or script (a disguised file), so it was refused.") % {"label": self.label})
            self.tail = window[-16:]
        if self.decoder is not None:
            try:
                text = self.decoder.decode(chunk)
            except UnicodeDecodeError:
                _refuse(_("This text file is not UTF-8 text. Save it as UTF-8 plain text or as PDF."))
            if any(_is_forbidden_control(c) for c in text):
                _refuse(_("This text file contains binary data (control characters), so it is not plain text. Save it again or as PDF."))
        self.size += len(chunk)

    def finish(self):
        if self.decoder is not None:
            try:
                self.decoder.decode(b"", final=True)
            except UnicodeDecodeError:
                _refuse(_("This text file ends in the middle of a character (cut short?). Save it as UTF-8 plain text or as PDF."))


# ---------------------------------------------------------------------------------------------------------
# Names

def clean_original_name(name: str | None, mime: str | None = None) -> str:
    """A safe label for the download: no folders, no control or invisible characters, at most 200 characters,
    and an extension that matches what the bytes are (so 'x.html' that is a PNG downloads as 'x.png')."""
    name = unicodedata.normalize("NFC", name or "")
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(c for c in name if not unicodedata.category(c).startswith("C"))  # control, format (bidi), unassigned
    name = name.replace(":", "_").replace('"', "'").strip().strip(".").strip()
    stem, dot, ext = name.rpartition(".")
    if not dot:
        stem, ext = name, ""
    if mime:
        allowed = next((types[mime][1] for types in UPLOAD_KINDS.values() if mime in types), ())
        if allowed and ext.lower() not in allowed:
            ext = allowed[0]
    stem = stem.strip() or "evidence"
    ext = ext[:16]
    stem = stem[: 200 - len(ext) - 1] if ext else stem[:200]
    return f"{stem}.{ext}" if ext else stem


def random_storage_name() -> str:
    token = uuid.uuid4().hex
    return f"evidence/{token[:2]}/{token[2:4]}/{token}"


# ---------------------------------------------------------------------------------------------------------
# The service

def store_upload(*, uploaded_file, owner, expected_kinds: set[str] | None = None) -> EvidenceFile:
    """Check an uploaded file and keep it as an EvidenceFile of `owner`, or raise ValidationError({"file": [...]}).

    Guarantees: the kind and MIME type come from the bytes; the file is within its kind's size limit and among
    `expected_kinds` (when given); it is not empty, truncated, a disguised HTML/SVG/program, or a zip bomb;
    the bytes are stored under a random name via the default storage without being read into memory; on any
    refusal or failure nothing is left in storage and no row is created."""
    size = uploaded_file.size
    if not size:
        _refuse(_("The file is empty."))
    if size > max_upload_bytes():
        _refuse(_("This file is larger than the %(size)s allowed.") % {"size": human_size(max_upload_bytes())})
    f = uploaded_file
    kind, mime = sniff(f, size, expected_kinds)
    label = label_for(mime)
    if expected_kinds and kind not in expected_kinds:
        _refuse_as(label, expected_kinds)
    limit = upload_limits()[kind]
    if size > limit:
        _refuse(_("This file is %(size)s; %(kind)s files may be at most %(limit)s.") % {"size": human_size(size), "kind": _(KIND_NAMES[kind]), "limit": human_size(limit)})
    check = STRUCTURE_CHECKS.get(mime)
    if check:
        check(f, size, label)

    scan = _ContentScan(kind, mime)
    f.seek(0)
    while chunk := f.read(CHUNK):
        scan.feed(chunk)
    scan.finish()
    if scan.size != size:
        _refuse(_("The upload did not finish (fewer bytes arrived than announced). Please try again."))

    original_name = clean_original_name(getattr(uploaded_file, "name", ""), mime)
    f.seek(0)
    # The uploaded file itself goes to storage: the filesystem backend moves a spooled temporary file into
    # place, S3 sends it as a multipart upload of 8 MiB parts read from the spool. Never the whole file in memory.
    storage_name = default_storage.save(random_storage_name(), uploaded_file)
    try:
        with transaction.atomic():
            evidence_file = EvidenceFile.objects.create(
                owner=owner, storage_name=storage_name, original_name=original_name, content_type=mime,
                kind=kind, size=size, sha256=scan.sha256.hexdigest())
            audit.record(actor=owner, action="evidence_file.uploaded", target=evidence_file,
                         data={"kind": kind, "content_type": mime, "size": size, "sha256": evidence_file.sha256})
    except BaseException:
        default_storage.delete(storage_name)
        raise
    return evidence_file


def open_evidence(evidence_file: EvidenceFile):
    """The stored bytes, as a file opened from storage (the caller closes it). FileNotFoundError if purged or lost."""
    if evidence_file.purged_at:
        raise FileNotFoundError(f"The bytes of {evidence_file.pk} were removed on {evidence_file.purged_at:%Y-%m-%d}.")
    return open_stored(evidence_file.storage_name)


def purge_bytes(evidence_file: EvidenceFile, *, by=None) -> EvidenceFile:
    """Remove the stored bytes and mark the record purged; the record (name, size, hash) stays. Safe to call twice."""
    with transaction.atomic():
        evidence_file = EvidenceFile.objects.select_for_update().get(pk=evidence_file.pk)
        if evidence_file.purged_at:
            return evidence_file
        evidence_file.purged_at = timezone.now()
        evidence_file.save(update_fields=["purged_at"])
        audit.record(actor=by, action="evidence_file.purged", target=evidence_file)
        name = evidence_file.storage_name
        transaction.on_commit(lambda: default_storage.delete(name))
    return evidence_file
