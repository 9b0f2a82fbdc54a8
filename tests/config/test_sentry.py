"""Error reporting is optional: without SENTRY_DSN nothing is loaded; with one, an error line of
the portal reaches the collector (here a local HTTP server standing in for Sentry)."""

import gzip
import http.server
import subprocess
import sys
import threading
from contextlib import contextmanager

from tests.config.subprocesses import PROJECT_ROOT, bare_environment

# Whether settings loaded sentry-sdk (before this command imports it), and whether it reports.
SEND_AN_ERROR = (
    "import sys; loaded = 'sentry_sdk' in sys.modules; "
    "import logging, sentry_sdk; "
    "logging.getLogger('offers.checks.rounds').error('The store refused check %s', 42); "
    "sentry_sdk.flush(10); "
    "print(loaded, sentry_sdk.get_client().is_active())"
)


def decoded(body, encoding):
    """The SDK compresses with brotli when the module is installed (locust brings it), else
    with gzip."""
    if encoding == "br":
        import brotli  # noqa: PLC0415 - only there when the SDK chose it

        return brotli.decompress(body)
    return gzip.decompress(body) if encoding == "gzip" else body


@contextmanager
def collector():
    """An HTTP server on 127.0.0.1 that keeps the bodies POSTed to it."""
    received = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers["Content-Length"]))
            body = decoded(body, self.headers.get("Content-Encoding"))
            received.append((self.path, body.decode(errors="replace")))
            self.send_response(200)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server.server_address[1], received
    finally:
        server.shutdown()
        server.server_close()


def run_shell(tmp_path, **env):
    return subprocess.run(
        [sys.executable, "manage.py", "shell", "--no-imports", "-c", SEND_AN_ERROR],
        cwd=PROJECT_ROOT,
        env=bare_environment(DEBUG="1", VAR_DIR=str(tmp_path), **env),
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_without_a_dsn_nothing_is_loaded_and_nothing_is_sent(tmp_path):
    result = run_shell(tmp_path)

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "False False"


def test_with_a_dsn_an_error_line_reaches_the_collector(tmp_path):
    with collector() as (port, received):
        result = run_shell(
            tmp_path,
            SENTRY_DSN=f"http://publickey@127.0.0.1:{port}/7",
            SENTRY_ENVIRONMENT="test",
        )

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "True True"
    [(path, body)] = received
    assert path == "/api/7/envelope/"
    assert "The store refused check 42" in body
    assert '"environment":"test"' in body
