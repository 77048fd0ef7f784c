"""Every public page type, for the tests that check them all (HTML validity, accessibility).

A new public page type is one line here: its name (which names the tests) and a function that
builds its URL. The URL is built after the demo data is loaded, so the function may look records up.
"""

from collections.abc import Callable

from django.urls import reverse
from django.utils import translation

from campaigns.demo import CASE_SLUG


def in_language(language: str, name: str, **kwargs) -> str:
    """The address in a given language, whatever language an earlier request left active."""
    with translation.override(language):
        return reverse(name, kwargs=kwargs or None)


PUBLIC_PAGES: list[tuple[str, Callable[[], str]]] = [
    ("home", lambda: in_language("en", "detentions:case-list")),
    ("case", lambda: in_language("en", "detentions:case-detail", slug=CASE_SLUG)),
    (
        "institution",
        lambda: in_language("en", "detentions:institution-detail", slug="kz-knb-aktobe"),
    ),
    (
        "filtered home",
        lambda: in_language("en", "detentions:case-list") + "?status=charged&year=1066",
    ),
    # A name found in several kinds of record, beside a filter with an error to show.
    ("search", lambda: in_language("en", "detentions:search") + "?q=Nukus&detained_to=2009-02-30"),
    (
        "search by facility",
        lambda: in_language("en", "detentions:search") + "?facility=uz-nukus-pretrial",
    ),
    ("not found", lambda: "/cases/no-such-case/"),
    ("report a detention", lambda: in_language("en", "campaigns:report-detention")),
    ("report received", lambda: in_language("en", "campaigns:report-received")),
    # The other languages: their own words, date forms and lang attributes.
    ("case in Russian", lambda: in_language("ru", "detentions:case-detail", slug=CASE_SLUG)),
    ("home in Kazakh", lambda: in_language("kk", "detentions:case-list")),
    ("report a detention in Kazakh", lambda: in_language("kk", "campaigns:report-detention")),
]

# What each page answers; 200 unless said here. The error page is checked like any other.
EXPECTED_STATUS = {"not found": 404}
