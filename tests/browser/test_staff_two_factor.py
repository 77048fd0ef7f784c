"""A new staff member's first login: the password, then setting up an authenticator app from the
QR code's key, the backup codes, the staff pages; the next login asks for the app's code."""

import re
from base64 import b32decode

import pytest
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import Page, expect

from tests.accounts import PASSWORD, totp_code
from tests.factories import StaffUserFactory

pytestmark = pytest.mark.browser


def test_staff_set_up_their_app_and_then_give_its_code(live_server, page: Page):
    reviewer = StaffUserFactory(username="reviewer")
    page.goto(live_server.url + reverse("staff:home"))
    page.get_by_label("Username").fill("reviewer")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Set up two-step login")
    expect(page.locator("figure.qr svg")).to_be_visible()
    secret = page.locator("code.secret").inner_text()
    assert re.fullmatch(r"[A-Z2-7]{4}( [A-Z2-7]{4})+", secret)
    code = f"{TOTP(b32decode(secret.replace(' ', ''))).token():06d}"
    page.get_by_label("Code").fill(code)
    page.get_by_role("button", name="Turn on two-step login").click()

    expect(page.get_by_role("heading", level=2)).to_have_text("Your backup codes")
    expect(page.locator(".backup-codes li")).to_have_count(10)
    page.get_by_role("link", name="I have kept them: continue").click()
    expect(page).to_have_url(live_server.url + reverse("staff:home"))

    page.context.clear_cookies()  # another day: a new session
    page.goto(live_server.url + reverse("campaigns:login"))
    page.get_by_label("Username").fill("reviewer")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your login code")
    page.get_by_label("Code").fill("000000")
    page.get_by_role("button", name="Continue").click()
    expect(page.locator("#id_code_error")).to_contain_text("This code is not right.")
    page.wait_for_timeout(1100)  # a wrong code makes the next try wait a second
    page.get_by_label("Code").fill(totp_code(TOTPDevice.objects.get(user=reviewer)))
    page.get_by_role("button", name="Continue").click()
    expect(page).to_have_url(live_server.url + reverse("admin:index"))
