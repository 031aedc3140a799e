"""Reading roster files safely: a folder, a zip or one CSV file, streamed row by row.

Every problem is reported with its place (file, row, column) and never stops the rows after it: a line that is not
UTF-8, a line longer than ``MAX_LINE_BYTES``, a row with the wrong number of cells. Nothing here touches the
database."""
from __future__ import annotations

import csv
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from django.utils.translation import gettext as _

MAX_LINE_BYTES = 64 * 1024
MAX_FIELD_CHARS = 1000
# A zip whose members claim to unpack to more than this is refused before reading (a "zip bomb").
MAX_UNPACKED_BYTES = 4 * 1024 ** 3
ONEROSTER_FILES = ("manifest.csv", "orgs.csv", "users.csv", "roles.csv")
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")

Problem = Callable[..., None]  # problem(file, row, column, message)


class BundleError(Exception):
    """The input as a whole cannot be read (not a folder, zip or CSV; a broken or oversized zip)."""


class Bundle:
    """The files of a OneRoster bundle (folder or zip), found by name at the top or in one sub-folder."""

    def __init__(self, path: Path):
        self.path = Path(path)
        self._zip = None
        self._members: dict[str, str] = {}
        if self.path.is_dir():
            for name in ONEROSTER_FILES:
                found = [p for p in (self.path / name, *self.path.glob(f"*/{name}")) if p.is_file()]
                if found:
                    self._members[name] = str(found[0])
        elif zipfile.is_zipfile(self.path):
            try:
                self._zip = zipfile.ZipFile(self.path)
                infos = self._zip.infolist()
            except (zipfile.BadZipFile, OSError) as error:
                raise BundleError(_("The zip file cannot be read (%(error)s).") % {"error": error}) from None
            if sum(i.file_size for i in infos) > MAX_UNPACKED_BYTES:
                raise BundleError(_("The zip file unpacks to more than the allowed size; nothing was imported."))
            for info in infos:
                name = info.filename.rsplit("/", 1)[-1].lower()
                if name in ONEROSTER_FILES and info.filename.count("/") <= 1 and name not in self._members:
                    self._members[name] = info.filename
        else:
            raise BundleError(_("Expected a folder or a .zip file holding a OneRoster bundle."))

    def has(self, name: str) -> bool:
        return name in self._members

    def open(self, name: str):
        if name not in self._members:
            return None
        if self._zip is not None:
            return self._zip.open(self._members[name])
        return open(self._members[name], "rb")

    def close(self) -> None:
        if self._zip is not None:
            self._zip.close()


def is_oneroster(path: Path) -> bool:
    """A folder or a zip (the simple CSV and the facts CSV are single .csv files)."""
    path = Path(path)
    return path.is_dir() or zipfile.is_zipfile(path)


def count_rows(stream) -> int:
    """Data rows (lines after the header) of a CSV, counted cheaply for a progress bar."""
    lines, last = 0, b"\n"
    for chunk in iter(lambda: stream.read(1024 * 1024), b""):
        lines += chunk.count(b"\n")
        last = chunk[-1:]
    return max(0, lines + (0 if last == b"\n" else 1) - 1)


@dataclass
class Row:
    number: int  # the line of the file where the row ends (the header is line 1)
    values: dict[str, str]


def _lines(stream, flagged: dict[int, str]) -> Iterator[str]:
    """Decoded lines; a line that is not UTF-8 or is too long is replaced by an empty cell and flagged."""
    number = 0
    while True:
        raw = stream.readline(MAX_LINE_BYTES + 1)
        if not raw:
            return
        number += 1
        if len(raw) > MAX_LINE_BYTES and not raw.endswith(b"\n"):
            while raw and not raw.endswith(b"\n"):  # skip the rest of the line without holding it
                raw = stream.readline(MAX_LINE_BYTES + 1)
            flagged[number] = _("the row is longer than %(max)s bytes") % {"max": f"{MAX_LINE_BYTES:,}"}
            yield "\n"
            continue
        if number == 1 and raw.startswith(b"\xef\xbb\xbf"):
            raw = raw[3:]
        try:
            yield raw.decode("utf-8")
        except UnicodeDecodeError:
            flagged[number] = _("the row is not UTF-8 text (save the file as UTF-8)")
            yield "\n"


def read_rows(stream, file: str, problem: Problem, *, required: tuple[str, ...] = (),
              header_aliases: dict[str, str] | None = None) -> Iterator[Row]:
    """The rows of a CSV as {column: stripped value}. A missing required column is reported once (row 1) and ends
    the file: nothing can be read from it safely. Rows with problems are reported and left out."""
    flagged: dict[int, str] = {}
    reader = csv.reader(_lines(stream, flagged), strict=False)
    try:
        header = next(reader)
    except StopIteration:
        problem(file, 1, "", _("the file is empty"))
        return
    except csv.Error as error:
        problem(file, 1, "", _("the header cannot be read (%(error)s)") % {"error": error})
        return
    if 1 in flagged:
        problem(file, 1, "", flagged[1])
        return
    aliases = header_aliases or {}
    columns = [aliases.get(c.strip().lower(), c.strip()) for c in header]
    missing = [c for c in required if c not in columns]
    if missing:
        for column in missing:
            problem(file, 1, column, _("the column “%(column)s” is missing") % {"column": column})
        return
    previous = reader.line_num
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            problem(file, reader.line_num, "", _("the row cannot be read as CSV (%(error)s)") % {"error": error})
            previous = reader.line_num
            continue
        number = reader.line_num
        bad = [flagged.pop(n) for n in range(previous + 1, number + 1) if n in flagged]
        previous = number
        if bad:
            problem(file, number, "", bad[0])
            continue
        if not cells or cells == [""]:
            continue
        if len(cells) != len(columns):
            problem(file, number, "", _("the row has %(cells)s cells, the header %(columns)s") % {"cells": len(cells), "columns": len(columns)})
            continue
        too_long = next((c for c, v in zip(columns, cells) if len(v) > MAX_FIELD_CHARS), None)
        if too_long:
            problem(file, number, too_long, _("the value is longer than %(max)s characters") % {"max": MAX_FIELD_CHARS})
            continue
        yield Row(number, {c: v.strip() for c, v in zip(columns, cells)})


def looks_like_formula(text: str) -> bool:
    """Text a spreadsheet would run as a formula (= + - @ at the start): refused in names, never stored."""
    return text.startswith(FORMULA_START)

