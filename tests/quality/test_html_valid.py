"""Every public page type is valid HTML, by the W3C Nu HTML checker (vnu.jar from npm).

The pages are rendered once, then checked in one run of the checker: a JVM start takes seconds.
"""

import json
import shutil
import subprocess
from pathlib import Path
from urllib.parse import unquote, urlparse

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import transaction
from django.test import Client, override_settings

from tests.public_pages import EXPECTED_STATUS, PUBLIC_PAGES
from tests.required_tools import require_tool

# The pages are rendered in a module-wide fixture, which does not ask for `db`; without this mark
# a run of this module alone would not set the test database up, and would render from the real one.
pytestmark = pytest.mark.django_db

VNU_JAR = Path(settings.BASE_DIR) / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"


@pytest.fixture(scope="module")
def checked_pages(django_db_setup, django_db_blocker, tmp_path_factory) -> dict[str, dict]:
    """Each page's status code and the checker's errors on it, by page name."""
    java = shutil.which("java")
    require_tool(java, "Java is not installed: apt-get install default-jre-headless")
    require_tool(VNU_JAR.exists(), f"{VNU_JAR} is missing: run `npm ci` (make test does)")

    folder = tmp_path_factory.mktemp("pages")
    pages, files = {}, []
    # What the suite's `plain_static_files` fixture does for each test; this render is module-wide.
    plain_static_files = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    with (
        django_db_blocker.unblock(),
        override_settings(STORAGES=plain_static_files),
        transaction.atomic(),
    ):
        call_command("load_demo", verbosity=0)
        # A page that breaks fails its own test below, not the others.
        client = Client(raise_request_exception=False)
        for name, url in PUBLIC_PAGES:
            response = client.get(url())
            (folder / f"{name}.html").write_bytes(response.content)
            files.append(str(folder / f"{name}.html"))
            pages[name] = {"status": response.status_code, "errors": []}
        transaction.set_rollback(True)

    checker = subprocess.run(  # noqa: S603 (fixed arguments, our own files)
        [java, "-jar", str(VNU_JAR), "--errors-only", "--format", "json", *files],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    try:
        messages = json.loads(checker.stderr)["messages"]
    except (json.JSONDecodeError, KeyError):
        pytest.fail(f"The checker gave no report (exit {checker.returncode}):\n{checker.stderr}")
    for message in messages:
        name = Path(unquote(urlparse(message.get("url", "")).path)).stem
        if name not in pages:
            pytest.fail(f"The checker could not check the pages: {message}")
        pages[name]["errors"].append(message)
    return pages


def describe(error: dict) -> str:
    extract = " ".join(error.get("extract", "").split())
    return f"line {error.get('lastLine')}: {error['message']}\n    {extract}"


@pytest.mark.parametrize("name", [name for name, _ in PUBLIC_PAGES])
def test_public_page_is_valid_html(checked_pages, name):
    page = checked_pages[name]
    expected = EXPECTED_STATUS.get(name, 200)
    assert page["status"] == expected, f"{name} answered {page['status']}: see the captured log"
    assert not page["errors"], "\n".join(describe(error) for error in page["errors"])
