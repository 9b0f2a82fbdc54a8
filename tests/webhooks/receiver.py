"""A webhook receiver on 127.0.0.1: a real HTTP server that keeps every POST it gets and answers
with the statuses a test gives it, in order (then 204). The network faked only at its edge."""

import json
import threading
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass(frozen=True)
class Received:
    path: str
    headers: dict
    body: bytes

    @property
    def message(self):
        return json.loads(self.body)


@dataclass
class Receiver:
    base_url: str
    requests: list = field(default_factory=list)
    answers: list = field(default_factory=list)

    @property
    def url(self):
        return f"{self.base_url}/hooks"

    @property
    def port(self):
        return int(self.base_url.rsplit(":", 1)[1])

    def answer(self, *statuses):
        """Answer the next POSTs with these statuses, in order."""
        self.answers.extend(statuses)

    def types(self, path="/hooks"):
        """The types of the messages received at `path`, in the order they came."""
        return [request.message["type"] for request in self.requests if request.path == path]


@contextmanager
def receiving():
    receiver = Receiver("")
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(receiver))
    receiver.base_url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield receiver
    finally:
        server.shutdown()
        server.server_close()


def _handler(receiver):
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            receiver.requests.append(Received(self.path, dict(self.headers.items()), body))
            status = receiver.answers.pop(0) if receiver.answers else 204
            data = b"" if status == 204 else f"answer {status}".encode()
            self.send_response(status)
            self.send_header("Content-Type", "text/plain; charset=utf-8")
            self.send_header("Content-Length", str(len(data)))
            if 300 <= status < 400:
                self.send_header("Location", "/moved")
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args):
            pass  # keep test output quiet

    return Handler
