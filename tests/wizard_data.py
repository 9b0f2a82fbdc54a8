"""Valid answers for each wizard step, and a POST as the browser sends it.

Shared by the wizard tests and `make bench`, so both exercise the same requests.
"""

from urllib.parse import urlencode

from django.urls import reverse

PUBLISHER = {
    "company_name": "Alice Apps",
    "registration_type": "mpn",
    "mpn_id": "4512345",
    "marketplace_publisher_id": "",
    "microsoft_account": "partner@alice.example",
}
TECHNICAL = {
    "aad_application_id": "0f8fad5b-d9cb-469f-a165-70867728950e",
    "aad_sso_consent": "on",
    "integrations": ["power_bi", "flow"],
    "business_process": "Route planning for field engineers.",
    "work_credentials": "on",
    "trial_type": "free_trial",
    "trial_days": "30",
    "low_configuration": "on",
    "support_url": "https://alice.example/support",
    "uptime_percent": "99.95",
}
BUSINESS = {
    "own_ordering_and_billing": "on",
    "support_model": "community",
    "licensing_responsibility": "on",
}
# No logo fields: they are optional once the offer has its logos stored.
MARKETING = {
    "app_name": "Alice Route Planner",
    "description": "<p>Plans <b>routes</b>.</p><script>alert(1)</script>",
    "terms_url": "https://alice.example/terms",
    "privacy_url": "https://alice.example/privacy",
}
STEP_DATA = {
    "publisher": PUBLISHER,
    "technical": TECHNICAL,
    "business": BUSINESS,
    "marketing": MARKETING,
    "review": {},
}


def step_url(offer, step):
    return reverse("offers:wizard", kwargs={"pk": offer.pk, "step": step})


def post_step(client, offer, step, data=None, files=None, *, version=None):
    """POST a step: fields prefixed with the step's name, plus the wizard's management field,
    and the step's version when the page being posted was shown, if given.

    Without `data`, the step's valid answers above.
    """
    fields = STEP_DATA[step] if data is None else data
    payload = {f"{step}-{key}": value for key, value in fields.items()}
    payload[f"offer-{offer.pk}-current_step"] = step
    if version is not None:
        payload["step_version"] = str(version)
    if files or step == "marketing":
        # The marketing form carries the logo inputs, so the browser sends multipart.
        payload.update(files or {})
        return client.post(step_url(offer, step), payload)
    # Steps without a file input are sent as a browser sends them: urlencoded.
    return client.post(
        step_url(offer, step),
        urlencode(payload, doseq=True),
        content_type="application/x-www-form-urlencoded",
    )


# The same answers as a script sends them to the API: JSON values, keyed by the same fields.
API_ANSWERS = {
    "publisher": PUBLISHER,
    "technical": {
        **{key: value for key, value in TECHNICAL.items() if value != "on"},
        "aad_sso_consent": True,
        "work_credentials": True,
        "low_configuration": True,
        "trial_days": 30,
    },
    "business": {"own_ordering_and_billing": True, "support_model": "community"}
    | {"licensing_responsibility": True},
    "marketing": MARKETING,
}
