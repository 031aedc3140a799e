"""A real HTTP receiver for the webhook tests: http.server in a thread on 127.0.0.1 (an ephemeral port), recording
every request; it answers ``status`` (200 by default) and stops when the test ends."""
from __future__ import annotations

import threading
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@contextmanager
def receiver(status: int = 200):
    received: list[dict] = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802 (http.server's name)
            length = int(self.headers.get("Content-Length") or 0)
            received.append({"path": self.path, "headers": {k.lower(): v for k, v in self.headers.items()},
                             "body": self.rfile.read(length)})
            self.send_response(status)
            self.send_header("Content-Type", "text/plain")
            self.end_headers()
            self.wfile.write(b"ok" if status < 300 else b"receiver is broken")

        def log_message(self, *args):  # quiet
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/hooks/microcred", received
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
