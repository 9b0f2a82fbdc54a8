"""post_json and refusal: webhooks sent under the SSRF rules of the URL checks, to a real
receiver on 127.0.0.1; only DNS answers are made up."""

import socket

import pytest

from offers.checks.url import ANSWERED, BLOCKED, ERROR, post_json, refusal
from tests.webhooks.receiver import receiving

NOT_REACHABLE = "This address is not reachable from the internet."
BODY = b'{"type":"offer.approved"}'


@pytest.fixture
def receiver():
    with receiving() as found:
        yield found


def post(url, receiver=None, **options):
    ports = (80, 443, receiver.port) if receiver else (80, 443)
    return post_json(url, BODY, {"webhook-id": "msg_1"}, ports=ports, **options)


def test_the_json_is_posted_with_its_headers_and_the_answer_kept(receiver):
    receiver.answer(201)

    result = post(f"{receiver.url}?v=1", receiver, allow_private=True)

    assert (result.outcome, result.status_code, result.excerpt) == (ANSWERED, 201, "answer 201")
    [request] = receiver.requests
    assert (request.path, request.body) == ("/hooks?v=1", BODY)
    assert {
        name: request.headers[name]
        for name in ("Host", "User-Agent", "Content-Type", "webhook-id", "Content-Length")
    } == {
        "Host": f"127.0.0.1:{receiver.port}",
        "User-Agent": "OfferDeskWebhooks/1.0",
        "Content-Type": "application/json",
        "webhook-id": "msg_1",
        "Content-Length": str(len(BODY)),
    }


def test_a_redirect_is_the_answer_and_is_not_followed(receiver):
    receiver.answer(307)

    result = post(receiver.url, receiver, allow_private=True)

    assert (result.outcome, result.status_code) == (ANSWERED, 307)
    assert [r.path for r in receiver.requests] == ["/hooks"]


def test_the_excerpt_is_capped(receiver):
    receiver.answer(500)

    result = post(receiver.url, receiver, allow_private=True, max_excerpt=6)

    assert (result.status_code, result.excerpt) == (500, "answer")


@pytest.mark.parametrize(
    "url",
    ["http://127.0.0.1:{port}/hooks", "http://localhost:{port}/hooks", "http://2130706433:{port}/"],
)
def test_a_private_address_is_blocked_without_the_setting_and_never_contacted(receiver, url):
    result = post(url.format(port=receiver.port), receiver, allow_private=False)

    assert (result.outcome, result.status_code, result.message) == (BLOCKED, None, NOT_REACHABLE)
    assert receiver.requests == []


def test_the_metadata_address_is_blocked_even_with_private_networks_allowed():
    result = post("http://169.254.169.254/latest/meta-data/", allow_private=True)

    assert (result.outcome, result.message) == (BLOCKED, NOT_REACHABLE)


def test_a_name_inside_a_network_reads_as_a_name_not_found_and_is_never_contacted(receiver):
    lookups = []

    def resolver(host, port):
        lookups.append((host, port))
        return ["127.0.0.1"]

    result = post(f"http://hooks.example:{receiver.port}/", receiver, resolver=resolver)

    assert (result.outcome, result.message) == (
        ERROR,
        "The host name hooks.example could not be found. Check the address for typing "
        "mistakes; if it is right, try again later.",
    )
    assert (lookups, receiver.requests) == ([("hooks.example", receiver.port)], [])


def test_a_port_that_is_not_allowed_is_blocked():
    result = post("https://hooks.example.com:8443/", allow_private=True)

    assert result.outcome == BLOCKED
    assert result.message.startswith("This address uses port 8443;")


def test_a_refused_connection_is_an_error_worth_another_try():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]

    result = post_json(f"http://127.0.0.1:{port}/", BODY, {}, allow_private=True, ports=(port,))

    assert (result.outcome, result.message) == (
        ERROR,
        "The site 127.0.0.1 refused the connection. Check that its web server is running.",
    )


@pytest.mark.parametrize(
    ("url", "allow_private", "expected"),
    [
        ("https://hooks.example.com/offer-desk", False, None),
        ("https://10.0.0.7/", True, None),
        ("https://localhost/", True, None),
        ("https://10.0.0.7/", False, NOT_REACHABLE),
        ("https://[::1]/", False, NOT_REACHABLE),
        ("https://hooks.localhost/", False, NOT_REACHABLE),
        ("https://169.254.169.254/", True, NOT_REACHABLE),
        ("https://[::ffff:169.254.169.254]/", True, NOT_REACHABLE),
        (
            "https://exa mple.com/",
            False,
            "This address contains spaces or control characters; remove them.",
        ),
    ],
)
def test_refusal_reads_the_url_alone(url, allow_private, expected):
    assert refusal(url, allow_private=allow_private) == expected
