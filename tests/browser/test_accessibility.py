"""axe-core on every public page type, in Chromium, at a desktop and a phone width."""

from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

from tests.browser.conftest import PHONE_VIEWPORT
from tests.public_pages import EXPECTED_STATUS, PUBLIC_PAGES
from tests.required_tools import require_tool

pytestmark = pytest.mark.browser

AXE = Path(settings.BASE_DIR) / "node_modules" / "axe-core" / "axe.min.js"

VIEWPORTS = {"desktop": {"width": 1280, "height": 800}, "phone": PHONE_VIEWPORT}

# Moderate and minor findings are advice; these keep people out of the page.
BLOCKING = {"serious", "critical"}

# Template bugs found by these tests and reported, by (page, viewport). Strict: once the template
# is fixed the test passes, fails as XPASS, and its line here goes.
KNOWN_VIOLATIONS: dict[tuple[str, str], str] = {}


def page_views() -> list:
    return [
        pytest.param(
            url,
            EXPECTED_STATUS.get(name, 200),
            viewport,
            id=f"{name}-{viewport}",
            marks=[pytest.mark.xfail(strict=True, reason=KNOWN_VIOLATIONS[name, viewport])]
            if (name, viewport) in KNOWN_VIOLATIONS
            else [],
        )
        for name, url in PUBLIC_PAGES
        for viewport in VIEWPORTS
    ]


def describe(violations: list[dict]) -> str:
    return "\n".join(
        f"{violation['id']} ({violation['impact']}): {violation['help']}\n"
        + "".join(f"    {' '.join(node['target'])}\n" for node in violation["nodes"])
        for violation in violations
    )


@pytest.mark.parametrize(("page_url", "status", "viewport"), page_views())
def test_page_has_no_serious_accessibility_violations(
    live_server, new_context, page_url, status, viewport
):
    require_tool(AXE.exists(), f"{AXE} is missing: run `npm ci` (make test does)")
    call_command("load_demo", verbosity=0)
    page = new_context(viewport=VIEWPORTS[viewport]).new_page()
    # An init script, not a <script> element: the pages' Content-Security-Policy refuses inline
    # scripts, and should, while the browser runs init scripts outside it.
    page.add_init_script(path=AXE)

    response = page.goto(live_server.url + page_url())
    assert response is not None and response.status == status, response and response.status
    results = page.evaluate("axe.run()")

    blocking = [found for found in results["violations"] if found["impact"] in BLOCKING]
    assert not blocking, f"axe-core {results['testEngine']['version']}:\n{describe(blocking)}"
