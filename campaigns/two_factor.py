"""Two-factor sign-in: who must give a code, the devices that make codes, and the step between the
password and the code.

Staff and superusers must; a relative may turn it on. Someone who must give a code is not logged
in until they have: after the password the session only holds who they are ("held"), so no page
of the site ever sees a half-logged-in person. Staff pages and the admin still check that the
session gave its code (`is_verified`), for sessions older than this rule and for accounts made
staff while logged in.

Devices are django-otp's: an authenticator app (TOTP) and single-use backup codes, for a lost
phone. A superuser can also delete someone's devices in the admin; staff then set up a new app at
their next login, and a relative's two-factor sign-in is off.
"""

import time
from binascii import unhexlify
from urllib.parse import urlencode

import django_otp
from django.contrib.auth import SESSION_KEY, get_user_model
from django.contrib.auth import login as auth_login
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.contrib.sessions.models import Session
from django.db import transaction
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django_otp.models import Device
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp.util import random_hex

AUTHENTICATOR_NAME = "Authenticator app"
BACKUP_CODES_NAME = "Backup codes"
BACKUP_CODE_COUNT = 10
# Time to fetch the phone (or set up an app) between the password and the code.
HELD_SECONDS = 15 * 60

HELD_KEY = "two_factor_held"
SETUP_KEY = "two_factor_setup"


class TooManyTries(Exception):
    """Wrong codes in a row: django-otp refuses to check another one for a while."""

    def __init__(self, seconds: int) -> None:
        super().__init__(seconds)
        self.seconds = seconds


def is_required(user: AbstractBaseUser) -> bool:
    """Staff and superusers may not turn it off."""
    return user.is_staff or user.is_superuser


def is_on(user: AbstractBaseUser) -> bool:
    return django_otp.user_has_device(user, confirmed=True)


def asks_for_code(user: AbstractBaseUser) -> bool:
    return is_required(user) or is_on(user)


def is_verified(user: AbstractBaseUser | AnonymousUser) -> bool:
    """Whether this session gave a code (django-otp's middleware answers)."""
    check = getattr(user, "is_verified", None)
    return bool(check and check())


def step_url(user: AbstractBaseUser, next_url: str) -> str:
    """Where someone gives their code, or sets up an app first when they must and have none."""
    name = "campaigns:two-factor" if is_on(user) else "campaigns:two-factor-setup"
    return f"{reverse(name)}?{urlencode({'next': next_url}, safe='/')}"


# Between the password and the code.


def hold(request: HttpRequest, user: AbstractBaseUser) -> None:
    """The password was right: remember who, without logging them in."""
    request.session.cycle_key()
    request.session[HELD_KEY] = {
        "user": user.pk,
        "backend": user.backend,
        "since": int(time.time()),
    }


def held_user(request: HttpRequest) -> AbstractBaseUser | None:
    """Who is giving (or setting up) a code: the person held after their password, or someone
    logged in whose session has not given one."""
    if request.user.is_authenticated:
        return request.user
    held = request.session.get(HELD_KEY)
    if not held or time.time() - held["since"] > HELD_SECONDS:
        return None
    return get_user_model()._default_manager.filter(pk=held["user"], is_active=True).first()


def finish_login(request: HttpRequest, user: AbstractBaseUser, device: Device) -> None:
    """The code was right: log them in (if held) and mark the session as verified by it."""
    if not request.user.is_authenticated:
        held = request.session.pop(HELD_KEY)
        auth_login(request, user, backend=held["backend"])
    django_otp.login(request, device)
    request.session.pop(SETUP_KEY, None)


# Giving a code.


def six_digits(code: str) -> bool:
    """0-9 only: `str.isdigit()` also takes "²" or "٣", which `int()` refuses or reads otherwise."""
    return len(code) == 6 and code.isascii() and code.isdigit()


def verify_code(user: AbstractBaseUser, code: str) -> Device | None:
    """The device that accepts the code: six digits for the app, otherwise a backup code (used
    up). Each wrong code makes the next try wait longer (1, 2, 4, 8... seconds)."""
    code = "".join(code.split()).replace("-", "").lower()
    model = TOTPDevice if six_digits(code) else StaticDevice
    with transaction.atomic():
        devices = list(model.objects.devices_for_user(user, confirmed=True).select_for_update())
        waits = []
        for device in devices:
            allowed, details = device.verify_is_allowed()
            if not allowed:
                waits.append(details.get("locked_until"))
                continue
            if device.verify_token(code):
                return device
        if devices and len(waits) == len(devices):
            until = min(wait or timezone.now() for wait in waits)
            raise TooManyTries(max(1, int((until - timezone.now()).total_seconds() + 0.999)))
    return None


# Setting up an authenticator app.


def setup_key(request: HttpRequest, user: AbstractBaseUser) -> str:
    """The secret of the app being set up, kept in the session until a code confirms it, so that
    reloading the page does not change the QR code and nothing is stored that was never used."""
    setup = request.session.get(SETUP_KEY)
    if not setup or setup["user"] != user.pk:
        setup = {"user": user.pk, "key": random_hex(20)}
        request.session[SETUP_KEY] = setup
    return setup["key"]


def new_authenticator(user: AbstractBaseUser, key: str) -> TOTPDevice:
    """The device the app will be, not yet saved: for its secret, QR code and link."""
    return TOTPDevice(user=user, name=AUTHENTICATOR_NAME, key=key, confirmed=True)


def check_new_authenticator(key: str, code: str) -> TOTP | None:
    """The app's clock as a code just typed shows it, if the code is one the app makes now."""
    totp = TOTP(unhexlify(key))
    code = "".join(code.split())
    if not six_digits(code):
        return None
    return totp if totp.verify(int(code), tolerance=1) else None


def add_authenticator(
    user: AbstractBaseUser, *, key: str, accepted: TOTP
) -> tuple[TOTPDevice, list[str]]:
    """Save the app, replacing any earlier one, with a fresh set of backup codes."""
    device = new_authenticator(user, key)
    # The code just typed may not be used again.
    device.last_t = accepted.t()
    device.drift = accepted.drift
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).delete()
        device.save()
        codes = new_backup_codes(user)
    return device, codes


def new_backup_codes(user: AbstractBaseUser) -> list[str]:
    """Ten single-use codes, replacing any earlier ones."""
    with transaction.atomic():
        StaticDevice.objects.filter(user=user).delete()
        device = StaticDevice.objects.create(user=user, name=BACKUP_CODES_NAME, confirmed=True)
        codes = [StaticToken.random_token() for _ in range(BACKUP_CODE_COUNT)]
        StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


def backup_codes_left(user: AbstractBaseUser) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


def end_other_sessions(request: HttpRequest, user: AbstractBaseUser) -> int:
    """Log `user` out everywhere but in this session, and say how many sessions ended.

    Once an app is set up, a session opened with the password alone (on a lost phone, by whoever
    learnt the password) must not outlive it. Sessions are kept in the database (config/settings.py)
    and only people with an account have one, so the open ones are read to find theirs.
    """
    current = request.session.session_key
    user_id = user._meta.pk.value_to_string(user)
    others = Session.objects.filter(expire_date__gt=timezone.now()).exclude(session_key=current)
    theirs = [
        session.session_key
        for session in others.iterator()
        if session.get_decoded().get(SESSION_KEY) == user_id
    ]
    Session.objects.filter(session_key__in=theirs).delete()
    return len(theirs)


def turn_off(user: AbstractBaseUser) -> None:
    """Remove the app and the backup codes: the next login asks for the password only."""
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).delete()
        StaticDevice.objects.filter(user=user).delete()
