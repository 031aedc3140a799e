"""Writes of licensure feeds: a feed (make, change, pause, resume), a run asked for by a person ("send now"), and
the sending itself (tasks and the ``send_licensure_feeds`` command call ``send_run``). Every act is audited.

Guarantees: only ``policy.can_manage_licensure_feeds`` touches a recognizer's feeds; the mapping names only fields
of the awards export (``recognition.selectors.EXPORT_COLUMNS``), each output column once; a CSV cell or header never
starts a spreadsheet formula; a folder is always inside ``MICROCRED_DATA_DIR/licensure-feeds`` (checked when saved
and again, symlinks resolved, when written); an endpoint passes the webhooks' address guard at every sending; a run
sends only the awards whose mapped row is new or changed since the last acknowledged run."""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import re
import time
from pathlib import Path

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from microcred.accounts import policy
from microcred.core import audit
from microcred.core.secrets import decrypt_secret, encrypt_secret
from microcred.core.transitions import ensure_transition
from microcred.recognition import selectors as recognition
from microcred.recognition.exports import csv_cell

from ..models import LicensureFeed, LicensureFeedAward, LicensureFeedRun
from ..webhooks import signing, transport
from ..webhooks.services import allow_private, refusal_text

SECRET_PURPOSE = "microcred.interop.feed-secrets"
FOLDER_ROOT_NAME = "licensure-feeds"
MAX_COLUMNS = 40
MAX_COLUMN_NAME = 60
MAX_NAME = 120
MAX_FOLDER = 200
MAX_FEEDS_PER_RECOGNIZER = 10
RETRY_AFTER = dt.timedelta(hours=1)
PERIODS = {LicensureFeed.Schedule.DAILY: dt.timedelta(days=1), LicensureFeed.Schedule.WEEKLY: dt.timedelta(days=7)}
FIELDS = recognition.EXPORT_COLUMNS
_CONTROL = re.compile(r"[\x00-\x1f\x7f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
_SEGMENT = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,59}$")

F = LicensureFeed.State
FEED_MOVES = {F.ACTIVE: {F.PAUSED}, F.PAUSED: {F.ACTIVE}}
R = LicensureFeedRun.State
RUN_MOVES = {R.PENDING: {R.ACKNOWLEDGED, R.FAILED}}


def folder_root() -> Path:
    return Path(settings.DATA_DIR) / FOLDER_ROOT_NAME


def _require(by, recognizer) -> None:
    if not policy.can_manage_licensure_feeds(by, recognizer):
        raise PermissionDenied(_("Only the recognizer's admins manage its licensure feeds."))


# --- the column mapping ------------------------------------------------------------------------------------------

def parse_mapping(text: str) -> list[list[str]]:
    """The lines of the mapping box, ``Output column = award_field`` each, as pairs (checked by ``clean_columns``)."""
    if not isinstance(text, str):
        raise ValidationError(_("Give the mapping as text, one “Column = field” per line."))
    pairs = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        if "=" not in line.lstrip("=+-@"):
            raise ValidationError(_("Line %(line)s: write “Output column = award field”.") % {"line": number})
        column, _sep, field = line.rpartition("=")
        pairs.append([column.strip(), field.strip()])
    return pairs


def mapping_text(columns) -> str:
    return "\n".join(f"{column} = {field}" for column, field in columns)


def clean_columns(columns) -> list[list[str]]:
    """The mapping as saved, or ValidationError listing every problem: at least one and at most 40 columns; a
    column name of 1–60 characters without control characters, each name once (case does not make it another);
    a field among the awards export's fields. A name starting with = + - @ is kept, and written neutralized."""
    if not isinstance(columns, (list, tuple)) or not columns:
        raise ValidationError(_("Map at least one output column to an award field."))
    if len(columns) > MAX_COLUMNS:
        raise ValidationError(_("A feed has at most %(max)s columns.") % {"max": MAX_COLUMNS})
    errors, seen, cleaned = [], set(), []
    for pair in columns:
        if not (isinstance(pair, (list, tuple)) and len(pair) == 2 and all(isinstance(p, str) for p in pair)):
            errors.append(_("Each column is a pair: output column name and award field."))
            continue
        column, field = pair[0].strip(), pair[1].strip()
        if not column:
            errors.append(_("An output column has no name."))
        elif len(column) > MAX_COLUMN_NAME:
            errors.append(_("The column name “%(column)s…” is longer than %(max)s characters.")
                          % {"column": column[:20], "max": MAX_COLUMN_NAME})
        elif _CONTROL.search(column):
            errors.append(_("The column name “%(column)s” contains control characters.") % {"column": _CONTROL.sub("", column)[:60]})
        elif column.casefold() in seen:
            errors.append(_("The column “%(column)s” appears twice.") % {"column": column})
        if field not in FIELDS:
            errors.append(_("“%(field)s” is not an award field; choose among: %(fields)s.")
                          % {"field": _CONTROL.sub("", field)[:60], "fields": ", ".join(FIELDS)})
        seen.add(column.casefold())
        cleaned.append([column, field])
    if errors:
        raise ValidationError(errors)
    return cleaned


# --- the destination ---------------------------------------------------------------------------------------------

def clean_folder(folder) -> str:
    """A folder relative to ``MICROCRED_DATA_DIR/licensure-feeds``: segments of letters, digits, . _ - (not starting
    with a dot), separated by /; never absolute, never .., never outside the root."""
    if not isinstance(folder, str) or not folder.strip():
        raise ValidationError({"folder": [_("Give the folder, e.g. renewals/daily.")]})
    folder = folder.strip().strip("/") if not folder.strip().startswith("/") else folder.strip()
    if len(folder) > MAX_FOLDER:
        raise ValidationError({"folder": [_("Keep the folder to %(max)s characters.") % {"max": MAX_FOLDER}]})
    if folder.startswith(("/", "\\")) or "\\" in folder or not all(_SEGMENT.match(s) for s in folder.split("/")) \
            or ".." in folder.split("/"):
        raise ValidationError({"folder": [_("The folder must be a relative path of letters, digits, dots, dashes and "
                                            "underscores (no .., no leading / or dot).")]})
    root = folder_root().resolve()
    if not (root / folder).resolve().is_relative_to(root):
        raise ValidationError({"folder": [_("The folder must stay inside the feeds folder.")]})
    return folder


def _target_folder(folder: str) -> Path:
    """The folder, made, checked again with symlinks resolved (a link made after saving cannot lead outside)."""
    root = folder_root()
    root.mkdir(parents=True, exist_ok=True)
    path = root / clean_folder(folder)
    path.mkdir(parents=True, exist_ok=True)
    if not path.resolve().is_relative_to(root.resolve()):
        raise ValidationError(_("The folder must stay inside the feeds folder."))
    return path.resolve()


def _clean(*, name, columns, format, schedule, destination, folder, url) -> dict:
    errors: dict[str, list[str]] = {}
    name = _CONTROL.sub("", name).strip() if isinstance(name, str) else ""
    if not name:
        errors["name"] = [_("Give the feed a name.")]
    elif len(name) > MAX_NAME:
        errors["name"] = [_("Keep the name to %(max)s characters.") % {"max": MAX_NAME}]
    try:
        columns = clean_columns(columns)
    except ValidationError as exc:
        errors["columns"] = exc.messages
    if format not in LicensureFeed.Format.values:
        errors["format"] = [_("Choose CSV or JSON.")]
    if schedule not in LicensureFeed.Schedule.values:
        errors["schedule"] = [_("Choose daily or weekly.")]
    if destination == LicensureFeed.Destination.FOLDER:
        url = ""
        try:
            folder = clean_folder(folder)
        except ValidationError as exc:
            errors.update(exc.message_dict)
    elif destination == LicensureFeed.Destination.HTTPS:
        folder = ""
        url = url.strip() if isinstance(url, str) else url
        try:
            transport.parse_url(url, allow_private=allow_private())
        except transport.Refused as exc:
            errors["url"] = [refusal_text(exc)]
    else:
        errors["destination"] = [_("Choose a folder or an HTTPS endpoint.")]
    if errors:
        raise ValidationError(errors)
    return {"name": name, "columns": columns, "format": format, "schedule": schedule, "destination": destination,
            "folder": folder, "url": url}


# --- feeds -------------------------------------------------------------------------------------------------------

def create_feed(*, recognizer, name, columns, format="csv", schedule="daily", destination="folder", folder="", url="",
                sign: bool = False, by) -> tuple[LicensureFeed, str | None]:
    """A new feed, due at once. With ``sign`` (HTTPS only) a signing secret is made and returned this once."""
    _require(by, recognizer)
    cleaned = _clean(name=name, columns=columns, format=format, schedule=schedule, destination=destination,
                     folder=folder, url=url)
    secret = signing.new_secret() if sign and cleaned["destination"] == LicensureFeed.Destination.HTTPS else None
    with transaction.atomic():
        if LicensureFeed.objects.select_for_update().filter(recognizer=recognizer).count() >= MAX_FEEDS_PER_RECOGNIZER:
            raise ValidationError(_("A recognizer may have at most %(max)s licensure feeds.") % {"max": MAX_FEEDS_PER_RECOGNIZER})
        feed = LicensureFeed.objects.create(
            recognizer=recognizer, created_by=by, next_due_at=timezone.now(),
            encrypted_secret=encrypt_secret(secret.encode(), purpose=SECRET_PURPOSE) if secret else "", **cleaned)
        audit.record(actor=by, action="licensure_feed.created", target=feed,
                     data={**{k: v for k, v in cleaned.items()}, "signed": bool(secret)})
    return feed, secret


def change_feed(*, feed: LicensureFeed, name, columns, format, schedule, destination, folder="", url="", by) -> LicensureFeed:
    """Change the mapping, format, schedule or destination; audited with what changed. The secret is kept."""
    _require(by, feed.recognizer)
    cleaned = _clean(name=name, columns=columns, format=format, schedule=schedule, destination=destination,
                     folder=folder, url=url)
    with transaction.atomic():
        feed = LicensureFeed.objects.select_for_update().get(pk=feed.pk)
        changed = {k: v for k, v in cleaned.items() if getattr(feed, k) != v}
        if changed:
            for k, v in changed.items():
                setattr(feed, k, v)
            feed.save(update_fields=[*changed, "updated_at"])
            audit.record(actor=by, action="licensure_feed.changed", target=feed, data=changed)
    return feed


def _state_labels():
    return {F.ACTIVE: _("Active"), F.PAUSED: _("Paused")}


def set_paused(*, feed: LicensureFeed, paused: bool, by) -> LicensureFeed:
    """Pause (nothing is sent on schedule) or resume a feed; an illegal move is refused with a clear error."""
    _require(by, feed.recognizer)
    to = F.PAUSED if paused else F.ACTIVE
    with transaction.atomic():
        feed = LicensureFeed.objects.select_for_update().get(pk=feed.pk)
        ensure_transition(feed.state, to, FEED_MOVES, what=_("The licensure feed"), labels=_state_labels())
        feed.state = to
        feed.save(update_fields=["state", "updated_at"])
        audit.record(actor=by, action="licensure_feed.paused" if paused else "licensure_feed.resumed", target=feed)
    return feed


def request_run(*, feed: LicensureFeed, by) -> LicensureFeedRun:
    """"Send now": a waiting run a task sends (the caller enqueues it on commit). One waiting run at a time."""
    _require(by, feed.recognizer)
    with transaction.atomic():
        feed = LicensureFeed.objects.select_for_update().get(pk=feed.pk)
        if feed.runs.filter(state=R.PENDING).exists():
            raise ValidationError(_("A run of this feed is already on its way; reload in a moment to see it."))
        run = LicensureFeedRun.objects.create(feed=feed, trigger=LicensureFeedRun.Trigger.MANUAL, requested_by=by)
        audit.record(actor=by, action="licensure_feed.send_requested", target=feed, data={"run": run.pk})
    return run


# --- sending -----------------------------------------------------------------------------------------------------

def _digest(award_id, values) -> str:
    return hashlib.sha256(json.dumps([award_id, values], default=str, ensure_ascii=False).encode()).hexdigest()


def changed_rows(feed: LicensureFeed) -> tuple[list[list], list[tuple[int, str]]]:
    """The mapped rows of awards new or changed since the feed's last acknowledged run (active and withdrawn), and
    their fingerprints."""
    known = dict(feed.sent_awards.values_list("award_id", "digest"))
    rows, prints = [], []
    for award in recognition.awards_export(feed.recognizer, state=None):
        values = [award[field] for _column, field in feed.columns]
        digest = _digest(award["award_id"], values)
        if known.get(award["award_id"]) != digest:
            rows.append(values)
            prints.append((award["award_id"], digest))
    return rows, prints


def render_body(feed: LicensureFeed, rows: list[list], *, period_start, period_end) -> tuple[bytes, str]:
    """The body in the feed's format and its content type. CSV: the mapped header and cells, formula-safe; JSON: an
    object with the period and a list of rows keyed by the output columns."""
    columns = [column for column, _field in feed.columns]
    if feed.format == LicensureFeed.Format.JSON:
        body = {"recognizer": feed.recognizer.slug, "feed": feed.name,
                "period": {"start": period_start.isoformat() if period_start else None, "end": period_end.isoformat()},
                "columns": columns, "rows": [dict(zip(columns, values)) for values in rows]}
        return json.dumps(body, ensure_ascii=False, default=str).encode(), "application/json"
    import csv
    import io

    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([csv_cell(c) for c in columns])
    for values in rows:
        writer.writerow([csv_cell(v) for v in values])
    return out.getvalue().encode("utf-8"), "text/csv; charset=utf-8"


def _finish(run: LicensureFeedRun, to: str, *, prints=(), **fields) -> LicensureFeedRun:
    now = timezone.now()
    with transaction.atomic():
        run = LicensureFeedRun.objects.select_for_update().select_related("feed").get(pk=run.pk)
        ensure_transition(run.state, to, RUN_MOVES, what=_("The feed run"))
        for k, v in fields.items():
            setattr(run, k, v)
        run.state, run.finished_at = to, now
        run.save()
        feed = run.feed
        if to == R.ACKNOWLEDGED:
            LicensureFeedAward.objects.bulk_create(
                [LicensureFeedAward(feed=feed, award_id=a, digest=d, run=run) for a, d in prints],
                update_conflicts=True, unique_fields=["feed", "award_id"], update_fields=["digest", "run"], batch_size=1000)
            feed.next_due_at = now + PERIODS[feed.schedule]
        else:
            feed.next_due_at = now + RETRY_AFTER
        feed.save(update_fields=["next_due_at"])
        audit.record(actor=run.requested_by, action="licensure_feed.sent" if to == R.ACKNOWLEDGED else "licensure_feed.failed",
                     target=run, data={"feed": feed.pk, "rows": run.row_count, "checksum": run.checksum,
                                       "status_code": run.status_code, "error": run.error})
    return run


def send_run(run_id: int) -> LicensureFeedRun | None:
    """Send one waiting run: the changed rows, rendered, to the folder or the endpoint; recorded as acknowledged (file
    written, or a 2xx) or failed (with the reason). Never raises for the destination's faults."""
    run = LicensureFeedRun.objects.select_related("feed__recognizer").filter(pk=run_id, state=R.PENDING).first()
    if run is None:
        return None
    feed = run.feed
    last = feed.runs.filter(state=R.ACKNOWLEDGED).order_by("-finished_at").values_list("period_end", flat=True).first()
    period_end = timezone.now()
    rows, prints = changed_rows(feed)
    body, content_type = render_body(feed, rows, period_start=last, period_end=period_end)
    checksum = hashlib.sha256(body).hexdigest()
    sent = {"period_start": last, "period_end": period_end, "row_count": len(rows), "byte_count": len(body), "checksum": checksum}
    if feed.destination == LicensureFeed.Destination.FOLDER:
        extension = "json" if feed.format == LicensureFeed.Format.JSON else "csv"
        name = f"{feed.recognizer.slug}-{feed.pk}-{period_end:%Y%m%dT%H%M%S}-{run.pk}.{extension}"
        try:
            folder = _target_folder(feed.folder)
            temporary = folder / f".{name}.part"
            temporary.write_bytes(body)
            os.replace(temporary, folder / name)
        except ValidationError as exc:
            return _finish(run, R.FAILED, error=" ".join(exc.messages)[:500], **sent)
        except OSError as exc:
            return _finish(run, R.FAILED, error=f"{type(exc).__name__}: {exc.strerror or exc}"[:500], **sent)
        return _finish(run, R.ACKNOWLEDGED, prints=prints, file_name=f"{feed.folder}/{name}", **sent)
    headers = {"X-Microcred-Feed": str(feed.pk), "X-Microcred-Feed-Rows": str(len(rows)),
               "X-Microcred-Feed-Checksum": f"sha256={checksum}"}
    if feed.encrypted_secret:
        secret = decrypt_secret(feed.encrypted_secret, purpose=SECRET_PURPOSE).decode()
        headers.update(signing.signed_headers(secret, message_id=f"feedrun_{run.pk}", timestamp=int(time.time()),
                                              body=body.decode("utf-8")))
    try:
        outcome = transport.post(feed.url, body, headers, allow_private=allow_private(), content_type=content_type,
                                 timeout=float(getattr(settings, "MICROCRED_FEEDS_TIMEOUT", 30)),
                                 user_agent="microcred-licensure-feeds/1")
    except transport.Refused as exc:
        return _finish(run, R.FAILED, error=refusal_text(exc)[:500], **sent)
    fields = {"status_code": outcome.status_code, "response_excerpt": outcome.excerpt[:500], "error": outcome.error[:500], **sent}
    if outcome.succeeded:
        return _finish(run, R.ACKNOWLEDGED, prints=prints, **fields)
    if not outcome.error:
        fields["error"] = _("The endpoint answered %(status)s.") % {"status": outcome.status_code}
    return _finish(run, R.FAILED, **fields)


def send_due(*, now=None) -> dict:
    """Every active feed that is due (``next_due_at`` passed): a scheduled run each, sent one after the other.
    Returns ``{"feeds", "sent", "rows", "failed"}`` (feeds: how many were due)."""
    now = now or timezone.now()
    summary = {"feeds": 0, "sent": 0, "rows": 0, "failed": 0}
    due = LicensureFeed.objects.filter(state=F.ACTIVE, next_due_at__lte=now).order_by("next_due_at", "pk")
    for feed_id in list(due.values_list("pk", flat=True)):
        summary["feeds"] += 1
        with transaction.atomic():
            if LicensureFeedRun.objects.filter(feed_id=feed_id, state=R.PENDING).exists():
                continue  # a "send now" is on its way
            run = LicensureFeedRun.objects.create(feed_id=feed_id, trigger=LicensureFeedRun.Trigger.SCHEDULE)
        run = send_run(run.pk)
        if run is not None and run.state == R.ACKNOWLEDGED:
            summary["sent"] += 1
            summary["rows"] += run.row_count
        else:
            summary["failed"] += 1
    return summary
