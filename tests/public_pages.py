"""Every public page type, for the tests that check them all (HTML validity, accessibility).

A new public page type is one line here: its name (which names the tests) and a function that
builds its URL. The URL is built after the demo data is loaded, so the function may look records up.
"""

from collections.abc import Callable

from django.urls import reverse

from campaigns.demo import CASE_SLUG

PUBLIC_PAGES: list[tuple[str, Callable[[], str]]] = [
    ("home", lambda: reverse("detentions:case-list")),
    ("case", lambda: reverse("detentions:case-detail", kwargs={"slug": CASE_SLUG})),
    (
        "institution",
        lambda: reverse("detentions:institution-detail", kwargs={"slug": "kz-knb-aktobe"}),
    ),
    ("filtered home", lambda: reverse("detentions:case-list") + "?status=charged&year=1066"),
    ("not found", lambda: "/cases/no-such-case/"),
    ("report a detention", lambda: reverse("campaigns:report-detention")),
    ("report received", lambda: reverse("campaigns:report-received")),
]

# What each page answers; 200 unless said here. The error page is checked like any other.
EXPECTED_STATUS = {"not found": 404}
