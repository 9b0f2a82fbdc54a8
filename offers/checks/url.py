"""Checks a publisher's support, privacy-policy and terms-of-use URLs from a background worker.

The worker sits inside our network, so every check could be turned against it (SSRF). Hence:
only http and https on the allowed ports; each host is resolved once and every address it has
must be public; the socket is opened to exactly the address that was checked (a DNS answer that
changes between check and connect cannot move it inside); every redirect meets the same rules.
Only the standard library is used, and never urllib: proxy settings from the environment are
never read, so no proxy can relay a request somewhere the rules would refuse.

Outcomes: "passed"; "failed" (the publisher must fix something); "error" (transient: timeouts,
refused or reset connections, DNS failures; worth a retry). A 5xx answer is "failed" but sets
details["transient"] = True, because the site may well be back on the next attempt.

Webhooks reach out from the same workers to an address an organisation gave, so they go through
the same rules: `refusal` judges such a URL when it is saved, `post_json` sends to it.
"""

import http.client
import io
import ipaddress
import re
import socket
import ssl
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from http import HTTPStatus
from urllib.parse import quote, urljoin, urlsplit

from django.conf import settings

# Messages are kept in English with their parameters, and translated when shown.
from offers.checks.addresses import is_globally_reachable
from offers.checks.messages import source as _

PASSED, FAILED, ERROR = "passed", "failed", "error"
KINDS = ("support", "privacy", "terms")
DOCUMENT_TYPES = frozenset({"text/html", "application/xhtml+xml", "application/pdf"})
HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
# Matched case-insensitively anywhere in the page; a policy in another language names itself so.
PRIVACY_WORDS = ("privacy", "privacybeleid", "隱私", "隐私", "privacidad", "datenschutz")
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
USER_AGENT = "OfferDeskUrlCheck/1.0"
ACCEPT = "text/html,application/xhtml+xml,application/pdf;q=0.9,*/*;q=0.8"

# Spaces and control characters: browsers strip or encode them, and so could hide a host.
_UNSAFE_CHARACTERS = re.compile(r"[\x00-\x20\x7f]")
_HOST_NAME = re.compile(r"^[a-z0-9_-]+(\.[a-z0-9_-]+)*\.?$")
# An IPv4 part as inet_aton and browsers read it: decimal, octal (leading 0) or hex (0x).
_NUMBER_PART = re.compile(r"^(0[xX][0-9a-fA-F]*|[0-9]+)$")
# The IPv6 address only stands for this IPv4 one (IPv4-mapped, NAT64): the IPv4 one is reached.
_IPV4_STANDINS = (ipaddress.ip_network("::ffff:0:0/96"), ipaddress.ip_network("64:ff9b::/96"))
_IPV4_COMPATIBLE = ipaddress.ip_network("::/96")


@dataclass(frozen=True)
class UrlCheckResult:
    outcome: str  # "passed", "failed" or "error" (error = transient: worth a retry)
    message: str  # for the publisher, translated: what is wrong and how to fix it
    details: dict  # JSON-serialisable; see _Trail.as_details
    warnings: tuple = ()  # for the reviewer


class _Stop(Exception):
    """Ends the check early; raised deep down, turned into the result at the top."""

    def __init__(self, outcome, message, transient=False, **details):
        super().__init__(message)
        self.outcome = outcome
        self.message = message
        self.transient = transient or outcome == ERROR
        self.details = details


@dataclass(frozen=True)
class _Check:
    kind: str
    allow_private: bool
    resolver: object
    is_public: object
    ports: tuple
    connect_timeout: float
    max_body: int
    max_redirects: int
    clock: object
    deadline: float


@dataclass(frozen=True)
class _Target:
    scheme: str
    host: str  # ASCII; an IP address literal in its normal form
    port: int
    path: str  # the request target: path and query, percent-encoded
    literal: bool  # the host is an IP address: nothing to resolve

    @property
    def host_header(self):
        host = f"[{self.host}]" if ":" in self.host else self.host
        default = 443 if self.scheme == "https" else 80
        return host if self.port == default else f"{host}:{self.port}"


@dataclass(frozen=True)
class _Answer:
    status: int
    content_type: str | None
    charset: str | None
    location: str | None
    body: bytes


@dataclass
class _Trail:
    """What the check has seen so far; the details describe the last URL it reached."""

    url: str
    started: float
    redirects: list = field(default_factory=list)
    addresses: list = field(default_factory=list)
    method: str | None = None
    answer: _Answer | None = None
    transient: bool = False

    def move_to(self, url):
        self.url, self.addresses, self.method, self.answer = url, [], None, None
        self.redirects.append(url)

    def as_details(self, clock):
        answer = self.answer
        return {
            "status_code": answer.status if answer else None,
            "final_url": self.url,
            "redirects": list(self.redirects),
            "elapsed_ms": int((clock() - self.started) * 1000),
            "content_type": answer.content_type if answer else None,
            "addresses": list(self.addresses),
            "method": self.method,
            "body_bytes": len(answer.body) if answer else 0,
            "transient": self.transient,
        }


def check_url(
    url,
    *,
    kind,
    allow_private=None,
    resolver=None,
    clock=None,
    is_public=None,
    ports=(80, 443),
    connect_timeout=5.0,
    total_timeout=15.0,
    max_body=256 * 1024,
    max_redirects=5,
):
    """Check one URL. Never raises for a bad URL or an unreachable site: that is the result.

    resolver(host, port) returns IP strings; is_public(ip_address) decides which addresses count
    as the internet (tests widen it); ports are the ports a URL may name (tests add theirs).
    """
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {KINDS}, not {kind!r}")
    clock = clock or time.monotonic
    started = clock()
    if allow_private is None:
        allow_private = bool(getattr(settings, "URLCHECK_ALLOW_PRIVATE_NETWORKS", False))
    check = _Check(
        kind=kind,
        allow_private=allow_private,
        resolver=resolver or resolve,
        is_public=is_public or is_public_address,
        ports=tuple(ports),
        connect_timeout=connect_timeout,
        max_body=max_body,
        max_redirects=max_redirects,
        clock=clock,
        deadline=started + total_timeout,
    )
    trail = _Trail(url=url, started=started)
    try:
        outcome, message, warnings = _judge(check, _follow(check, trail))
    except _Stop as stop:
        trail.transient = stop.transient
        details = trail.as_details(clock) | stop.details
        return UrlCheckResult(stop.outcome, stop.message, details)
    return UrlCheckResult(outcome, message, trail.as_details(clock), warnings)


# --- Posting (webhooks) ----------------------------------------------------------------------

ANSWERED, BLOCKED = "answered", "blocked"
POST_USER_AGENT = "OfferDeskWebhooks/1.0"


@dataclass(frozen=True)
class PostResult:
    """What one POST came to. "answered": the receiver answered `status_code`, and `excerpt` is
    the start of its body; "error": transient trouble (a timeout, a refused or reset connection,
    a name not found, TLS), worth another try later; "blocked": the rules refuse the address,
    and no retry changes that. For the last two, `message` says why (in English, translated
    when shown: offers.checks.messages)."""

    outcome: str
    status_code: int | None = None
    excerpt: str = ""
    message: str = ""


def refusal(url, *, allow_private=None, ports=(80, 443)):
    """Why `url` can never be reached under these rules, from the URL alone: an English
    message, or None. For a form that keeps a URL to send to later; what a name resolves to is
    judged each time it is reached, as a DNS answer may change."""
    check = _rules(allow_private=allow_private, ports=ports)
    try:
        target = _parse(url, check)
        named_localhost = not target.literal and _is_localhost_name(target.host)
        if (target.literal and not _permitted(target.host, check)) or (
            named_localhost and not check.allow_private
        ):
            raise _not_reachable()
    except _Stop as stop:
        return stop.message
    return None


def post_json(
    url,
    body,
    headers,
    *,
    allow_private=None,
    resolver=None,
    is_public=None,
    ports=(80, 443),
    connect_timeout=5.0,
    total_timeout=15.0,
    max_excerpt=1024,
):
    """POST `body` (JSON, as bytes) with `headers` to `url`, under the rules of the checks: one
    lookup, every address allowed, the socket opened to the address checked, one deadline. A
    redirect is not followed: it is the answer. Never raises for a bad URL or an unreachable
    receiver: that is the result (PostResult). The keywords are check_url's."""
    check = _rules(
        allow_private=allow_private,
        resolver=resolver,
        is_public=is_public,
        ports=ports,
        connect_timeout=connect_timeout,
        total_timeout=total_timeout,
        max_body=max_excerpt,
    )
    try:
        target = _parse(url, check)
        addresses = _addresses(target, check)
        _ensure_permitted(target, addresses, check)
    except _Stop as stop:
        # A name not found is transient (and so is one inside a network: see _ensure_permitted).
        return PostResult(BLOCKED if stop.outcome == FAILED else ERROR, message=stop.message)
    try:
        with _network_failures(target.host):
            sock = _connect(target, addresses, check)
            try:
                return _post(sock, target, body, headers, check)
            finally:
                sock.close()
    except _Stop as stop:
        return PostResult(ERROR, message=stop.message)


def _rules(
    *,
    allow_private=None,
    resolver=None,
    is_public=None,
    ports=(80, 443),
    connect_timeout=5.0,
    total_timeout=15.0,
    max_body=0,
):
    if allow_private is None:
        allow_private = bool(getattr(settings, "URLCHECK_ALLOW_PRIVATE_NETWORKS", False))
    return _Check(
        kind="post",
        allow_private=allow_private,
        resolver=resolver or resolve,
        is_public=is_public or is_public_address,
        ports=tuple(ports),
        connect_timeout=connect_timeout,
        max_body=max_body,
        max_redirects=0,
        clock=time.monotonic,
        deadline=time.monotonic() + total_timeout,
    )


def _post(sock, target, body, headers, check):
    connection = _PinnedConnection(_DeadlineSocket(sock, check))
    sent = {"Host": target.host_header, "User-Agent": POST_USER_AGENT}
    sent |= {"Content-Type": "application/json", **headers, "Connection": "close"}
    connection.request("POST", target.path, body=body, headers=sent)
    response = connection.getresponse()
    try:
        excerpt = response.read(check.max_body)
    except (OSError, http.client.HTTPException):
        # The status is the answer; a body cut short must not turn a delivery into a retry.
        excerpt = b""
    return PostResult(
        ANSWERED, response.status, _decode(excerpt, response.headers.get_content_charset())
    )


def resolve(host, port):
    """Every address the name has, in the resolver's order: all of them must be allowed."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(info[4][0] for info in infos))


# --- Addresses -------------------------------------------------------------------------------


def is_public_address(address):
    """The strict rule: on the public internet by IANA's registries (offers.checks.addresses),
    and so is every IPv4 address it carries."""
    return is_globally_reachable(address)


def _embedded_ipv4(ip):
    """The IPv4 addresses an IPv6 address carries: mapped, NAT64, compatible, 6to4, Teredo;
    for the on-premises rule, which forbids link-local and the like in every form."""
    if ip.version == 4:
        return ()
    low_bits = ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    if any(ip in network for network in (*_IPV4_STANDINS, _IPV4_COMPATIBLE)):
        return (low_bits,)
    if ip.sixtofour:
        return (ip.sixtofour,)
    return ip.teredo or ()


def _allowed_on_premises(ip):
    """With private networks allowed: still no link-local (cloud metadata at 169.254.169.254),
    multicast or unspecified address, in any form; no web page lives there."""
    forms = (ip, *_embedded_ipv4(ip))
    return not any(f.is_link_local or f.is_multicast or f.is_unspecified for f in forms)


def _permitted(address, check):
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return check.is_public(ip) or (check.allow_private and _allowed_on_premises(ip))


def _not_reachable():
    return _Stop(FAILED, _("This address is not reachable from the internet."))


# --- Parsing ---------------------------------------------------------------------------------


def _parse(url, check):
    """Scheme, credentials, port and host are refused here, before any lookup or connection."""
    if not isinstance(url, str) or _UNSAFE_CHARACTERS.search(url):
        raise _Stop(FAILED, _("This address contains spaces or control characters; remove them."))
    try:
        parts = urlsplit(url)
    except ValueError:
        raise _invalid_host() from None
    if parts.scheme not in ("http", "https"):
        raise _Stop(
            FAILED, _("Only web addresses starting with http:// or https:// can be checked.")
        )
    if "@" in parts.netloc:
        raise _Stop(
            FAILED,
            _("This address contains a user name or password; remove the part before “@”."),
        )
    host, literal = _host(parts.hostname)
    return _Target(parts.scheme, host, _port(parts, check), _request_path(parts), literal)


def _port(parts, check):
    try:
        port = parts.port
    except ValueError:
        raise _Stop(FAILED, _("The port in this address is not a valid number.")) from None
    if port is None:
        return 443 if parts.scheme == "https" else 80
    if port not in check.ports:
        message = _(
            "This address uses port %(port)s; only the standard ports 80 (http) and 443 (https) "
            "can be checked. Remove “:%(port)s” from the address."
        )
        raise _Stop(FAILED, message % {"port": port})
    return port


def _host(hostname):
    """(host, is_literal): IP addresses in every spelling become the address they mean."""
    if not hostname:
        raise _Stop(FAILED, _("This address has no host name."))
    try:
        return str(ipaddress.ip_address(hostname)), True
    except ValueError:
        pass
    try:
        host = hostname.encode("idna").decode("ascii")
    except UnicodeError:
        raise _invalid_host() from None
    if _NUMBER_PART.match(host.removesuffix(".").rsplit(".", 1)[-1]):
        return _numeric_ipv4(host), True
    if not _HOST_NAME.match(host):
        raise _invalid_host()
    return host, False


def _numeric_ipv4(host):
    """2130706433, 0177.0.0.1, 0x7f.1: what inet_aton (and so getaddrinfo) and browsers read
    as IPv4. Read them the same way here, so that they meet the address rules as addresses."""
    parts = host.removesuffix(".").split(".")
    if len(parts) > 4 or not all(_NUMBER_PART.match(part) for part in parts):
        raise _invalid_host()
    numbers = [_number(part) for part in parts]
    *leading, last = numbers
    if any(number > 255 for number in leading) or last >= 256 ** (5 - len(numbers)):
        raise _invalid_host()
    value = sum(number << (8 * (3 - index)) for index, number in enumerate(leading)) + last
    return str(ipaddress.IPv4Address(value))


def _number(part):
    if part[:2].lower() == "0x":
        return int(part[2:] or "0", 16)
    if len(part) > 1 and part.startswith("0"):
        try:
            return int(part[1:], 8)
        except ValueError:
            raise _invalid_host() from None
    return int(part)


def _invalid_host():
    return _Stop(FAILED, _("This address does not have a valid host name or IP address."))


def _request_path(parts):
    # Non-ASCII and stray characters are percent-encoded, as a browser would send them.
    safe = "/%:@!$&'()*+,;=~"
    path = quote(parts.path or "/", safe=safe)
    return f"{path}?{quote(parts.query, safe=safe + '?')}" if parts.query else path


# --- Resolving -------------------------------------------------------------------------------


def _addresses(target, check):
    """The addresses the host has; refuses the check if any of them is not allowed."""
    if target.literal:
        return [target.host]
    if not check.allow_private and _is_localhost_name(target.host):
        raise _not_reachable()
    try:
        addresses = list(check.resolver(target.host, target.port))
    except OSError:
        addresses = []
    if not addresses:
        raise _not_found(target.host)
    return addresses


def _not_found(host):
    message = _(
        "The host name %(host)s could not be found. Check the address for typing mistakes; "
        "if it is right, try again later."
    )
    return _Stop(ERROR, message % {"host": host})


def _is_localhost_name(host):
    # RFC 6761: these names are the machine itself, whatever a resolver says.
    name = host.removesuffix(".")
    return name == "localhost" or name.endswith(".localhost")


def _remaining(check, cap=None):
    """Seconds left before the deadline of the whole check."""
    remaining = check.deadline - check.clock()
    if remaining <= 0:
        raise TimeoutError
    return remaining if cap is None else min(cap, remaining)


# --- Talking HTTP ----------------------------------------------------------------------------


def _follow(check, trail):
    """Fetch the URL and each redirect, every hop under the same rules. Returns the last answer."""
    while True:
        target = _parse(trail.url, check)
        trail.addresses = _addresses(target, check)
        _ensure_permitted(target, trail.addresses, check)
        trail.answer = _fetch(target, trail, check)
        location = trail.answer.location
        if trail.answer.status not in REDIRECT_STATUSES or not location:
            return trail.answer
        if len(trail.redirects) >= check.max_redirects:
            message = _(
                "This address redirects too many times (more than %(count)s); "
                "link to the page itself."
            )
            raise _Stop(FAILED, message % {"count": check.max_redirects})
        trail.move_to(urljoin(trail.url, location))


def _ensure_permitted(target, addresses, check):
    """Refuse the host unless every address it has is allowed."""
    if not all(_permitted(address, check) for address in addresses):
        # A name whose addresses are inside a network reads as a name that does not
        # resolve: the check must not tell anyone what lives inside ours. An address typed
        # as such gets the plain answer.
        raise _not_reachable() if target.literal else _not_found(target.host)


def _fetch(target, trail, check):
    # Policies need their body; for a support page the headers are enough, unless HEAD is refused.
    trail.method = "HEAD" if check.kind == "support" else "GET"
    answer = _exchange(target, trail.addresses, trail.method, check)
    if trail.method == "HEAD" and answer.status in (405, 501):
        trail.method = "GET"
        answer = _exchange(target, trail.addresses, trail.method, check)
    return answer


def _exchange(target, addresses, method, check):
    """One request on a fresh connection to one of the checked addresses."""
    with _network_failures(target.host):
        sock = _connect(target, addresses, check)
        try:
            return _request(sock, target, method, check)
        finally:
            sock.close()


def _connect(target, addresses, check):
    error = None
    for address in addresses:
        try:
            timeout = _remaining(check, check.connect_timeout)
            sock = socket.create_connection((address, target.port), timeout=timeout)
        except OSError as caught:
            error = caught
            continue
        return _secure(sock, target, check) if target.scheme == "https" else sock
    raise error


def _secure(sock, target, check):
    """TLS, always verified, for the host name the publisher gave (not the address)."""
    sock.settimeout(_remaining(check))
    return ssl.create_default_context().wrap_socket(sock, server_hostname=target.host)


def _request(sock, target, method, check):
    connection = _PinnedConnection(_DeadlineSocket(sock, check))
    headers = {"Host": target.host_header, "User-Agent": USER_AGENT, "Accept": ACCEPT}
    connection.request(method, target.path, headers=headers | {"Connection": "close"})
    response = connection.getresponse()
    wanted = method == "GET" and 200 <= response.status < 300
    # A larger body is no error: the first max_body bytes say all the check needs.
    body = response.read(check.max_body) if wanted else b""
    message = response.headers
    content_type = message.get_content_type() if "Content-Type" in message else None
    location = response.getheader("Location")
    return _Answer(response.status, content_type, message.get_content_charset(), location, body)


class _PinnedConnection(http.client.HTTPConnection):
    """http.client's request writing and response parsing, on the socket we opened ourselves."""

    def __init__(self, sock):
        super().__init__("pinned.invalid")
        self.sock = sock

    def connect(self):
        # Only reached once the socket is gone: never open another past the address checks.
        raise ConnectionResetError


class _DeadlineSocket:
    """Each read waits only until the check's deadline, so a server dribbling bytes cannot
    hold the worker longer than the whole check may take."""

    def __init__(self, sock, check):
        self._sock = sock
        self._check = check

    def sendall(self, data):
        self._sock.settimeout(_remaining(self._check))
        self._sock.sendall(data)

    def recv_into(self, buffer):
        self._sock.settimeout(_remaining(self._check))
        return self._sock.recv_into(buffer)

    def makefile(self, mode):
        return io.BufferedReader(_Reader(self))

    def close(self):
        # http.client closes the connection before the body is read; _exchange closes the socket.
        pass


class _Reader(io.RawIOBase):
    def __init__(self, sock):
        self._sock = sock

    def readable(self):
        return True

    def readinto(self, buffer):
        return self._sock.recv_into(buffer)


@contextmanager
def _network_failures(host):
    """Turn what the network raises into a result; transient trouble is an error."""
    try:
        yield
    except ssl.SSLCertVerificationError as error:
        message = _(
            "The security certificate of %(host)s is not valid (for example expired, self-signed "
            "or issued for another name). The site needs a valid certificate for this name."
        )
        raise _Stop(
            FAILED, message % {"host": host}, certificate_error=error.verify_message
        ) from error
    except (OSError, http.client.IncompleteRead) as error:
        outcome, message = _network_message(error)
        raise _Stop(outcome, message % {"host": host}) from error
    except http.client.HTTPException as error:
        message = _(
            "The site %(host)s did not answer as a web server does. "
            "Check that the address points to a web page."
        )
        raise _Stop(FAILED, message % {"host": host}) from error


def _network_message(error):
    """(outcome, message); the first matching kind wins, so the specific ones come first."""
    closed = _("The site %(host)s closed the connection before answering. Try again later.")
    messages = (
        (
            TimeoutError,
            ERROR,
            _(
                "The site %(host)s did not answer in time. Try again later; if this keeps "
                "happening, check that the site is up."
            ),
        ),
        (
            ConnectionRefusedError,
            ERROR,
            _("The site %(host)s refused the connection. Check that its web server is running."),
        ),
        ((ConnectionError, ssl.SSLEOFError, http.client.IncompleteRead), ERROR, closed),
        # Not transient: no shared protocol or cipher, or plain HTTP on the HTTPS port.
        (
            ssl.SSLError,
            FAILED,
            _(
                "A secure (HTTPS) connection to %(host)s could not be set up; "
                "the site's HTTPS configuration may be broken or outdated."
            ),
        ),
    )
    for kind, outcome, message in messages:
        if isinstance(error, kind):
            return outcome, message
    return ERROR, _("The site %(host)s could not be reached. Try again later.")


# --- Judging the answer ----------------------------------------------------------------------


def _judge(check, answer):
    """(outcome, message, warnings) for the final answer; refusals raise _Stop."""
    status = _status_text(answer.status)
    if 500 <= answer.status < 600:
        message = _(
            "The site answered %(status)s, an error on its side. "
            "Try again later, or ask the site's administrators."
        )
        raise _Stop(FAILED, message % {"status": status}, transient=True)
    if not 200 <= answer.status < 300:
        raise _Stop(FAILED, _status_refusal(answer.status) % {"status": status})
    if check.kind != "support":
        _require_document(answer)
    warnings = _privacy_warnings(answer) if check.kind == "privacy" else ()
    return PASSED, _("The page answered %(status)s.") % {"status": status}, warnings


def _status_text(code):
    try:
        return f"{code} {HTTPStatus(code).phrase}"
    except ValueError:
        return str(code)


def _status_refusal(code):
    if 400 <= code < 500:
        return _(
            "The page answered %(status)s. Check that the address is right and the page is public."
        )
    return _("The page answered %(status)s instead of showing the page; link to the page itself.")


def _require_document(answer):
    if answer.content_type in DOCUMENT_TYPES:
        return
    if answer.content_type is None:
        message = _(
            "This page does not say what kind of document it is; "
            "it must be a web page (HTML) or a PDF document."
        )
        raise _Stop(FAILED, message)
    message = _(
        "This address serves %(content_type)s; it must be a web page (HTML) or a PDF document."
    )
    raise _Stop(FAILED, message % {"content_type": answer.content_type})


def _privacy_warnings(answer):
    if answer.content_type not in HTML_TYPES:
        return ()
    text = _decode(answer.body, answer.charset).casefold()
    if any(word in text for word in PRIVACY_WORDS):
        return ()
    return (_("This page does not mention privacy; check that it is the privacy policy."),)


def _decode(body, charset):
    # Leniently: a wrong or unknown charset must not turn into an error, only into odd text.
    try:
        return body.decode(charset or "utf-8", errors="replace")
    except LookupError:
        return body.decode("utf-8", errors="replace")
