"""The web container's health check: `python -m config.probe [/readyz]` asks the local gunicorn
over plain HTTP, exits 0 on a 200 and 1 otherwise. No Django and no curl in the image: the
standard library alone, so a probe costs milliseconds.

Django answers only for the hosts in ALLOWED_HOSTS, so the probe names the first of them.
"""

import os
import sys
import urllib.request

TIMEOUT_SECONDS = 10


def probe_request(path, environ):
    host = next((h.strip() for h in environ.get("ALLOWED_HOSTS", "").split(",") if h.strip()), "")
    host = host.lstrip(".").replace("*", "localhost") or "localhost"
    port = environ.get("PORT", "8000")
    return urllib.request.Request(f"http://127.0.0.1:{port}{path}", headers={"Host": host})


def main(argv, environ=os.environ):
    path = argv[1] if len(argv) > 1 else "/readyz"
    # No proxy from the environment: the probe talks to this container only.
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    try:
        with opener.open(probe_request(path, environ), timeout=TIMEOUT_SECONDS) as response:
            return 0 if response.status == 200 else 1
    except OSError as error:  # refused, timed out, or an HTTP error status
        print(f"{path}: {error}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
