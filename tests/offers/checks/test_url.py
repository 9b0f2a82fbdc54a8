"""URL checks against a real HTTP(S) server on 127.0.0.1; only DNS answers are made up."""

import itertools
import shutil
import socket
import ssl
import subprocess
import threading
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, quote, urlsplit

import pytest

from offers.checks.url import check_url, is_public_address, resolve

NOT_REACHABLE = "This address is not reachable from the internet."
NOT_FOUND = (
    "The host name %s could not be found. Check the address for typing mistakes; "
    "if it is right, try again later."
)
NOT_PRIVACY = "This page does not mention privacy; check that it is the privacy policy."
CERTIFICATE = (
    "The security certificate of %s is not valid (for example expired, self-signed or issued "
    "for another name). The site needs a valid certificate for this name."
)
PAGE = b"<html><head><title>Privacy policy</title></head><body>We keep little.</body></html>"
ONE_MB = 1024 * 1024


class Scenarios(BaseHTTPRequestHandler):
    """Serves one scenario per path and records every request it gets."""

    def do_HEAD(self):
        self.serve()

    def do_GET(self):
        self.serve()

    def serve(self):
        self.server.requests.append((self.command, self.path, self.headers["Host"]))
        path = urlsplit(self.path).path
        if path.startswith("/chain/"):
            return self.chain(int(path.removeprefix("/chain/")))
        return getattr(self, "page_" + path.strip("/").replace("-", "_"), self.page_missing)()

    def send(self, status, body=b"", content_type="text/html; charset=utf-8", **headers):
        self.send_response(status)
        if content_type:
            self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for name, value in headers.items():
            self.send_header(name, value)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def page_page(self):
        self.send(200, PAGE)

    def page_missing(self):
        self.send(404, b"<html>Not here</html>")

    def page_broken(self):
        self.send(500, b"<html>Oops</html>")

    def page_slow(self):
        self.server.hang_up.wait(5)
        self.send(200, PAGE)

    def page_dribble(self):
        # Each byte comes well within any read timeout; only a deadline for the whole check helps.
        # It ends after 3 s, so that a check without that deadline fails instead of hanging.
        self.wfile.write(b"HTTP/1.0 200 OK\r\nX-Padding: ")
        for _byte in range(60):
            if self.server.hang_up.wait(0.05):
                return
            self.wfile.write(b"x")
            self.wfile.flush()
        self.wfile.write(b"\r\nContent-Length: 0\r\n\r\n")

    def chain(self, hops_left):
        if hops_left == 0:
            return self.page_page()
        # Relative, so each hop also shows that Location is read against the current URL.
        self.send(302, Location=str(hops_left - 1))

    def page_to_metadata(self):
        self.send(302, Location="http://169.254.169.254/latest/meta-data/")

    def page_to_ftp(self):
        self.send(302, Location="ftp://files.example/terms.pdf")

    def page_large(self):
        self.send(200, b"<html><body>" + b"x" * (ONE_MB - 12))

    def page_late_privacy(self):
        self.send(200, b"<html><body>" + b"x" * 300_000 + b"privacy")

    def page_no_head(self):
        if self.command == "HEAD":
            return self.send(405, Allow="GET")
        return self.page_page()

    def page_say(self):
        text = parse_qs(urlsplit(self.path).query)["text"][0]
        self.send(200, f"<html><body>{text}</body></html>".encode())

    def page_image(self):
        self.send(200, b"\x89PNG\r\n\x1a\n", content_type="image/png")

    def page_pdf(self):
        self.send(200, b"%PDF-1.4\n%%EOF\n", content_type="application/pdf")

    def page_untyped(self):
        self.send(200, b"<html></html>", content_type=None)

    def log_message(self, format, *args):
        pass


class Site(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self):
        super().__init__(("127.0.0.1", 0), Scenarios)
        self.requests = []
        self.hang_up = threading.Event()

    @property
    def port(self):
        return self.server_address[1]

    def url(self, path, host="127.0.0.1", scheme="http"):
        return f"{scheme}://{host}:{self.port}{path}"

    def handle_error(self, request, client_address):
        pass  # Clients hang up on purpose here: the body cap, the timeout, a refused certificate.


@contextmanager
def serving(tls_context=None):
    site = Site()
    if tls_context:
        site.socket = tls_context.wrap_socket(site.socket, server_side=True)
    thread = threading.Thread(target=site.serve_forever, kwargs={"poll_interval": 0.05})
    thread.start()
    try:
        yield site
    finally:
        site.hang_up.set()
        site.shutdown()
        site.server_close()
        thread.join()


class FakeDns:
    """Answers from a table and remembers every question."""

    def __init__(self, table=None):
        self.table = table or {}
        self.lookups = []

    def __call__(self, host, port):
        self.lookups.append((host, port))
        if host not in self.table:
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        return self.table[host]


@pytest.fixture(autouse=True)
def _strict_by_default(settings):
    settings.URLCHECK_ALLOW_PRIVATE_NETWORKS = False


@pytest.fixture
def site():
    with serving() as site:
        yield site


@pytest.fixture
def dns():
    return FakeDns({"intranet.example": ["10.0.0.1"], "mixed.example": ["8.8.8.8", "10.0.0.1"]})


@pytest.fixture
def connections(monkeypatch):
    """Every TCP connection the check opens, by address."""
    opened = []
    real = socket.create_connection

    def counting(address, *args, **kwargs):
        opened.append(address)
        return real(address, *args, **kwargs)

    monkeypatch.setattr("offers.checks.url.socket.create_connection", counting)
    return opened


def check_local(site, path, kind="support", **options):
    """Check a page of the local server, which needs private networks and its own port."""
    options = {
        "allow_private": True,
        "ports": (80, 443, site.port),
        "resolver": FakeDns(),
    } | options
    return check_url(site.url(path), kind=kind, **options)


def without_timing(details):
    return {name: value for name, value in details.items() if name != "elapsed_ms"}


# --- Answers from a reachable server ---------------------------------------------------------


def test_a_reachable_page_passes_with_what_was_checked(site):
    result = check_local(site, "/page")

    assert (result.outcome, result.message, result.warnings) == (
        "passed",
        "The page answered 200 OK.",
        (),
    )
    assert without_timing(result.details) == {
        "status_code": 200,
        "final_url": site.url("/page"),
        "redirects": [],
        "content_type": "text/html",
        "addresses": ["127.0.0.1"],
        "method": "HEAD",
        "body_bytes": 0,
        "transient": False,
    }
    assert type(result.details["elapsed_ms"]) is int


def test_a_named_host_is_asked_at_its_checked_address_under_its_own_name(site, connections):
    resolver = FakeDns({"shop.example": ["127.0.0.1"]})
    url = site.url("/page", host="shop.example")

    result = check_url(
        url, kind="support", allow_private=True, ports=(80, site.port), resolver=resolver
    )

    assert result.outcome == "passed"
    assert resolver.lookups == [("shop.example", site.port)]
    assert connections == [("127.0.0.1", site.port)]
    assert site.requests == [("HEAD", "/page", f"shop.example:{site.port}")]


def test_a_missing_page_fails_with_its_status(site):
    result = check_local(site, "/missing")

    assert (result.outcome, result.message) == (
        "failed",
        "The page answered 404 Not Found. Check that the address is right and the page is public.",
    )
    assert (result.details["status_code"], result.details["transient"]) == (404, False)


def test_a_server_error_fails_and_is_marked_transient(site):
    result = check_local(site, "/broken")

    assert (result.outcome, result.message) == (
        "failed",
        "The site answered 500 Internal Server Error, an error on its side. "
        "Try again later, or ask the site's administrators.",
    )
    assert (result.details["status_code"], result.details["transient"]) == (500, True)


def test_a_page_slower_than_the_whole_check_may_take_is_a_transient_error(site):
    result = check_local(site, "/slow", total_timeout=0.5)

    assert (result.outcome, result.message) == (
        "error",
        "The site 127.0.0.1 did not answer in time. "
        "Try again later; if this keeps happening, check that the site is up.",
    )
    assert result.details["transient"] is True
    assert result.details["elapsed_ms"] < 1500


def test_a_server_dribbling_its_answer_is_cut_off_at_the_deadline(site):
    result = check_local(site, "/dribble", total_timeout=0.5)

    assert result.outcome == "error"
    assert result.details["elapsed_ms"] < 1500


def test_the_deadline_is_read_from_the_given_clock(site, connections):
    clock = itertools.chain([0.0], itertools.repeat(100.0)).__next__

    result = check_local(site, "/page", clock=clock)

    assert (result.outcome, result.details["elapsed_ms"]) == ("error", 100_000)
    assert connections == []


def test_head_refused_with_405_is_asked_again_with_get(site):
    result = check_local(site, "/no-head")

    assert (result.outcome, result.details["method"]) == ("passed", "GET")
    assert [request[:2] for request in site.requests] == [("HEAD", "/no-head"), ("GET", "/no-head")]


def test_a_body_larger_than_the_cap_is_read_only_up_to_the_cap(site):
    result = check_local(site, "/large", kind="terms")

    assert (result.outcome, result.details["body_bytes"]) == ("passed", 256 * 1024)


def test_privacy_mentioned_only_past_the_cap_is_not_seen(site):
    result = check_local(site, "/late-privacy", kind="privacy")

    assert (result.outcome, result.warnings) == ("passed", (NOT_PRIVACY,))


# --- Redirects -------------------------------------------------------------------------------


def test_five_redirects_are_followed_to_the_page(site):
    result = check_local(site, "/chain/5")

    assert result.outcome == "passed"
    assert result.details["redirects"] == [site.url(f"/chain/{hop}") for hop in (4, 3, 2, 1, 0)]
    assert result.details["final_url"] == site.url("/chain/0")


def test_a_sixth_redirect_fails_without_being_followed(site):
    result = check_local(site, "/chain/6")

    assert (result.outcome, result.message) == (
        "failed",
        "This address redirects too many times (more than 5); link to the page itself.",
    )
    assert (result.details["final_url"], result.details["status_code"]) == (
        site.url("/chain/1"),
        302,
    )
    assert [path for _method, path, _host in site.requests][-1] == "/chain/1"


def test_a_redirect_to_the_metadata_address_is_refused_and_never_contacted(site, connections):
    resolver = FakeDns({"public.example": ["127.0.0.1"]})

    result = check_url(
        site.url("/to-metadata", host="public.example"),
        kind="support",
        resolver=resolver,
        # Only the local server counts as the internet; the strict rule judges everything else.
        is_public=lambda ip: str(ip) == "127.0.0.1" or is_public_address(ip),
        ports=(80, 443, site.port),
    )

    assert (result.outcome, result.message) == ("failed", NOT_REACHABLE)
    assert result.details["final_url"] == "http://169.254.169.254/latest/meta-data/"
    assert result.details["addresses"] == ["169.254.169.254"]
    assert connections == [("127.0.0.1", site.port)]


def test_a_redirect_meets_the_scheme_rule_too(site):
    result = check_local(site, "/to-ftp")

    assert (result.outcome, result.message) == (
        "failed",
        "Only web addresses starting with http:// or https:// can be checked.",
    )
    assert result.details["final_url"] == "ftp://files.example/terms.pdf"


# --- What a policy page must be --------------------------------------------------------------


def test_a_privacy_policy_is_fetched_with_get_and_passes(site):
    result = check_local(site, "/page", kind="privacy")

    assert (result.outcome, result.warnings, result.details["method"]) == ("passed", (), "GET")
    assert result.details["body_bytes"] == len(PAGE)


def test_a_privacy_page_that_never_mentions_privacy_passes_with_a_warning(site):
    result = check_local(site, "/say?text=We+use+cookies", kind="privacy")

    assert (result.outcome, result.warnings) == ("passed", (NOT_PRIVACY,))


@pytest.mark.parametrize(
    "text",
    [
        "PRIVACY NOTICE",
        "Privacybeleid",
        "Datenschutzerklärung",
        "隱私權政策",
        "Política de privacidad",
    ],
)
def test_privacy_named_in_other_languages_or_cases_needs_no_warning(site, text):
    result = check_local(site, f"/say?text={quote(text)}", kind="privacy")

    assert (result.outcome, result.warnings) == ("passed", ())


def test_a_privacy_policy_as_pdf_passes(site):
    result = check_local(site, "/pdf", kind="privacy")

    assert (result.outcome, result.warnings, result.details["content_type"]) == (
        "passed",
        (),
        "application/pdf",
    )


def test_terms_served_as_an_image_fail_on_their_content_type(site):
    result = check_local(site, "/image", kind="terms")

    assert (result.outcome, result.message) == (
        "failed",
        "This address serves image/png; it must be a web page (HTML) or a PDF document.",
    )


def test_terms_without_a_content_type_fail(site):
    result = check_local(site, "/untyped", kind="terms")

    assert (result.outcome, result.message) == (
        "failed",
        "This page does not say what kind of document it is; "
        "it must be a web page (HTML) or a PDF document.",
    )


# --- Refused before any connection -----------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1/",
        "http://localhost./",
        "http://app.localhost/",
        "http://0.0.0.0/",
        "http://[::1]/",
        "http://[::]/",
        "http://[::ffff:127.0.0.1]/",
        "http://2130706433/",
        "http://0177.0.0.1/",
        "http://0x7f.0.0.1/",
        "http://0x7f.1/",
        "http://169.254.169.254/latest/meta-data/",
        "http://[::ffff:169.254.169.254]/",
        "http://[64:ff9b::a9fe:a9fe]/",
        "http://[2002:7f00:1::]/",
        "http://10.0.0.1/",
        "http://192.168.1.1/",
        "http://100.64.0.1/",
        "http://224.0.0.1/",
        "http://[fe80::1]/",
        "https://[fc00::1]/",
    ],
)
def test_an_address_off_the_internet_is_refused_without_lookup_or_connection(url, dns, connections):
    result = check_url(url, kind="support", resolver=dns)

    assert (result.outcome, result.message) == ("failed", NOT_REACHABLE)
    assert (dns.lookups, connections) == ([], [])


@pytest.mark.parametrize("host", ["intranet.example", "mixed.example"])
def test_a_name_with_any_private_address_is_refused_without_connection(host, dns, connections):
    result = check_url(f"http://{host}/privacy", kind="privacy", resolver=dns)

    assert (result.outcome, result.message) == ("error", NOT_FOUND % host)
    assert (dns.lookups, connections) == ([(host, 80)], [])
    # The reviewers see what was found; the publisher reads only the message.
    assert result.details["addresses"] == dns.table[host]


@pytest.mark.parametrize("inside", ["10.0.0.1", "192.168.1.20", "169.254.169.254", "fd00::5"])
def test_a_name_inside_our_network_reads_exactly_like_a_name_that_does_not_exist(inside):
    dns = FakeDns({"inside.example": [inside]})

    inside_result = check_url("https://inside.example/help", kind="support", resolver=dns)
    missing = check_url("https://nowhere.example/help", kind="support", resolver=dns)

    assert (inside_result.outcome, inside_result.message.replace("inside", "nowhere")) == (
        missing.outcome,
        missing.message,
    )
    assert inside_result.details["transient"] == missing.details["transient"]


def test_an_address_typed_as_such_keeps_the_plain_answer(dns):
    result = check_url("http://10.0.0.1/privacy", kind="privacy", resolver=dns)

    assert (result.outcome, result.message) == ("failed", NOT_REACHABLE)


@pytest.mark.parametrize(
    ("url", "message"),
    [
        (
            "http://user@example.com/",
            "This address contains a user name or password; remove the part before “@”.",
        ),
        (
            "http://user:secret@127.0.0.1/",
            "This address contains a user name or password; remove the part before “@”.",
        ),
        (
            "file:///etc/passwd",
            "Only web addresses starting with http:// or https:// can be checked.",
        ),
        (
            "gopher://127.0.0.1/",
            "Only web addresses starting with http:// or https:// can be checked.",
        ),
        ("www.example.com", "Only web addresses starting with http:// or https:// can be checked."),
        (
            "http://example.com:8080/",
            "This address uses port 8080; only the standard ports 80 (http) and 443 (https) "
            "can be checked. Remove “:8080” from the address.",
        ),
        ("http://example.com:http/", "The port in this address is not a valid number."),
        (
            "http://exa mple.com/",
            "This address contains spaces or control characters; remove them.",
        ),
        ("http://256.0.0.1/", "This address does not have a valid host name or IP address."),
        ("http://0x7f.0.0.1.2/", "This address does not have a valid host name or IP address."),
        ("http://exa..mple.com/", "This address does not have a valid host name or IP address."),
        ("http:///path", "This address has no host name."),
    ],
)
def test_a_malformed_or_forbidden_url_is_refused_before_lookup(url, message, dns, connections):
    result = check_url(url, kind="support", resolver=dns)

    assert (result.outcome, result.message) == ("failed", message)
    assert (dns.lookups, connections) == ([], [])


def test_the_local_server_on_its_own_port_is_refused_for_the_port(site, connections):
    result = check_url(site.url("/page"), kind="support")

    assert result.outcome == "failed"
    assert result.message.startswith(f"This address uses port {site.port};")
    assert (site.requests, connections) == ([], [])


def test_the_local_server_is_refused_when_private_networks_are_not_allowed(site, connections):
    result = check_url(site.url("/page"), kind="support", ports=(80, 443, site.port))

    assert (result.outcome, result.message) == ("failed", NOT_REACHABLE)
    assert (site.requests, connections) == ([], [])


# --- Private networks allowed ----------------------------------------------------------------


def test_private_networks_are_allowed_by_the_setting(site, settings):
    settings.URLCHECK_ALLOW_PRIVATE_NETWORKS = True

    result = check_url(site.url("/page"), kind="support", ports=(80, 443, site.port))

    assert result.outcome == "passed"


def test_without_the_setting_private_networks_are_refused(site, settings):
    del settings.URLCHECK_ALLOW_PRIVATE_NETWORKS

    result = check_url(site.url("/page"), kind="support", ports=(80, 443, site.port))

    assert (result.outcome, result.message) == ("failed", NOT_REACHABLE)


@pytest.mark.parametrize(
    "url",
    [
        "http://169.254.169.254/latest/meta-data/",
        "http://[::ffff:169.254.169.254]/",
        "http://[fe80::1]/",
        "http://0.0.0.0/",
        "http://[::]/",
        "http://224.0.0.1/",
    ],
)
def test_allowing_private_networks_still_refuses_metadata_and_non_hosts(url, dns, connections):
    result = check_url(url, kind="support", allow_private=True, resolver=dns)

    assert (result.outcome, result.message) == ("failed", NOT_REACHABLE)
    assert connections == []


# --- Network trouble -------------------------------------------------------------------------


def test_a_host_name_that_does_not_resolve_is_a_transient_error(dns, connections):
    result = check_url("https://nowhere.example/help", kind="support", resolver=dns)

    assert (result.outcome, result.message) == (
        "error",
        "The host name nowhere.example could not be found. "
        "Check the address for typing mistakes; if it is right, try again later.",
    )
    assert (result.details["transient"], connections) == (True, [])


def test_a_refused_connection_is_a_transient_error():
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]

    result = check_url(
        f"http://127.0.0.1:{port}/", kind="support", allow_private=True, ports=(port,)
    )

    assert (result.outcome, result.message) == (
        "error",
        "The site 127.0.0.1 refused the connection. Check that its web server is running.",
    )


# --- TLS -------------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def certificate(tmp_path_factory):
    """A self-signed certificate for shop.example: (key file, certificate file)."""
    if shutil.which("openssl") is None:
        pytest.skip("the openssl command is needed to make a test certificate")
    folder = tmp_path_factory.mktemp("tls")
    key, cert = folder / "key.pem", folder / "cert.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
         "-nodes", "-subj", "/CN=shop.example", "-addext", "subjectAltName=DNS:shop.example",
         "-keyout", str(key), "-out", str(cert), "-days", "1"],
        check=True,
        capture_output=True,
    )  # fmt: skip
    return key, cert


@pytest.fixture
def secure_site(certificate):
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(certificate[1], certificate[0])
    with serving(context) as site:
        yield site


@pytest.fixture
def trusting_our_certificate(monkeypatch, certificate):
    """The system trust store, replaced by our certificate alone: verification stays on."""
    real = ssl.create_default_context
    monkeypatch.setattr(
        "offers.checks.url.ssl.create_default_context", lambda: real(cafile=str(certificate[1]))
    )


def check_secure(site, host):
    resolver = FakeDns({host: ["127.0.0.1"]})
    url = site.url("/page", host=host, scheme="https")
    return check_url(url, kind="support", allow_private=True, ports=(site.port,), resolver=resolver)


def test_a_self_signed_certificate_fails_on_the_certificate(secure_site):
    result = check_secure(secure_site, "shop.example")

    assert (result.outcome, result.message) == ("failed", CERTIFICATE % "shop.example")
    assert (result.details["transient"], secure_site.requests) == (False, [])


def test_a_trusted_certificate_for_the_host_passes(secure_site, trusting_our_certificate):
    result = check_secure(secure_site, "shop.example")

    assert result.outcome == "passed"
    assert secure_site.requests == [("HEAD", "/page", f"shop.example:{secure_site.port}")]


def test_a_trusted_certificate_for_another_host_fails(secure_site, trusting_our_certificate):
    result = check_secure(secure_site, "other.example")

    assert (result.outcome, result.message) == ("failed", CERTIFICATE % "other.example")
    assert secure_site.requests == []


# --- The address rule itself -----------------------------------------------------------------


@pytest.mark.parametrize(
    "address",
    [
        "127.0.0.1",
        "10.1.2.3",
        "172.16.0.1",
        "192.168.1.1",
        "169.254.169.254",
        "100.64.0.1",
        "224.0.0.1",
        "240.0.0.1",
        "255.255.255.255",
        "0.0.0.0",
        "::",
        "::1",
        "fe80::1",
        "fc00::1",
        "fec0::1",
        "ff0e::1",
        "2001:db8::1",
        "::ffff:127.0.0.1",
        "::ffff:10.0.0.1",
        "::127.0.0.1",
        "::8.8.8.8",
        "64:ff9b::a9fe:a9fe",
        "64:ff9b:1::808:808",
        "2002:7f00:1::",
        "2002:a9fe:a9fe::1",
        "2001:0:4136:e378:8000:63bf:3fff:fdd2",
    ],
)
def test_addresses_off_the_internet_are_not_public(address):
    assert is_public_address(address) is False


@pytest.mark.parametrize(
    "address",
    ["8.8.8.8", "93.184.215.14", "2606:4700:4700::1111", "::ffff:8.8.8.8", "64:ff9b::808:808"]
    + ["2002:808:808::1"],
)
def test_internet_addresses_are_public(address):
    assert is_public_address(address) is True


def test_the_default_resolver_returns_the_addresses_as_text():
    assert resolve("127.0.0.1", 80) == ["127.0.0.1"]
