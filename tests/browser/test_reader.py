"""A reader's path through the public site, in Chromium against the live server."""

import json
from xml.etree import ElementTree

import pytest
from django.core.management import call_command
from django.urls import reverse
from playwright.sync_api import Page, expect

from campaigns.demo import CASE_SLUG
from detentions.models import Case
from tests.browser.conftest import PHONE_VIEWPORT

pytestmark = pytest.mark.browser

ATOM = "{http://www.w3.org/2005/Atom}"


def test_reader_follows_the_founding_case_from_the_home_page(live_server, page: Page):
    call_command("load_demo", verbosity=0)
    case = Case.objects.get(slug=CASE_SLUG)

    page.goto(live_server.url + reverse("detentions:case-list"))
    page.get_by_role("link", name=case.title).click()

    expect(page).to_have_url(live_server.url + case.get_absolute_url())
    expect(page.get_by_role("heading", level=1)).to_have_text(case.title)
    visit = page.get_by_role("listitem").filter(
        has=page.get_by_role("heading", name="Consul Keukenov visits the detainees in Nukus")
    )
    expect(visit).to_be_visible()
    expect(visit).to_contain_text("10 April 2009")
    detention = page.get_by_role("listitem").filter(
        has=page.get_by_role("heading", name="Uzbek border guards detain 27 men from Kazakhstan")
    )
    expect(detention).to_contain_text("late February 2009")


def test_reader_subscribes_to_the_case_and_downloads_its_timeline(live_server, page: Page):
    call_command("load_demo", verbosity=0)
    page.goto(live_server.url + reverse("detentions:case-detail", kwargs={"slug": CASE_SLUG}))

    feed_link = page.get_by_role("link", name="Atom feed of this case")
    feed = page.request.get(live_server.url + feed_link.get_attribute("href"))
    assert feed.ok, feed.status
    assert feed.headers["content-type"].startswith("application/atom+xml")
    root = ElementTree.fromstring(feed.body())  # noqa: S314 (our own feed, not untrusted XML)
    assert root.tag == f"{ATOM}feed"
    titles = [entry.findtext(f"{ATOM}title") for entry in root.findall(f"{ATOM}entry")]
    assert any("Consul Keukenov visits the detainees in Nukus" in title for title in titles)

    json_link = page.get_by_role("link", name="Timeline as JSON")
    download = page.request.get(live_server.url + json_link.get_attribute("href"))
    assert download.ok, download.status
    assert download.headers["content-type"].startswith("application/json")
    timeline = json.loads(download.body())
    assert timeline["case"]["slug"] == CASE_SLUG
    assert "Consul Keukenov visits the detainees in Nukus" in [
        e["title"] for e in timeline["events"]
    ]


def test_case_page_fits_a_phone_without_scrolling_sideways(live_server, new_context):
    call_command("load_demo", verbosity=0)
    page = new_context(viewport=PHONE_VIEWPORT).new_page()

    page.goto(live_server.url + reverse("detentions:case-detail", kwargs={"slug": CASE_SLUG}))

    # Without the stylesheet the check would pass for the wrong reason.
    sheets = page.evaluate("[...document.styleSheets].map((sheet) => sheet.cssRules.length)")
    assert sheets and all(sheets), f"rules per stylesheet: {sheets}"
    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    assert scroll_width <= PHONE_VIEWPORT["width"], f"the page is {scroll_width} px wide"
