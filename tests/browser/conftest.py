"""Playwright drives Debian's Chromium; it never downloads a browser of its own."""

from pathlib import Path

import pytest

from tests.required_tools import require_tool

CHROMIUM = Path("/usr/bin/chromium")

CHROMIUM_ARGS = [
    # CI runs as root, where Chromium's sandbox cannot start.
    "--no-sandbox",
    "--disable-gpu",
    # /dev/shm is small in containers; Chromium's pages crash once it fills.
    "--disable-dev-shm-usage",
    # The machines reach package registries only: no update checks, sync or QUIC probes to
    # Google's hosts, which would only fail (and slowly) there.
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
]

# A phone: the narrowest width the pages are designed for.
PHONE_VIEWPORT = {"width": 360, "height": 740}


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict) -> dict:
    """pytest-playwright's launch options (--headed, --slowmo) with Debian's Chromium."""
    require_tool(
        CHROMIUM.exists(),
        f"Chromium is not at {CHROMIUM}: install Debian's package (apt-get install chromium)",
    )
    return {**browser_type_launch_args, "executable_path": str(CHROMIUM), "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session")
def base_url() -> None:
    """Tests name the live server's URL themselves.

    Without pytest-base-url, pytest-playwright 0.10.0 provides this fixture as a session-scoped
    instance method, which pytest 9 deprecates with a warning, an error in this suite.
    """
    return None
