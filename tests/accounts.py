"""Logging people in, in tests: one way for the test client, one for the browser.

Staff and superusers must give a code from an authenticator app after their password (and so
must a relative who turned it on); `log_in` gives them one and marks the session as having used
it, as the real login does.
"""

import time

from django.contrib.auth.models import AbstractBaseUser
from django.test import Client
from django.urls import reverse
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import hotp
from django_otp.plugins.otp_totp.models import TOTPDevice

from campaigns import two_factor

PASSWORD = "correct horse battery staple"  # tests.factories.UserFactory's


def authenticator(user: AbstractBaseUser) -> TOTPDevice:
    """The user's authenticator app: their confirmed TOTP device, added if they have none."""
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        device = TOTPDevice.objects.create(
            user=user, name=two_factor.AUTHENTICATOR_NAME, confirmed=True
        )
    return device


def totp_code(device: TOTPDevice) -> str:
    """A code the app shows now that the device has not accepted yet. Each code works once, so
    a second login within the same 30 seconds takes the next one (the device allows one step
    ahead); a third waits for the clock."""
    device.refresh_from_db()
    while True:
        now = (int(time.time()) - device.t0) // device.step + device.drift
        step = max(now - device.tolerance, device.last_t + 1)
        if step <= now + device.tolerance:
            return f"{hotp(device.bin_key, step, digits=device.digits):0{device.digits}d}"
        time.sleep(1)


def log_in(client: Client, user: AbstractBaseUser) -> Client:
    """`force_login`, and for whoever must give a code, a session that gave one."""
    client.force_login(user)
    if two_factor.asks_for_code(user):
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = authenticator(user).persistent_id
        session.save()
    return client


def log_in_with_browser(page, live_server_url: str, user: AbstractBaseUser, password=PASSWORD):
    """The login form, then the code from the user's app when they must give one (Playwright)."""
    device = authenticator(user) if two_factor.asks_for_code(user) else None
    page.goto(live_server_url + reverse("campaigns:login"))
    page.get_by_label("Username").fill(user.get_username())
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    if device is not None:
        page.get_by_label("Code").fill(totp_code(device))
        page.get_by_role("button", name="Continue").click()
