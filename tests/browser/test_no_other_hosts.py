"""No page asks another host for anything, and none breaks its Content-Security-Policy.

Chromium opens the key pages of every audience (the public, a relative, staff, the admin) through
the live server and records every request the pages make and every policy violation they report.
"""

from collections.abc import Iterator
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import pytest
from django.core.management import call_command
from django.urls import reverse
from playwright.sync_api import BrowserContext, ConsoleMessage, Page, Request, expect

from campaigns.demo import CASE_SLUG
from detentions.models import Case, Event, Institution
from tests.accounts import log_in_with_browser
from tests.factories import KinshipFactory, RelativeWithAccountFactory, StaffUserFactory

pytestmark = pytest.mark.browser

# Runs in every page before its own scripts: the page's violations reach the console, where the
# test hears them, beside what Chromium reports there itself.
REPORT_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", (event) => {
    console.error(`CSP violation: ${event.violatedDirective} blocked ${event.blockedURI}`);
});
"""

NOT_FOUND = "/cases/no-such-case/"
EXPECTED_MISSING = {NOT_FOUND, "/favicon.ico"}


@dataclass
class Recording:
    requests: list[str] = field(default_factory=list)
    complaints: list[str] = field(default_factory=list)

    def request(self, request: Request) -> None:
        self.requests.append(request.url)

    def console(self, message: ConsoleMessage) -> None:
        # Errors and warnings: a violation, a refused resource, a Permissions-Policy Chromium
        # does not understand. Our pages log nothing themselves. Chromium also logs every 404,
        # such as the error page this test opens and the icon it asks for (the site has none).
        missing = urlsplit(message.location.get("url", "")).path in EXPECTED_MISSING
        if message.type in {"error", "warning"} and not (
            missing and message.text.startswith("Failed to load resource")
        ):
            self.complaints.append(f"{message.type}: {message.text} ({message.location})")


@pytest.fixture
def recorded(new_context) -> Iterator[tuple[BrowserContext, Recording]]:
    context = new_context()
    recording = Recording()
    context.add_init_script(REPORT_VIOLATIONS)
    context.on("request", recording.request)
    context.on("console", recording.console)
    context.on("weberror", lambda error: recording.complaints.append(f"error: {error.error}"))
    yield context, recording


def visit(page: Page, url: str, status: int = 200) -> None:
    response = page.goto(url)
    assert response is not None and response.status == status, (url, response and response.status)


def assert_stayed_home(recording: Recording, live_server_url: str) -> None:
    home = urlsplit(live_server_url)
    elsewhere = [
        url
        for url in recording.requests
        if (urlsplit(url).scheme, urlsplit(url).netloc) != (home.scheme, home.netloc)
    ]
    assert recording.requests
    assert not elsewhere, f"requests to other hosts: {elsewhere}"
    assert not recording.complaints, "\n".join(recording.complaints)


def test_public_pages_ask_only_this_site(live_server, recorded):
    context, recording = recorded
    call_command("load_demo", verbosity=0)
    case = Case.objects.get(slug=CASE_SLUG)
    page = context.new_page()
    site = live_server.url

    visit(page, site + reverse("detentions:case-list"))
    page.get_by_role("link", name=case.title).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(case.title)
    visit(
        page,
        site
        + reverse("detentions:case-detail", kwargs={"slug": CASE_SLUG}).replace("/", "/ru/", 1),
    )
    visit(page, site + reverse("detentions:institution-detail", kwargs={"slug": "kz-knb-aktobe"}))
    visit(page, site + reverse("detentions:search") + "?q=Nukus")
    visit(page, site + reverse("campaigns:report-detention"))
    visit(page, site + NOT_FOUND, status=404)
    # The header's search box and the language switcher: a form and a redirect.
    page.get_by_role("searchbox").first.fill("Aktobe")
    page.get_by_role("searchbox").first.press("Enter")
    expect(page).to_have_url(site + reverse("detentions:search") + "?q=Aktobe")
    visit(page, site + reverse("campaigns:login"))

    assert_stayed_home(recording, site)


def test_a_relative_and_their_workspace_ask_only_this_site(live_server, recorded):
    context, recording = recorded
    call_command("load_demo", verbosity=0)
    case = Case.objects.get(slug=CASE_SLUG)
    relative = RelativeWithAccountFactory()
    KinshipFactory(relative=relative, detainee=case.detainees.first())
    page = context.new_page()
    site = live_server.url

    log_in_with_browser(page, site, relative.user)
    expect(page).to_have_url(site + reverse("campaigns:home"))
    # Production's secure-only cookies: Chromium keeps and sends them to the live server because
    # it counts localhost as secure, so the browser tests run with the production setting.
    session = next(c for c in context.cookies() if c["name"] == "sessionid")
    assert session["secure"] is True
    visit(page, site + reverse("campaigns:relative-case", kwargs={"slug": CASE_SLUG}))
    visit(page, site + reverse("campaigns:log-entry", kwargs={"slug": CASE_SLUG}))
    page.get_by_role("button", name="Next").click()
    visit(page, site + reverse("campaigns:two-factor-settings"))
    visit(page, site + reverse("campaigns:two-factor-setup"))

    assert_stayed_home(recording, site)


def test_staff_pages_and_the_admin_ask_only_this_site(live_server, recorded):
    context, recording = recorded
    call_command("load_demo", verbosity=0)
    case = Case.objects.get(slug=CASE_SLUG)
    event = Event.objects.filter(case=case).first()
    page = context.new_page()
    site = live_server.url

    log_in_with_browser(page, site, StaffUserFactory())
    visit(page, site + reverse("staff:home"))
    visit(page, site + reverse("staff:case", kwargs={"slug": CASE_SLUG}))
    visit(page, site + reverse("staff:search") + "?q=Kulegenova")
    visit(page, site + reverse("staff:case-history", kwargs={"slug": CASE_SLUG}))
    visit(page, site + reverse("staff:dossier", kwargs={"slug": CASE_SLUG}))
    visit(page, site + reverse("staff:event-edit", kwargs={"pk": event.pk}))
    visit(page, site + reverse("admin:index"))
    visit(page, site + reverse("admin:detentions_case_changelist"))
    visit(page, site + reverse("admin:detentions_case_change", args=[case.pk]))
    visit(page, site + reverse("admin:detentions_case_history", args=[case.pk]))
    visit(page, site + reverse("admin:detentions_event_changelist"))
    visit(page, site + reverse("admin:detentions_event_change", args=[event.pk]))
    # The admin's scripts at work: a calendar, a search box that asks the server (select2).
    page.locator("#calendarlink0").click()
    expect(page.locator("#calendarbox0")).to_be_visible()
    visit(page, site + reverse("admin:detentions_detainee_add"))
    page.locator(".field-case .select2-selection").click()
    page.locator(".select2-search__field").fill("Nukus")
    expect(page.locator(".select2-results__option").first).to_contain_text("Nukus")
    page.keyboard.press("Escape")
    visit(page, site + reverse("admin:detentions_institution_changelist") + "?q=KNB")
    institution = Institution.objects.get(slug="kz-knb-aktobe")
    visit(page, site + reverse("admin:detentions_institution_change", args=[institution.pk]))

    assert_stayed_home(recording, site)
