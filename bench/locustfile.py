"""The people of the load test (bench/load.py starts locust with this file).

- Publisher (50): signs in, then walks the wizard again and again: a new offer, every step with
  valid answers and four real PNG logos, submits it, looks at it and at "My offers".
- Reviewer (5): signs in, then pages through the queue, filters and searches it, opens offers.
- BarePage (1): the cheapest page of the same server, /healthz, printed beside the others.
- SignInPage (1): someone opening the sign-in form, the page the wizard's are held to. With
  LOAD_ONLY_SIGN_IN=1 bench/load.py runs it alone, 50 of them without waiting: the most sign-in
  pages per second the machine serves.

People spend 1 to 3 seconds on each page they read before the next request (LOAD_PACED=1), or
no time at all (LOAD_PACED=0, to find the most requests per second the machine serves). A POST
is followed at once by the page it redirects to, as a browser follows it. Everything else comes
from the environment that bench/load.py sets: LOAD_PASSWORD, LOAD_TOTP_SECRET (the reviewers'
authenticator app), LOAD_SITE_URL (the publishers' own pages), LOAD_DOMAIN.
"""

import io
import itertools
import os
import random
import re

import gevent
import pyotp
from locust import HttpUser, between, constant, task
from PIL import Image

PACED = os.environ.get("LOAD_PACED", "1") == "1"
SIGN_IN_ONLY = os.environ.get("LOAD_ONLY_SIGN_IN", "0") == "1"
PUBLISHERS_WHEN_ALONE = 50  # as many people opening the sign-in page as publishers elsewhere
WAIT = between(1, 3) if PACED else constant(0)
PASSWORD = os.environ.get("LOAD_PASSWORD", "")
TOTP_SECRET = os.environ.get("LOAD_TOTP_SECRET", "")
SITE = os.environ.get("LOAD_SITE_URL", "http://127.0.0.1")
DOMAIN = os.environ.get("LOAD_DOMAIN", "load.invalid")
SEARCHES = ("Contoso", "Route", "Field", "zzz-nothing")
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
REVIEW_LINK = re.compile(r'href="/review/offers/(\d+)/"')
LOGO_SLOTS = ((40, 40), (90, 90), (115, 115), (255, 115))


def _logo(width, height, seed):
    """A real logo-like PNG: a gradient with some grain, of exactly the slot's size."""
    rng = random.Random(seed)
    image = Image.new("RGBA", (width, height))
    image.putdata(
        [
            (x * 255 // width, y * 255 // height, rng.randrange(256), 255)
            for y in range(height)
            for x in range(width)
        ]
    )
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


LOGOS = {f"{w}x{h}": _logo(w, h, seed=w * h) for w, h in LOGO_SLOTS}
TECHNICAL = {
    "aad_application_id": "0f8fad5b-d9cb-469f-a165-70867728950e",
    "aad_sso_consent": "on",
    "integrations": "power_bi",
    "business_process": "Route planning for field engineers.",
    "work_credentials": "on",
    "trial_type": "free_trial",
    "trial_days": "30",
    "low_configuration": "on",
    "support_url": f"{SITE}/support",
    "uptime_percent": "99.95",
}
BUSINESS = {
    "own_ordering_and_billing": "on",
    "support_model": "paid",
    "licensing_responsibility": "on",
}
MARKETING = {
    "app_name": "Contoso Route Planner",
    "description": "<p>Plans <b>routes</b> for field engineers.</p>",
    "terms_url": f"{SITE}/terms",
    "privacy_url": f"{SITE}/privacy",
}
PUBLISHER = {
    "company_name": "Contoso Ltd",
    "registration_type": "mpn",
    "mpn_id": "4512345",
    "marketplace_publisher_id": "",
    "microsoft_account": "partner@contoso.example",
}


class Person(HttpUser):
    abstract = True
    # The pauses are on the pages (`read`), not only between two rounds of a task.
    wait_time = constant(0)
    email_pattern = ""
    numbers = None
    network = ""

    def on_start(self):
        number = next(self.numbers)
        self.email = self.email_pattern.format(n=number, domain=DOMAIN)
        # The address Caddy would forward: each person their own (bench/load.py trusts one
        # proxy), as on the internet, not everyone on 127.0.0.1.
        self.client.headers["X-Forwarded-For"] = f"{self.network}.{number}"
        page = self.client.get("/accounts/login/", name="sign in: form")
        answer = self.client.post(
            "/accounts/login/",
            {"csrfmiddlewaretoken": _token(page), "login": self.email, "password": PASSWORD},
            name="sign in: post",
            allow_redirects=False,
        )
        if answer.headers.get("Location") == "/accounts/2fa/authenticate/":
            # A reviewer's second step: the code their authenticator app shows now.
            self.post(
                "/accounts/2fa/authenticate/",
                {"code": pyotp.TOTP(TOTP_SECRET).now()},
                name="sign in: second factor",
            )

    def read(self, url, name):
        """Ask for a page, then spend WAIT on it before the next request."""
        response = self.client.get(url, name=name)
        gevent.sleep(WAIT(self))
        return response

    def post(self, url, data, name, files=None):
        page_token = self.client.cookies.get("csrftoken", "")
        with self.client.post(
            url,
            {**data, "csrfmiddlewaretoken": page_token},
            files=files,
            name=name,
            allow_redirects=False,
            catch_response=True,
        ) as response:
            # A valid step redirects; a page shown again means the answers were refused.
            if response.status_code != 302:
                response.failure(f"{name}: expected a redirect, got {response.status_code}")
            return response


class Publisher(Person):
    fixed_count = 50
    email_pattern = "load-pub-{n}@{domain}"
    numbers = itertools.count(1)
    network = "198.51.100"

    @task
    def submit_an_offer(self):
        self.read("/offers/", name="my offers")
        self.read("/offers/new/", name="wizard: publisher (new)")
        answer = self.post("/offers/new/", PUBLISHER, name="wizard: publisher POST")
        technical = answer.headers.get("Location", "")
        match = re.search(r"/offers/(\d+)/edit/", technical)
        if not match:
            return
        offer = match.group(1)
        for step, data in (("technical", TECHNICAL), ("business", BUSINESS)):
            self._step(offer, step, data)
        self._step(offer, "marketing", MARKETING, files=self._logo_files())
        self._step(offer, "review", {})
        self.read(f"/offers/{offer}/", name="offer status page")

    def _step(self, offer, step, data, files=None):
        url = f"/offers/{offer}/edit/{step}/"
        self.read(url, name=f"wizard: {step}")
        fields = {f"{step}-{key}": value for key, value in data.items()}
        fields[f"offer-{offer}-current_step"] = step
        self.post(url, fields, name=f"wizard: {step} POST", files=files)

    @staticmethod
    def _logo_files():
        return {
            f"marketing-logo_{slot}": (f"logo-{slot}.png", data, "image/png")
            for slot, data in LOGOS.items()
        }


class Reviewer(Person):
    fixed_count = 5
    email_pattern = "load-rev-{n}@{domain}"
    numbers = itertools.count(1)
    network = "203.0.113"

    @task
    def work_the_queue(self):
        queue = self.read("/review/", name="review: queue")
        self.read("/review/?page=2", name="review: queue page 2")
        self.read("/review/?state=all&outcome=failed", name="review: filtered")
        search = random.choice(SEARCHES)
        self.read(f"/review/?state=all&q={search}", name="review: search")
        offers = REVIEW_LINK.findall(queue.text)
        if offers:
            self.read(f"/review/offers/{random.choice(offers)}/", name="review: offer")


class BarePage(HttpUser):
    """The baseline: the cheapest page of this server, answered under the same load. It asks
    at a person's pace in both runs: a probe of the load, not part of it."""

    fixed_count = 1
    wait_time = between(1, 3)

    @task
    def bare(self):
        self.client.get("/healthz", name="bare page (/healthz)")


class SignInPage(HttpUser):
    """The sign-in form, opened by someone not yet signed in. Beside the people it asks at a
    person's pace, as a probe; alone (LOAD_ONLY_SIGN_IN=1) it is the whole load."""

    fixed_count = PUBLISHERS_WHEN_ALONE if SIGN_IN_ONLY else 1
    wait_time = WAIT if SIGN_IN_ONLY else between(1, 3)

    @task
    def sign_in_page(self):
        self.client.get("/accounts/login/", name="sign-in page")


def _token(page):
    found = CSRF.search(page.text)
    return found.group(1) if found else ""
