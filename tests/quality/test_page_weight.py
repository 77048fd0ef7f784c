"""The demo case page stays light enough for a cheap phone on a slow connection."""

import pytest
from django.contrib.staticfiles import finders
from django.core.management import call_command
from django.urls import reverse

from campaigns.demo import CASE_SLUG

pytestmark = pytest.mark.django_db

# HTML plus our one stylesheet, uncompressed: what the issue asks of the founding case's page.
BUDGET_BYTES = 60 * 1024


def test_the_demo_case_page_weighs_under_its_budget(client):
    call_command("load_demo", verbosity=0)
    html = client.get(reverse("detentions:case-detail", kwargs={"slug": CASE_SLUG})).content
    with open(finders.find("css/site.css"), "rb") as stylesheet:
        css = stylesheet.read()
    assert b"site.css" in html
    assert len(html) + len(css) < BUDGET_BYTES, f"{len(html)} B of HTML and {len(css)} B of CSS"
