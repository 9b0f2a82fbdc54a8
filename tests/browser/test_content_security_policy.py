"""The Content-Security-Policy holds in a real browser: our own script and styles work, and a
script injected into a page does not run (the other browser tests fail on any violation)."""

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

INJECT = """() => {
    const script = document.createElement("script");
    script.textContent = "window.injected = true";
    document.body.appendChild(script);
    const image = document.createElement("img");
    image.setAttribute("onerror", "window.injectedHandler = true");
    image.src = "/no-such-image.png";
    document.body.appendChild(image);
}"""


def test_an_injected_script_or_handler_does_not_run_and_is_reported(browser, live_server):
    context = browser.new_context(base_url=live_server.url)
    page = context.new_page()
    reported = []
    page.on("console", lambda message: reported.append(message.text))
    try:
        page.goto("/accounts/login/")
        page.evaluate(INJECT)
        page.wait_for_timeout(300)

        assert page.evaluate("[window.injected, window.injectedHandler]") == [None, None]
        refusals = [text for text in reported if "Content Security Policy" in text]
        assert len(refusals) == 2, reported
    finally:
        context.close()


def test_our_own_styles_apply_under_the_policy(page):
    page.goto("/accounts/login/")

    # site.css sets the page's font; an unstyled page would show the browser's serif default.
    font = page.evaluate("getComputedStyle(document.body).fontFamily")
    assert "serif" not in font.split(",")[0]
