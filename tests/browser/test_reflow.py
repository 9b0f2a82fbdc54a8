"""WCAG 1.4.10 Reflow and 1.4.4 Resize text: every page works 320 CSS pixels wide and at 200%
zoom without scrolling sideways. A table may scroll inside its own box (1.4.10 allows it for
data tables), if that box can be reached with the keyboard and has a name.

200% zoom is emulated by its effect on the layout, not by CSS `zoom`: a 1280 × 800 window at
200% lays the page out in 640 × 400 CSS pixels, each drawn with 2 device pixels. A viewport of
640 × 400 with device_scale_factor 2 is exactly that, media queries and rem included, whereas
CSS `zoom` on <html> leaves the viewport (and so the media queries) at 1280 and changes how
scrollWidth and innerWidth are measured."""

import pytest
from playwright.sync_api import expect

from accounts.models import User
from offers.models import Offer
from tests.browser.pages import WIZARD_STEPS, seed_every_state, sign_in

pytestmark = pytest.mark.browser

VIEWPORTS = {
    "320px": {"viewport": {"width": 320, "height": 640}},
    "200%-zoom": {"viewport": {"width": 640, "height": 400}, "device_scale_factor": 2},
}
# Long words and addresses that cannot wrap at spaces: where a page would overflow first.
LONG_URL = "https://contoso.example/support/" + "very-long-path-segment-" * 6
LONG_NAME = "Contoso" + "Fieldservicescheduling" * 2

# Elements wider than the page, outside any box that scrolls or clips on purpose; and boxes
# that scroll sideways but cannot be reached with the keyboard or have no name.
OVERFLOW = """() => {
  const width = document.documentElement.clientWidth;
  const name = el => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '')
    + (el.classList.length ? '.' + [...el.classList].join('.') : '');
  const clipped = el => {
    for (let up = el.parentElement; up && up !== document.body; up = up.parentElement) {
      if (getComputedStyle(up).overflowX !== 'visible') return true;
    }
    return false;
  };
  const wide = [];
  const unreachable = [];
  for (const el of document.body.querySelectorAll('*')) {
    if (el.closest('.visually-hidden, .skip-link')) continue;
    const box = el.getBoundingClientRect();
    if (box.width && box.height && (box.right > width + 1 || box.left < -1) && !clipped(el)) {
      wide.push(`${name(el)} [${Math.round(box.left)}, ${Math.round(box.right)}]`);
    }
    const overflowX = getComputedStyle(el).overflowX;
    if (overflowX === 'visible' && el.clientWidth && el.scrollWidth > el.clientWidth + 1
        && !clipped(el)) {
      wide.push(`${name(el)} spills its text: ${el.scrollWidth} > ${el.clientWidth}`);
    }
    const scrolls = ['auto', 'scroll'].includes(overflowX);
    if (scrolls && el.scrollWidth > el.clientWidth) {
      const named = el.getAttribute('aria-label') || el.getAttribute('aria-labelledby');
      if (el.tabIndex !== 0 || !named) unreachable.push(name(el));
    }
  }
  return {
    scrollWidth: document.documentElement.scrollWidth,
    innerWidth: window.innerWidth,
    wide: wide.slice(0, 10),
    unreachable,
  };
}"""


class Reflow:
    """Measures each page it is shown and reports every page that overflows at once."""

    def __init__(self, page):
        self.page = page
        self.found = []

    def check(self, where):
        self.page.wait_for_load_state("load")
        result = self.page.evaluate(OVERFLOW)
        if result["scrollWidth"] > result["innerWidth"] or result["wide"] or result["unreachable"]:
            self.found.append(f"{where} ({self.page.url}): {result}")

    def assert_clean(self):
        assert self.found == [], "Pages that overflow:\n" + "\n".join(self.found)


@pytest.mark.parametrize(
    ("size", "language"),
    # Dutch has the longest words (compounds), Chinese none at all.
    [("320px", "en"), ("200%-zoom", "en"), ("320px", "nl"), ("320px", "zh-hant")],
)
def test_every_page_fits_without_scrolling_sideways(new_page, live_server, size, language):
    seeded = seed_every_state()
    User.objects.filter(pk__in=[seeded.publisher.pk, seeded.reviewer.pk]).update(language=language)
    Offer.objects.filter(pk=seeded.draft.pk).update(
        support_url=LONG_URL, terms_url=LONG_URL, app_name=LONG_NAME[:50]
    )
    page = new_page(**VIEWPORTS[size])
    sign_in(page, seeded.publisher, live_server.url)
    reflow = Reflow(page)

    page.goto("/offers/")
    reflow.check("my offers")
    page.goto("/offers/new/")
    reflow.check("new offer")
    for step in WIZARD_STEPS:
        page.goto(f"/offers/{seeded.draft.pk}/edit/{step}/")
        reflow.check(f"{step} step")
    page.goto(f"/offers/{seeded.draft.pk}/edit/technical/")
    page.locator("#id_technical-support_url").fill("not a URL " + LONG_URL)
    page.locator("#id_technical-uptime_percent").fill("99.5")
    page.locator(".form-actions button[type=submit]").click()
    expect(page.locator("#error-summary")).to_be_visible()
    reflow.check("technical step with errors")
    for name in ("draft", "in_review", "changes_requested", "changes_needed", "resubmitted"):
        page.goto(f"/offers/{getattr(seeded, name).pk}/")
        reflow.check(f"status page: {name}")

    sign_in(page, seeded.reviewer, live_server.url)
    page.goto("/review/")
    reflow.check("review queue")
    for name in ("resubmitted", "changes_needed"):
        page.goto(f"/review/offers/{getattr(seeded, name).pk}/")
        reflow.check(f"review page: {name}")
    reflow.assert_clean()
