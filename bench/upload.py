"""Benchmark: one large evidence upload and download through Django's real request path, measuring memory and throughput.

Usage: .venv/bin/python bench/upload.py [--size-mb N] [--storage local|s3]   (default 2048: a 2 GB lesson video)

The script configures Django with the dev settings on a throwaway data folder (migrated in a subprocess, so the
migration's memory does not blur the measurement), then pushes a multipart/form-data POST of an N MB MP4 file
through `WSGIHandler` — middleware, the multipart parser, the configured upload handlers — to a tiny view that
calls `store_upload()`. The body is generated chunk by chunk as the parser reads it and is never held in memory.
It then downloads the file through the real `download_evidence` view: from local storage the streamed response is
read chunk by chunk; on S3 the view answers a redirect to a presigned URL, which is read from the S3 server in 1 MiB
pieces. It reports the growth of the process's peak RSS across the upload and across the download (target: < 64 MB
for 2048 MB) and the throughputs, checks the stored and the downloaded bytes' SHA-256, and removes the data folder.

--storage s3 starts moto's standalone S3 server (`moto_server`, a separate process whose memory is not counted)
on a free port with its spool in the data folder, creates a bucket and sets MICROCRED_S3_BUCKET /
MICROCRED_S3_ENDPOINT_URL, so the upload is the same `store_upload()` → `S3Storage` multipart upload production runs.
Needs about N MB free on the disk of the temporary folder (local; the spooled upload is moved, not copied, into
storage), about 3 × N MB with --storage s3 (the spool, the server's parts and the assembled object).
The last line printed is JSON: {"storage": …, "file_mb": …, "peak_rss_growth_mb": … (the larger of upload and
download), "upload_peak_rss_growth_mb": …, "download_peak_rss_growth_mb": …, "mb_per_s": …, "download_mb_per_s": …}.
"""
from __future__ import annotations

import argparse
import hashlib
import io
import json
import os
import random
import resource
import shutil
import struct
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

MiB = 1024 * 1024
BOUNDARY = "----microcred-bench-" + "".join(random.Random(7).choices("abcdefghijklmnopqrstuvwxyz0123456789", k=32))
FTYP = b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom"
MOOV = struct.pack(">I", 8 + 108) + b"moov" + struct.pack(">I", 108) + b"mvhd" + bytes(100)

urlpatterns = []  # filled in by main(); this module is the bench's URLconf


def payload_blocks(payload_size: int):
    """Pseudo-random video data, 1 MiB at a time, rotated so no two blocks are equal (cheap to make, never stored)."""
    block = random.Random(42).randbytes(MiB)
    sent, i = 0, 0
    while sent < payload_size:
        shift = (i * 7919) % MiB
        chunk = block[shift:] + block[:shift]
        chunk = chunk[: payload_size - sent]
        sent += len(chunk)
        i += 1
        yield chunk


def file_parts(file_size: int):
    """The uploaded file: an MP4 (ftyp, moov, then an mdat box holding the rest), exactly file_size bytes."""
    payload_size = file_size - len(FTYP) - len(MOOV) - 8
    yield FTYP + MOOV + struct.pack(">I", 8 + payload_size) + b"mdat"
    yield from payload_blocks(payload_size)


class GeneratedBody:
    """wsgi.input that produces the multipart body on the fly: only the current piece is in memory."""

    def __init__(self, file_size: int):
        head = (f"--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"note\"\r\n\r\nLesson 3, second period\r\n"
                f"--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"lesson.mp4\"\r\n"
                f"Content-Type: video/mp4\r\n\r\n").encode()
        tail = f"\r\n--{BOUNDARY}--\r\n".encode()
        self.length = len(head) + file_size + len(tail)
        self._pieces = self._chain(head, file_parts(file_size), tail)
        self._buffer = memoryview(b"")

    @staticmethod
    def _chain(head, middle, tail):
        yield head
        yield from middle
        yield tail

    def read(self, size: int = -1) -> bytes:
        if size is None or size < 0:
            raise ValueError("the bench body is only read in bounded pieces")
        while not self._buffer:
            piece = next(self._pieces, None)
            if piece is None:
                return b""
            self._buffer = memoryview(piece)
        out, self._buffer = self._buffer[:size], self._buffer[size:]
        return bytes(out)

    readline = read


def reset_peak_rss() -> bool:
    """Reset the kernel's peak-RSS mark (Linux), so the peak after the upload is the upload's own.

    Memory freed earlier is first handed back to the system (glibc's malloc_trim), so a phase that reuses it still
    shows as growth."""
    try:
        import ctypes

        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):
        pass
    try:
        Path("/proc/self/clear_refs").write_text("5")
        return True
    except OSError:
        return False


def rss_mb() -> tuple[float, float]:
    """(current RSS, peak RSS) of this process in MB, from /proc when there is one."""
    status = Path("/proc/self/status")
    if status.exists():
        fields = dict(line.split(":", 1) for line in status.read_text().splitlines() if ":" in line)
        return int(fields["VmRSS"].split()[0]) / 1024, int(fields["VmHWM"].split()[0]) / 1024
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return peak, peak


def free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_moto(data_dir: Path) -> tuple[subprocess.Popen, str]:
    """moto's S3 server in its own process (its memory is not ours), spooling to the data folder; (process, URL)."""
    import socket

    port = free_port()
    spool = data_dir / "moto-tmp"
    spool.mkdir()
    binary = Path(sys.executable).with_name("moto_server")
    command = [str(binary)] if binary.exists() else [sys.executable, "-m", "moto.server"]
    log = open(data_dir / "moto.log", "wb")  # noqa: SIM115 — the server writes to it until it stops
    process = subprocess.Popen([*command, "-H", "127.0.0.1", "-p", str(port)], env={**os.environ, "TMPDIR": str(spool)},
                               stdout=log, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return process, f"http://127.0.0.1:{port}"
        except OSError:
            time.sleep(0.1)
    process.kill()
    sys.exit("moto_server did not start")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--size-mb", type=int, default=2048)
    parser.add_argument("--storage", choices=("local", "s3"), default="local")
    args = parser.parse_args()
    file_size = args.size_mb * MiB

    data_dir = Path(tempfile.mkdtemp(prefix="microcred-bench-upload-"))
    env = {**os.environ, "MICROCRED_DATA_DIR": str(data_dir), "DJANGO_SETTINGS_MODULE": "microcred.settings.dev"}
    moto = None
    try:
        free = shutil.disk_usage(data_dir).free
        need = file_size * (3.2 if args.storage == "s3" else 1.2)
        if free < need:
            sys.exit(f"Not enough disk in {data_dir.parent}: {free // MiB} MB free, need ~{int(need) // MiB} MB.")
        if args.storage == "s3":
            moto, endpoint = start_moto(data_dir)
            env.update({"MICROCRED_S3_BUCKET": "microcred-bench", "MICROCRED_S3_ENDPOINT_URL": endpoint,
                        "MICROCRED_S3_REGION": "us-east-1", "AWS_ACCESS_KEY_ID": "bench", "AWS_SECRET_ACCESS_KEY": "bench"})
            import boto3

            boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1", aws_access_key_id="bench",
                         aws_secret_access_key="bench").create_bucket(Bucket="microcred-bench")
        subprocess.run([sys.executable, "-m", "microcred.manage", "migrate", "--skip-checks", "--verbosity", "0"], env=env, cwd=ROOT, check=True)
        os.environ.update(env)
        run(file_size, data_dir, args.storage)
    finally:
        if moto is not None:
            moto.terminate()
            moto.wait(timeout=30)
        shutil.rmtree(data_dir, ignore_errors=True)


def run(file_size: int, data_dir: Path, storage: str) -> None:
    import django
    from django.conf import settings

    django.setup()
    from django.core.files.storage import default_storage
    from django.core.handlers.wsgi import WSGIHandler
    from django.http import HttpResponse, JsonResponse
    from django.urls import path
    from django.views.decorators.csrf import csrf_exempt

    from microcred.accounts.models import User
    from microcred.earning.models import EvidenceFile
    from microcred.earning.uploads import open_evidence, store_upload, upload_refusal
    from microcred.earning.views_files import download_evidence

    owner = User.objects.create(username="bench-earner")  # no password: hashing one (argon2) would raise the peak RSS

    @csrf_exempt
    def upload_view(request):
        refusal = upload_refusal(request) if "file" not in request.FILES else None
        if refusal or "file" not in request.FILES:
            return HttpResponse(refusal or "no file", status=400)
        evidence_file = store_upload(uploaded_file=request.FILES["file"], owner=owner, expected_kinds={"video"})
        return JsonResponse({"id": str(evidence_file.pk), "size": evidence_file.size, "note": request.POST.get("note")})

    def download_view(request, file_id):
        request.user = owner  # the uploader: the real view's permission check passes
        return download_evidence(request, file_id=file_id)

    urlpatterns[:] = [path("upload", upload_view), path("files/<uuid:file_id>/", download_view)]
    settings.ROOT_URLCONF = __name__
    app = WSGIHandler()

    def environ_for(method: str, path_info: str, body=None) -> dict:
        environ = {"REQUEST_METHOD": method, "PATH_INFO": path_info, "SCRIPT_NAME": "", "QUERY_STRING": "",
                   "SERVER_NAME": "localhost", "SERVER_PORT": "8000", "HTTP_HOST": "localhost", "REMOTE_ADDR": "127.0.0.1",
                   "wsgi.input": body or io.BytesIO(b""), "wsgi.url_scheme": "http", "wsgi.errors": sys.stderr,
                   "wsgi.version": (1, 0), "wsgi.multithread": False, "wsgi.multiprocess": False, "wsgi.run_once": False}
        if body is not None:
            environ.update({"CONTENT_TYPE": f"multipart/form-data; boundary={BOUNDARY}", "CONTENT_LENGTH": str(body.length)})
        return environ

    def post(size: int) -> tuple[int, bytes]:
        status = []
        response = app(environ_for("POST", "/upload", GeneratedBody(size)), lambda s, headers, exc_info=None: status.append(s))
        try:
            content = b"".join(response)
        finally:
            response.close()  # closes the request: its spooled temporary file is released
        return int(status[0].split()[0]), content

    def download(file_id: str) -> tuple[str, int]:
        """Fetch the file as a browser would: (SHA-256, bytes), read in bounded pieces (never joined)."""
        answer = {}
        response = app(environ_for("GET", f"/files/{file_id}/"),
                       lambda s, headers, exc_info=None: answer.update(status=int(s.split()[0]), headers=dict(headers)))
        digest, size = hashlib.sha256(), 0
        try:
            if answer["status"] == 302:  # object storage: a presigned URL, read from the S3 server
                with urllib.request.urlopen(answer["headers"]["Location"], timeout=60) as remote:
                    assert "attachment" in remote.headers["Content-Disposition"], remote.headers
                    while chunk := remote.read(MiB):
                        digest.update(chunk)
                        size += len(chunk)
            else:
                assert answer["status"] == 200, answer
                for chunk in response:
                    digest.update(chunk)
                    size += len(chunk)
        finally:
            response.close()
        return digest.hexdigest(), size

    # Warm up (imports, first queries, the spool folder, the S3 client) with a small upload and download, then
    # measure the large one.
    code, content = post(16 * MiB)
    assert code == 200, content
    download(json.loads(content)["id"])
    reset = reset_peak_rss()
    rss_before, peak_before = rss_mb()
    maxrss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    started = time.perf_counter()
    code, content = post(file_size)
    seconds = time.perf_counter() - started
    rss_after, peak_after = rss_mb()
    maxrss_after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    if code != 200:
        server_log = data_dir / "moto.log"
        if server_log.exists():  # the S3 server's side of the story
            print("\n".join(line for line in server_log.read_text(errors="replace").splitlines()[-40:] if " - - [" not in line))
        sys.exit(f"Upload refused ({code}): {content.decode(errors='replace')[:2000]}")
    answer = json.loads(content)

    evidence_file = EvidenceFile.objects.get(pk=answer["id"])
    expected = hashlib.sha256()
    for part in file_parts(file_size):
        expected.update(part)
    stored = hashlib.sha256()
    with open_evidence(evidence_file) as f:
        while chunk := f.read(8 * MiB):
            stored.update(chunk)
    assert evidence_file.size == file_size and evidence_file.sha256 == expected.hexdigest() == stored.hexdigest(), "bytes differ"
    spool = Path(settings.FILE_UPLOAD_TEMP_DIR)
    leftovers = list(spool.iterdir()) if spool.exists() else []

    # VmHWM was reset just before the upload; ru_maxrss cannot be reset, so it is only a fallback.
    growth = peak_after - peak_before if reset else maxrss_after - maxrss_before
    file_mb = file_size / MiB
    print(f"storage: {storage} ({type(default_storage._wrapped).__name__})")
    print(f"uploaded {file_mb:.0f} MB as {evidence_file.content_type} ({evidence_file.kind}) in {seconds:.1f} s: {file_mb / seconds:.0f} MB/s")
    print(f"RSS {rss_before:.0f} MB → {rss_after:.0f} MB; peak {peak_before:.0f} MB → {peak_after:.0f} MB "
          f"(ru_maxrss {maxrss_before:.0f} → {maxrss_after:.0f} MB); growth of the peak {growth:.1f} MB")
    print(f"sha256 verified ({evidence_file.sha256[:16]}…); note field kept: {answer['note']!r}; "
          f"temporary files left in the spool: {len(leftovers)}")

    reset = reset_peak_rss()
    rss_before, peak_before = rss_mb()
    maxrss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    started = time.perf_counter()
    downloaded_sha256, downloaded_size = download(answer["id"])
    download_seconds = time.perf_counter() - started
    rss_after, peak_after = rss_mb()
    maxrss_after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    assert downloaded_size == file_size and downloaded_sha256 == evidence_file.sha256, "downloaded bytes differ"
    download_growth = peak_after - peak_before if reset else maxrss_after - maxrss_before
    print(f"downloaded {file_mb:.0f} MB in {download_seconds:.1f} s: {file_mb / download_seconds:.0f} MB/s; "
          f"peak {peak_before:.0f} MB → {peak_after:.0f} MB; growth of the peak {download_growth:.1f} MB; sha256 verified")
    print(json.dumps({"storage": storage, "file_mb": round(file_mb),
                      "peak_rss_growth_mb": round(max(growth, download_growth), 1),
                      "upload_peak_rss_growth_mb": round(growth, 1), "download_peak_rss_growth_mb": round(download_growth, 1),
                      "mb_per_s": round(file_mb / seconds, 1), "download_mb_per_s": round(file_mb / download_seconds, 1)}))


if __name__ == "__main__":
    main()
