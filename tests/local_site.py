"""A real web server on 127.0.0.1 for the checks to reach: the network faked only at its edge."""

import re
import threading
import time
from collections import Counter
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

PUBLISHER_PAGES = {
    "/support": (200, "text/html", "<h1>Support</h1>"),
    "/privacy": (200, "text/html", "<h1>Privacy policy</h1>"),
    "/terms": (200, "text/html", "<h1>Terms of use</h1>"),
    "/gone": (404, "text/html", "<h1>Not here</h1>"),
    "/broken": (500, "text/html", "<h1>Oops</h1>"),
}


# /after/<milliseconds>/<path>: the page at <path>, answered after that delay.
DELAYED = re.compile(r"^/after/(\d+)(/.*)$")


class _Server(ThreadingHTTPServer):
    # Many checking threads may connect at once: more than the default listen backlog of 5,
    # and a dropped connection attempt is retried only after a second.
    request_queue_size = 128


@contextmanager
def serve(pages=PUBLISHER_PAGES):
    """Serve `pages` (path -> (status, content type, body)); yield (base URL, hits by path).
    Any page is also served after a delay at /after/<milliseconds><path>."""
    hits = Counter()
    server = _Server(("127.0.0.1", 0), _handler(pages, hits))
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", hits
    finally:
        server.shutdown()
        server.server_close()


def allow_checks_to_reach(settings, base_url):
    """The operator setting for on-premises installs, and the test server's own port."""
    settings.URLCHECK_ALLOW_PRIVATE_NETWORKS = True
    settings.URLCHECK_ALLOWED_PORTS = (80, 443, int(base_url.rsplit(":", 1)[1]))


def _handler(pages, hits):
    class Handler(BaseHTTPRequestHandler):
        def do_HEAD(self):
            self._answer(body=False)

        def do_GET(self):
            self._answer(body=True)

        def _answer(self, body):
            hits[self.path] += 1
            path = self.path
            if delayed := DELAYED.match(path):
                time.sleep(int(delayed.group(1)) / 1000)
                path = delayed.group(2)
            status, kind, text = pages.get(path, (404, "text/html", "missing"))
            data = text.encode()
            self.send_response(status)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            if body:
                self.wfile.write(data)

        def log_message(self, *args):
            pass  # keep test output quiet

    return Handler
