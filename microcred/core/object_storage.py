"""Private files (evidence, personal-data and research exports) on S3-compatible object storage (decision 0041).

``storage_settings(bucket=…)`` is ``settings.STORAGES["default"]``: Django's file-system storage in the data folder
when no bucket is named (the embedded default: nothing to run), django-storages' ``S3Storage`` on that bucket
otherwise: private objects (no public URL ever works), never overwritten, read and written in bounded pieces.

Every private file goes through ``default_storage`` and the two helpers here, so there is one storage abstraction:

* ``open_stored(name)`` — the bytes as a file to read in pieces. On S3 it is the object's HTTP body, streamed
  (django-storages' own ``open()`` would first copy the object into a temporary file).
* ``download_response(name, filename=…, content_type=…)`` — what a view returns *after* its permission check: the
  file streamed by Django in chunks from local storage, or on S3 a redirect to a presigned URL that lives
  ``MICROCRED_S3_DOWNLOAD_SECONDS`` (60 s), carries Content-Disposition: attachment and the sniffed type, and cannot be
  reused once expired. No web worker carries the bytes of a download from S3.
"""
from __future__ import annotations

import io

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.files.storage import default_storage
from django.http import FileResponse, HttpResponseRedirect
from django.utils.http import content_disposition_header

S3_BACKEND = "storages.backends.s3.S3Storage"
MiB = 1024 * 1024
# Multipart pieces of 8 MiB, at most two in flight and three read ahead: an upload of any size holds ~24 MiB.
PART_BYTES = 8 * MiB


def storage_settings(*, bucket: str = "", endpoint_url: str = "", region: str = "", prefix: str = "",
                     addressing_style: str = "", download_seconds: int = 60) -> dict:
    """``settings.STORAGES["default"]``: the file system when ``bucket`` is empty, that S3 bucket otherwise.

    Credentials are not settings: boto3 finds them itself (AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY, a profile,
    or the machine's role), so they never sit in a settings dump."""
    bucket = (bucket or "").strip()
    if not bucket:
        return {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    if download_seconds < 1 or download_seconds > 3600:
        raise ImproperlyConfigured("MICROCRED_S3_DOWNLOAD_SECONDS must be between 1 and 3600.")
    from boto3.s3.transfer import TransferConfig  # only when S3 is configured: the embedded default never loads boto3

    options = {
        "bucket_name": bucket,
        "default_acl": "private",          # every object private; reads only through presigned URLs
        "querystring_auth": True,          # url() is always signed …
        "querystring_expire": download_seconds,  # … and short-lived
        "signature_version": "s3v4",       # SigV4 presigning (botocore would still presign some regions with SigV2)
        "file_overwrite": False,           # same as the file system: a name in use is never replaced
        "location": prefix.strip("/"),
        "max_memory_size": 8 * MiB,        # S3Storage.open() spills to a temporary file past 8 MiB, never all in RAM
        "object_parameters": {"CacheControl": "private, no-store"},
        "transfer_config": _transfer_config(TransferConfig),
    }
    if endpoint_url:
        options["endpoint_url"] = endpoint_url.strip()
    if region:
        options["region_name"] = region.strip()
    if addressing_style:
        options["addressing_style"] = addressing_style.strip()
    return {"BACKEND": S3_BACKEND, "OPTIONS": options}


def _transfer_config(config_class):
    config = config_class(multipart_threshold=PART_BYTES, multipart_chunksize=PART_BYTES, max_concurrency=2)
    # Not constructor arguments of boto3's TransferConfig, but read by s3transfer's TransferManager.
    config.max_in_memory_upload_chunks = 3
    config.max_in_memory_download_chunks = 3
    return config


def on_object_storage() -> bool:
    """Whether private files live in an S3 bucket (and downloads are presigned redirects)."""
    return settings.STORAGES["default"]["BACKEND"] == S3_BACKEND


def _object_key(storage, name: str) -> str:
    from storages.utils import clean_name

    return storage._normalize_name(clean_name(name))  # the bucket key, with AWS_LOCATION/prefix applied


def open_stored(name: str):
    """The stored bytes of ``name`` as a binary file to read in pieces (the caller closes it).

    FileNotFoundError when there is no such file. On S3 the object's body is streamed over HTTP, never copied
    whole into memory or onto the disk first."""
    if not on_object_storage():
        return default_storage.open(name, "rb")
    from botocore.exceptions import ClientError

    try:
        answer = default_storage.connection.meta.client.get_object(Bucket=default_storage.bucket_name,
                                                                   Key=_object_key(default_storage, name))
    except ClientError as error:
        if error.response.get("Error", {}).get("Code") in ("NoSuchKey", "404", "NotFound"):
            raise FileNotFoundError(name) from None
        raise
    return io.BufferedReader(_BodyReader(answer["Body"]), buffer_size=1 * MiB)


class _BodyReader(io.RawIOBase):
    """botocore's streaming body as a raw file (readinto), so io.BufferedReader gives it the full file API."""

    def __init__(self, body):
        self._body = body

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        data = self._body.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)

    def close(self):
        if not self.closed:
            self._body.close()
        super().close()


def signed_download_url(name: str, *, filename: str, content_type: str) -> str:
    """A presigned GET of ``name`` that expires after MICROCRED_S3_DOWNLOAD_SECONDS: the browser saves the file
    under ``filename`` (attachment), typed ``content_type``, never cached. Only for object storage."""
    return default_storage.url(name, parameters={
        "ResponseContentDisposition": content_disposition_header(True, filename),
        "ResponseContentType": content_type,
        "ResponseCacheControl": "private, no-store",
    }, expire=getattr(settings, "MICROCRED_S3_DOWNLOAD_SECONDS", 60))


def download_response(name: str, *, filename: str, content_type: str):
    """The response that hands a private file to someone a view has already allowed to have it.

    Local storage: the file streamed as an attachment in chunks. Object storage: a redirect to a short-lived
    presigned URL. FileNotFoundError when the file is not in storage (one HEAD request on S3)."""
    if on_object_storage():
        if not default_storage.exists(name):
            raise FileNotFoundError(name)
        response = HttpResponseRedirect(signed_download_url(name, filename=filename, content_type=content_type))
        response["Referrer-Policy"] = "no-referrer"  # the signed address goes nowhere else
    else:
        response = FileResponse(open_stored(name), as_attachment=True, filename=filename, content_type=content_type)
    response["Cache-Control"] = "private, no-store"
    return response
