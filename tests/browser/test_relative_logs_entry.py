"""A relative logs an unanswered letter, with a photo of it, from a phone; the public never sees
it."""

from io import BytesIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.urls import reverse
from PIL import Image
from playwright.sync_api import Page, expect

from campaigns.demo import CASE_SLUG
from campaigns.models import Entry, Invitation, Relative
from detentions.models import Case
from tests.browser.conftest import PHONE_VIEWPORT
from tests.required_tools import require_tool
from tests.uploads import photo_with_location

pytestmark = pytest.mark.browser

PASSWORD = "Letters-to-Aktobe-2009"
TITLE = "Letter to KNB Aktobe: no response"
AXE = Path(settings.BASE_DIR) / "node_modules" / "axe-core" / "axe.min.js"

# Everything a thumb has to hit on these pages.
TAP_TARGETS = (
    ".entry-form button, .entry-form fieldset label, .entry-form select, .actions a, "
    ".entry-form input:not([type=hidden]):not([type=radio])"
)


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def invited_relative() -> tuple[Relative, str]:
    """Shynar Kulegenova of the demo case, invited by the staff; the link's token."""
    call_command("load_demo", verbosity=0)
    shynar = Relative.objects.get(given_name="Shynar", family_name="Kulegenova")
    _invitation, token = Invitation.issue(
        relative=shynar, case=Case.objects.get(slug=CASE_SLUG), created_by=None
    )
    return shynar, token


def assert_fits_a_phone(page: Page) -> None:
    """One column, no sideways scrolling, and every target at least 44 px tall."""
    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    assert scroll_width <= PHONE_VIEWPORT["width"], f"{page.url} is {scroll_width} px wide"
    heights = page.eval_on_selector_all(
        TAP_TARGETS,
        """(targets) => targets
            .filter((target) => target.offsetParent !== null)
            .map((target) => [
                target.outerHTML.slice(0, 80), target.getBoundingClientRect().height,
            ])""",
    )
    assert heights, f"no tap targets found on {page.url}"
    small = [(html, height) for html, height in heights if height < 44]
    assert not small, f"too small to tap on {page.url}: {small}"


def next_step(page: Page, heading: str) -> None:
    page.get_by_role("button", name="Next").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(heading)
    assert_fits_a_phone(page)


def test_relative_logs_an_unanswered_letter_from_a_phone(live_server, new_context, media_root):
    shynar, token = invited_relative()
    page = new_context(viewport=PHONE_VIEWPORT, java_script_enabled=False).new_page()

    # The invitation: she chooses a password and lands on her case.
    page.goto(live_server.url + reverse("campaigns:accept-invitation", kwargs={"token": token}))
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("The same password again").fill(PASSWORD)
    page.get_by_role("button", name="Create my account").click()
    expect(page).to_have_url(
        live_server.url + reverse("campaigns:relative-case", kwargs={"slug": CASE_SLUG})
    )

    page.get_by_role("link", name="Log what you did").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("What did you do?")
    assert_fits_a_phone(page)
    page.get_by_label("I contacted an official body").check()
    next_step(page, "Whom did you contact?")

    page.get_by_label("Search the list").fill("KNB")
    page.get_by_role("button", name="Search").click()
    page.get_by_label("National Security Committee (KNB), Aktobe regional department").check()
    next_step(page, "When was it?")

    expect(page.get_by_label("Today")).to_be_checked()
    page.get_by_label("On a day I know").check()
    page.get_by_label("The day").fill("2009-04-20")
    next_step(page, "How did you contact them, and what happened?")

    expect(page.get_by_label("Letter", exact=True)).to_be_checked()
    page.get_by_label("No response").check()
    page.get_by_label("Anything else we should know?").fill(
        "We asked where our men are held and whether they have a lawyer."
    )
    next_step(page, "Do you expect a reply by a certain date?")
    next_step(page, "Check and send")

    expect(page.locator(".recorded-title")).to_have_text(TITLE)
    expect(page.locator(".review")).to_contain_text("20 April 2009")
    page.get_by_label("Photos or scans (optional)").set_input_files(
        files=[{"name": "letter.jpg", "mimeType": "image/jpeg", "buffer": photo_with_location()}]
    )
    page.get_by_role("button", name="Send").click()

    expect(page.get_by_role("heading", level=1)).to_have_text(TITLE)
    expect(page.locator(".review-status")).to_have_text("Status: Awaiting review")
    expect(page.get_by_role("link", name="letter.jpg")).to_be_visible()
    assert_fits_a_phone(page)

    entry = Entry.objects.select_related("event").get(relative=shynar)
    assert entry.event.title == TITLE
    assert not entry.event.is_public and not entry.event.is_verified
    attachment = entry.event.attachments.get()
    with Image.open(BytesIO(attachment.file.read())) as photo:
        assert not photo.getexif()
    attachment.file.close()

    # A reader who is not logged in finds the case, and nothing of the unreviewed letter.
    reader = new_context(viewport=PHONE_VIEWPORT).new_page()
    reader.goto(live_server.url + reverse("detentions:case-detail", kwargs={"slug": CASE_SLUG}))
    expect(reader.get_by_role("heading", level=1)).to_have_text(entry.event.case.title)
    expect(reader.get_by_text(TITLE)).to_have_count(0)
    expect(reader.get_by_text("whether they have a lawyer")).to_have_count(0)
    photo_url = reverse("campaigns:attachment", kwargs={"pk": attachment.pk})
    response = reader.request.get(live_server.url + photo_url, max_redirects=0)
    assert response.status == 302
    assert response.headers["location"].startswith(reverse("campaigns:login"))


def test_the_wizard_steps_have_no_serious_accessibility_violations(live_server, new_context):
    require_tool(AXE.exists(), f"{AXE} is missing: run `npm ci` (make test does)")
    _shynar, token = invited_relative()
    page = new_context(viewport=PHONE_VIEWPORT).new_page()
    # In every page the browser opens, outside the pages' Content-Security-Policy, which refuses
    # an inline <script> (add_script_tag).
    page.add_init_script(path=AXE)
    page.goto(live_server.url + reverse("campaigns:accept-invitation", kwargs={"token": token}))
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("The same password again").fill(PASSWORD)
    page.get_by_role("button", name="Create my account").click()
    page.goto(live_server.url + reverse("campaigns:log-entry", kwargs={"slug": CASE_SLUG}))

    def check(step: str) -> None:
        results = page.evaluate("axe.run()")
        serious = [
            f"{found['id']}: {found['help']} {[node['target'] for node in found['nodes']]}"
            for found in results["violations"]
            if found["impact"] in {"serious", "critical"}
        ]
        assert not serious, f"{step}: {serious}"

    check("what")
    page.get_by_role("button", name="Next").click()  # nothing chosen: the error is shown
    expect(page.locator("#id_what_error")).to_be_visible()
    check("what, with an error")
    page.get_by_label("I tried to visit").check()
    page.get_by_role("button", name="Next").click()
    page.get_by_label("Search the list").fill("Aktobe")
    page.get_by_role("button", name="Search").click()
    check("whom, with results")
    page.get_by_label("Not in the list? Type the name").fill("Nukus pre-trial unit")
    page.get_by_role("button", name="Next").click()
    check("when")
    page.get_by_role("button", name="Next").click()
    page.get_by_label("Refused").check()
    page.get_by_role("button", name="Next").click()
    check("review")
