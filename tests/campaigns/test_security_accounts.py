"""Accounts locked down: failed logins lock out (django-axes), passwords follow Django's
validators, staff give a code from an authenticator app (django-otp) and relatives may choose to,
and a forgotten password is set again by e-mail without revealing who has an account."""

import datetime
import re
from base64 import b32decode
from html import unescape

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from pytest_django.asserts import assertContains, assertNotContains, assertRedirects

from campaigns import two_factor
from campaigns.models import Relative
from tests.accounts import PASSWORD, authenticator, log_in, totp_code
from tests.factories import (
    CaseFactory,
    KinshipFactory,
    RelativeWithAccountFactory,
    StaffUserFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

User = get_user_model()
LOGIN = "campaigns:login"
NEW_PASSWORD = "steppe wind over Nukus 2009"


@pytest.fixture
def aigul():
    """A relative with an account, linked to a case."""
    user = UserFactory(username="aigul", email="aigul@example.org")
    return KinshipFactory(relative=RelativeWithAccountFactory(user=user)).relative


@pytest.fixture
def staff():
    return StaffUserFactory(username="reviewer", is_superuser=False)


@pytest.fixture
def superuser():
    return StaffUserFactory(username="root")


def log_in_with_password(client, username, password=PASSWORD, **extra):
    return client.post(reverse(LOGIN), {"username": username, "password": password}, **extra)


def give_code(client, code, next_url=""):
    data = {"code": code} | ({"next": next_url} if next_url else {})
    return client.post(reverse("campaigns:two-factor"), data)


def field_errors(response, field: str) -> list[str]:
    """The errors shown beside one field (templates/campaigns/_field.html)."""
    found = re.search(
        rf'<ul class="field-errors" id="id_{field}_error">(.*?)</ul>', response.content.decode()
    )
    return (
        [unescape(item) for item in re.findall(r"<li>(.*?)</li>", found.group(1))] if found else []
    )


def logged_in_user_id(client) -> str | None:
    return client.session.get("_auth_user_id")


class TestLockout:
    def fail(self, client, username, times, **extra):
        return [log_in_with_password(client, username, "wrong", **extra) for _ in range(times)]

    def test_the_fifth_failure_locks_the_username_out_with_a_clear_message(self, client, aigul):
        assert settings.AXES_FAILURE_LIMIT == 5
        for response in self.fail(client, "aigul", 4):
            assertContains(response, "Please enter a correct username and password.")

        [locked] = self.fail(client, "aigul", 1)

        assertContains(locked, "Too many failed attempts to log in", status_code=429)
        assertContains(locked, "Logging in is paused for 30 minutes.", status_code=429)
        assertContains(locked, 'name="username" value="aigul"', status_code=429)
        assertContains(locked, reverse("campaigns:password-reset"), status_code=429)
        assert locked["Retry-After"] == str(30 * 60)

    def test_even_the_right_password_waits_for_the_cool_off(self, client, aigul):
        self.fail(client, "aigul", 5)
        response = log_in_with_password(client, "aigul")
        assertContains(response, "Too many failed attempts", status_code=429)
        assert logged_in_user_id(client) is None

        AccessAttempt.objects.update(attempt_time=timezone.now() - datetime.timedelta(minutes=31))
        assertRedirects(log_in_with_password(client, "aigul"), reverse("campaigns:home"))

    def test_an_oversized_username_is_refused_by_the_form_and_never_counted(self, client):
        """Found on PostgreSQL: a 300-character name reached the lockout table's column."""
        response = log_in_with_password(client, "x" * 300)

        assert field_errors(response, "username") == [
            "Ensure this value has at most 150 characters (it has 300)."
        ]
        assert not AccessAttempt.objects.exists()

    def test_does_not_tell_whether_the_username_exists(self, client, aigul):
        def pages(username):
            responses = self.fail(client, username, 5)
            return [
                (r.status_code, re.sub(r'value="[^"]*"', "", r.content.decode())) for r in responses
            ]

        known, unknown = pages("aigul"), pages("nobody-by-this-name")
        assert known == unknown
        assert known[-1][0] == 429

    def test_locks_only_that_username_from_that_address(self, client, aigul):
        UserFactory(username="janar")
        self.fail(client, "aigul", 5, REMOTE_ADDR="203.0.113.7")

        # Another username from the same address, and the family from their own connection.
        assertRedirects(
            log_in_with_password(client, "janar", REMOTE_ADDR="203.0.113.7"),
            reverse("campaigns:home"),
            fetch_redirect_response=False,
        )
        client.logout()
        assertRedirects(
            log_in_with_password(client, "aigul", REMOTE_ADDR="198.51.100.2"),
            reverse("campaigns:home"),
        )

    def test_behind_a_proxy_counts_the_address_the_proxy_names(self, client, settings, aigul):
        settings.INTAKE_TRUSTED_PROXY_HEADER = "X-Forwarded-For"
        proxy = {"REMOTE_ADDR": "10.0.0.1"}
        self.fail(client, "aigul", 5, HTTP_X_FORWARDED_FOR="203.0.113.7", **proxy)
        locked = log_in_with_password(client, "aigul", HTTP_X_FORWARDED_FOR="203.0.113.7", **proxy)
        assert locked.status_code == 429
        # Only the last address is the proxy's own: a made-up first one changes nothing.
        spoofed = log_in_with_password(
            client, "aigul", HTTP_X_FORWARDED_FOR="192.0.2.1, 203.0.113.7", **proxy
        )
        assert spoofed.status_code == 429
        assertRedirects(
            log_in_with_password(client, "aigul", HTTP_X_FORWARDED_FOR="198.51.100.2", **proxy),
            reverse("campaigns:home"),
        )

    def test_a_successful_login_clears_the_count(self, client, aigul):
        self.fail(client, "aigul", 4)
        log_in_with_password(client, "aigul")
        client.logout()
        for response in self.fail(client, "aigul", 4):
            assert response.status_code == 200

    def test_keeps_the_page_to_go_back_to(self, client, aigul):
        home = reverse("campaigns:home")
        self.fail(client, "aigul", 4)
        locked = client.post(
            reverse(LOGIN), {"username": "aigul", "password": "wrong", "next": home}
        )
        assertContains(locked, f'name="next" value="{home}"', status_code=429)

    def test_the_admin_login_is_ours(self, client, staff):
        """One login page, so one lockout and one second step, for the admin too."""
        response = client.get(reverse("admin:login"))
        assertRedirects(
            response,
            f"{reverse(LOGIN)}?next={reverse('admin:index')}",
            fetch_redirect_response=False,
        )
        posted = client.post(reverse("admin:login"), {"username": "reviewer", "password": PASSWORD})
        assert posted.status_code == 302
        assert logged_in_user_id(client) is None


class TestPasswordValidators:
    def test_are_configured(self):
        names = {
            validator["NAME"].rsplit(".", 1)[1] for validator in settings.AUTH_PASSWORD_VALIDATORS
        }
        assert names == {
            "UserAttributeSimilarityValidator",
            "MinimumLengthValidator",
            "CommonPasswordValidator",
            "NumericPasswordValidator",
        }

    def test_the_invitation_shows_them_beside_the_password(self, client, staff):
        from campaigns.models import Invitation

        relative = KinshipFactory(relative__email="dana@example.org").relative
        _invitation, token = Invitation.issue(
            relative=relative, case=relative.cases.get(), created_by=staff
        )
        url = reverse("campaigns:accept-invitation", kwargs={"token": token})
        page = client.get(url)
        assertContains(page, "Your password must contain at least 8 characters.")

        response = client.post(
            url, {"username": "dana", "password1": "12345678", "password2": "12345678"}
        )

        assert "This password is too common." in field_errors(response, "password2")
        assert "This password is entirely numeric." in field_errors(response, "password2")
        assert not User.objects.filter(username="dana").exists()


class TestStaffMustGiveACode:
    def test_a_staff_member_without_an_app_sets_one_up_before_anything(self, client, staff):
        response = log_in_with_password(client, "reviewer")

        setup = reverse("campaigns:two-factor-setup")
        assertRedirects(
            response, f"{setup}?next={reverse('campaigns:home')}", fetch_redirect_response=False
        )
        assert logged_in_user_id(client) is None, "not logged in before the code"
        assertRedirects(
            client.get(reverse("staff:home")),
            f"{reverse(LOGIN)}?next={reverse('staff:home')}",
        )

    def test_setting_up_shows_the_secret_the_qr_code_and_the_link(self, client, staff):
        log_in_with_password(client, "reviewer")
        page = client.get(reverse("campaigns:two-factor-setup"))

        text = page.content.decode()
        secret = re.search(r'<code class="secret">([A-Z2-7 ]+)</code>', text).group(1)
        uri = unescape(re.search(r'href="(otpauth://[^"]+)"', text).group(1))
        assert f"secret={secret.replace(' ', '')}" in uri
        assert uri.startswith("otpauth://totp/Detained%20abroad%3Areviewer?")
        assert "issuer=Detained%20abroad" in uri
        assert '<svg viewBox="' in text and 'class="qr-code"' in text
        assert page["Cache-Control"].startswith("max-age=0, no-cache, no-store")
        # Reloading keeps the same secret: the app already scanned may stay.
        again = client.get(reverse("campaigns:two-factor-setup")).content.decode()
        assert secret in again
        assert not TOTPDevice.objects.exists(), "nothing stored before a code confirms it"

    def test_a_code_from_the_app_confirms_it_logs_in_and_shows_backup_codes(self, client, staff):
        log_in_with_password(client, "reviewer")
        page = client.get(reverse("campaigns:two-factor-setup"), {"next": reverse("staff:home")})
        secret = re.search(r'<code class="secret">([A-Z2-7 ]+)</code>', page.content.decode())
        key = b32decode(secret.group(1).replace(" ", ""))
        code = f"{TOTP(key).token():06d}"

        response = client.post(
            reverse("campaigns:two-factor-setup"), {"code": code, "next": reverse("staff:home")}
        )

        assertContains(response, "Your backup codes")
        codes = re.findall(r"<li><code>([a-z2-7]{8})</code></li>", response.content.decode())
        assert len(codes) == two_factor.BACKUP_CODE_COUNT
        assert sorted(codes) == sorted(
            StaticToken.objects.filter(device__user=staff).values_list("token", flat=True)
        )
        assertContains(response, f'href="{reverse("staff:home")}"')
        device = TOTPDevice.objects.get(user=staff)
        assert device.confirmed and device.bin_key == key
        assert logged_in_user_id(client) == str(staff.pk)
        assert client.session[DEVICE_ID_SESSION_KEY] == device.persistent_id
        assert client.get(reverse("staff:home")).status_code == 200
        assert client.get(reverse("admin:index")).status_code == 200

    def test_a_wrong_code_at_set_up_says_so_beside_the_field(self, client, staff):
        log_in_with_password(client, "reviewer")
        response = client.post(reverse("campaigns:two-factor-setup"), {"code": "000000"})
        assert field_errors(response, "code") == [
            "This code is not right. Check that the app shows this site, then type the 6 "
            "digits it shows now."
        ]
        assertContains(response, 'aria-invalid="true"')
        assert not TOTPDevice.objects.exists()
        assert logged_in_user_id(client) is None

    def test_with_an_app_the_login_asks_for_its_code(self, client, staff):
        device = authenticator(staff)
        response = log_in_with_password(client, "reviewer")
        verify = f"{reverse('campaigns:two-factor')}?next={reverse('campaigns:home')}"
        assertRedirects(response, verify, fetch_redirect_response=False)
        page = client.get(verify)
        assertContains(page, '<label for="id_code">Code</label>', html=True)
        assertContains(page, 'autocomplete="one-time-code"')

        response = give_code(client, totp_code(device), reverse("staff:home"))

        assertRedirects(response, reverse("staff:home"))
        assert logged_in_user_id(client) == str(staff.pk)

    def test_a_wrong_code_says_so_beside_the_field(self, client, staff):
        authenticator(staff)
        log_in_with_password(client, "reviewer")

        response = give_code(client, "123456")

        assert field_errors(response, "code") == [
            "This code is not right. Type the 6 digits your app shows now (they change every "
            "30 seconds), or one of your backup codes."
        ]
        assert logged_in_user_id(client) is None
        # At once again: each wrong code makes the next one wait longer.
        again = give_code(client, "654321")
        assert field_errors(again, "code") == [
            "Too many wrong codes. Wait 1 second, then try again."
        ]

    def test_a_code_works_once(self, client, staff):
        device = authenticator(staff)
        code = totp_code(device)
        log_in_with_password(client, "reviewer")
        give_code(client, code)
        client.logout()
        log_in_with_password(client, "reviewer")
        device.refresh_from_db()
        device.throttle_reset()

        response = give_code(client, code)

        assert field_errors(response, "code")
        assert logged_in_user_id(client) is None

    def test_a_backup_code_works_once(self, client, staff):
        authenticator(staff)
        [code, *_others] = two_factor.new_backup_codes(staff)
        log_in_with_password(client, "reviewer")
        assertRedirects(
            give_code(client, code.upper()), reverse("campaigns:home"), target_status_code=302
        )
        client.logout()
        StaticDevice.objects.update(throttling_failure_count=0)
        log_in_with_password(client, "reviewer")
        assert field_errors(give_code(client, code), "code")
        assert StaticToken.objects.count() == two_factor.BACKUP_CODE_COUNT - 1

    def test_the_step_waits_fifteen_minutes_at_most(self, client, staff, monkeypatch):
        device = authenticator(staff)
        log_in_with_password(client, "reviewer")
        session = client.session
        session[two_factor.HELD_KEY]["since"] -= 15 * 60 + 1
        session.save()

        response = give_code(client, totp_code(device))

        assert response.status_code == 302
        assert response.url.startswith(reverse(LOGIN))
        assert logged_in_user_id(client) is None

    def test_nobody_on_the_way_is_sent_to_log_in(self, client):
        for name in ("campaigns:two-factor", "campaigns:two-factor-setup"):
            response = client.get(reverse(name))
            assert response.status_code == 302
            assert response.url.startswith(reverse(LOGIN))
            assert client.post(reverse(name), {"code": "123456"}).status_code == 302

    @pytest.mark.parametrize("maker", ["staff", "superuser"])
    def test_a_session_without_the_code_is_sent_to_give_it(self, client, request, maker):
        """Sessions from before the rule, or accounts made staff while logged in."""
        user = request.getfixturevalue(maker)
        client.force_login(user)
        setup = reverse("campaigns:two-factor-setup")

        staff_page = client.get(reverse("staff:home"))
        assertRedirects(
            staff_page, f"{setup}?next={reverse('staff:home')}", fetch_redirect_response=False
        )
        admin_page = client.get(reverse("admin:index"), follow=True)
        assert admin_page.redirect_chain[-1][0] == f"{setup}?next={reverse('admin:index')}"

        device = authenticator(user)
        assert client.get(reverse("staff:home")).url.startswith(reverse("campaigns:two-factor"))
        give_code(client, totp_code(device))
        assert client.get(reverse("staff:home")).status_code == 200
        assert client.get(reverse("admin:index")).status_code == 200

    def test_a_relative_finds_no_admin(self, client, aigul):
        client.force_login(aigul.user)
        assert client.get(reverse("admin:login")).status_code == 404

    def test_staff_cannot_turn_it_off(self, client, staff):
        device = authenticator(staff)
        log_in(client, staff)
        page = client.get(reverse("campaigns:two-factor-settings"))
        assertContains(page, "Staff accounts must use it.")
        assertNotContains(page, "Turn off two-step login")
        client.post(reverse("campaigns:two-factor-settings"), {"code": totp_code(device)})
        assert TOTPDevice.objects.filter(user=staff).exists()

    def test_a_superuser_resets_a_lost_phone_in_the_admin(self, client, staff, superuser):
        authenticator(staff)
        two_factor.new_backup_codes(staff)
        log_in(client, superuser)
        for model, name in (
            (TOTPDevice, "otp_totp_totpdevice"),
            (StaticDevice, "otp_static_staticdevice"),
        ):
            device = model.objects.get(user=staff)
            url = reverse(f"admin:{name}_delete", args=[device.pk])
            assertContains(client.get(url), "Are you sure")
            client.post(url, {"post": "yes"})
        assert not two_factor.is_on(staff)
        client.logout()

        response = log_in_with_password(client, "reviewer")

        assert response.url.startswith(reverse("campaigns:two-factor-setup"))

    def test_the_code_page_opens_in_the_accounts_language(self, client, staff):
        from campaigns.models import StaffMember

        StaffMember.objects.create(user=staff, preferred_language="ru")
        authenticator(staff)
        response = log_in_with_password(client, "reviewer")
        assert response.url == "/ru/accounts/two-factor/?next=/ru/my/"
        assertContains(client.get(response.url), '<html lang="ru">')


class TestRelativesMayTurnItOn:
    def test_without_it_the_password_is_enough(self, client, aigul):
        assertRedirects(log_in_with_password(client, "aigul"), reverse("campaigns:home"))
        page = client.get(reverse("campaigns:two-factor-settings"))
        assertContains(page, "Two-step login is off.")
        assertContains(
            page,
            f'href="{reverse("campaigns:two-factor-setup")}?next='
            f'{reverse("campaigns:two-factor-settings")}"',
        )

    def test_the_workspace_links_to_it(self, client, aigul):
        client.force_login(aigul.user)
        assertContains(
            client.get(reverse("campaigns:home")), reverse("campaigns:two-factor-settings")
        )

    def test_turning_it_on_makes_the_next_login_ask_for_a_code(self, client, aigul):
        client.force_login(aigul.user)
        settings_page = reverse("campaigns:two-factor-settings")
        client.get(reverse("campaigns:two-factor-setup"), {"next": settings_page})
        key = bytes.fromhex(client.session[two_factor.SETUP_KEY]["key"])

        done = client.post(
            reverse("campaigns:two-factor-setup"),
            {"code": f"{TOTP(key).token():06d}", "next": settings_page},
        )

        assertContains(done, "Two-step login is on")
        assertContains(done, f'href="{settings_page}"')
        assertContains(client.get(settings_page), "Two-step login is on.")
        client.logout()
        response = log_in_with_password(client, "aigul")
        assert response.url.startswith(reverse("campaigns:two-factor"))
        assert logged_in_user_id(client) is None
        give_code(client, totp_code(TOTPDevice.objects.get(user=aigul.user)))
        assert logged_in_user_id(client) == str(aigul.user.pk)
        assert client.get(reverse("campaigns:home")).status_code == 200

    def test_turning_it_on_logs_out_every_other_session(self, client, aigul, staff):
        """A phone that was lost, or whoever learnt the password, is logged out; this session
        and other people's stay."""
        elsewhere = Client()
        elsewhere.force_login(aigul.user)
        someone_else = log_in(Client(), staff)
        client.force_login(aigul.user)
        client.get(reverse("campaigns:two-factor-setup"))
        key = bytes.fromhex(client.session[two_factor.SETUP_KEY]["key"])

        client.post(reverse("campaigns:two-factor-setup"), {"code": f"{TOTP(key).token():06d}"})

        assert logged_in_user_id(client) == str(aigul.user.pk)
        assert client.get(reverse("campaigns:home")).status_code == 200
        assert logged_in_user_id(elsewhere) is None
        assert elsewhere.get(reverse("campaigns:home")).url.startswith(reverse(LOGIN))
        assert someone_else.get(reverse("staff:home")).status_code == 200

    def test_turning_it_off_needs_a_right_code(self, client, aigul):
        device = authenticator(aigul.user)
        log_in(client, aigul.user)
        settings_page = reverse("campaigns:two-factor-settings")

        wrong = client.post(settings_page, {"code": "000000"})

        assert field_errors(wrong, "code")
        assert two_factor.is_on(aigul.user)
        device.throttle_reset()
        response = client.post(settings_page, {"code": totp_code(device)}, follow=True)
        assertContains(response, "Two-step login is off. Your password is enough to log in.")
        assert not two_factor.is_on(aigul.user)
        client.logout()
        assertRedirects(log_in_with_password(client, "aigul"), reverse("campaigns:home"))

    def test_needs_a_login(self, client):
        response = client.get(reverse("campaigns:two-factor-settings"))
        assert response.url.startswith(reverse(LOGIN))

    def test_refuses_other_methods(self, client, aigul):
        client.force_login(aigul.user)
        for name in (
            "campaigns:two-factor-settings",
            "campaigns:two-factor",
            "campaigns:two-factor-setup",
        ):
            assert client.put(reverse(name)).status_code == 405


class TestNewBackupCodes:
    """Whoever has two-step login on makes new backup codes with a code from the app."""

    def test_a_code_from_the_app_replaces_the_backup_codes(self, client, staff):
        device = authenticator(staff)
        old = two_factor.new_backup_codes(staff)
        log_in(client, staff)
        settings_page = reverse("campaigns:two-factor-settings")
        page = client.get(settings_page)
        assertContains(page, "Make new backup codes")
        # A label of its own, apart from the code that turns two-step login off.
        assertContains(page, "Code from the app")

        response = client.post(settings_page, {"codes-code": totp_code(device)})

        assertContains(response, "Your new backup codes")
        assertContains(response, "Your earlier backup codes no longer work.")
        new = response.context["codes"]
        assert len(new) == two_factor.BACKUP_CODE_COUNT
        for code in new:
            assertContains(response, f"<code>{code}</code>", html=True)
        assert not set(new) & set(old)
        assert not StaticToken.objects.filter(token__in=old).exists()
        assert two_factor.verify_code(staff, new[0]) is not None
        assert two_factor.backup_codes_left(staff) == two_factor.BACKUP_CODE_COUNT - 1
        assert two_factor.is_on(staff)

    def test_a_backup_code_cannot_make_new_ones(self, client, aigul):
        authenticator(aigul.user)
        old = two_factor.new_backup_codes(aigul.user)
        log_in(client, aigul.user)

        response = client.post(reverse("campaigns:two-factor-settings"), {"codes-code": old[0]})

        assert field_errors(response, "codes-code") == [
            "Type the 6 digits your app shows now: a backup code cannot make new ones."
        ]
        # Neither used up nor replaced; and the form beside it, to turn it off, did nothing.
        assert two_factor.backup_codes_left(aigul.user) == two_factor.BACKUP_CODE_COUNT
        assert two_factor.verify_code(aigul.user, old[0]) is not None
        assert two_factor.is_on(aigul.user)

    def test_a_wrong_code_changes_nothing(self, client, aigul):
        authenticator(aigul.user)
        old = two_factor.new_backup_codes(aigul.user)
        log_in(client, aigul.user)

        response = client.post(reverse("campaigns:two-factor-settings"), {"codes-code": "000000"})

        assertContains(response, "This code is not right.")
        assert set(StaticToken.objects.values_list("token", flat=True)) == set(old)

    def test_without_two_step_login_there_is_nothing_to_replace(self, client, aigul):
        client.force_login(aigul.user)
        page = client.get(reverse("campaigns:two-factor-settings"))
        assertNotContains(page, "Make new backup codes")
        client.post(reverse("campaigns:two-factor-settings"), {"codes-code": "123456"})
        assert not StaticDevice.objects.exists()


class TestPasswordReset:
    def ask(self, client, email, prefix=""):
        return client.post(prefix + reverse("campaigns:password-reset"), {"email": email})

    def test_the_login_page_links_to_it(self, client):
        assertContains(
            client.get(reverse(LOGIN)),
            f'<a href="{reverse("campaigns:password-reset")}">Forgot your password?</a>',
            html=True,
        )

    def test_an_unknown_address_gets_the_same_answer_and_no_mail(self, client, aigul):
        known = self.ask(client, "aigul@example.org")
        unknown = self.ask(client, "nobody@example.org")

        for response in (known, unknown):
            assertRedirects(response, reverse("campaigns:password-reset-sent"))
        assert len(mail.outbox) == 1
        page = client.get(reverse("campaigns:password-reset-sent"))
        assertContains(page, "If an account has this address")

    def test_the_link_sets_a_new_password_to_log_in_with(self, client, aigul):
        self.ask(client, "AIGUL@example.org")
        [message] = mail.outbox
        assert message.to == ["aigul@example.org"]
        assert message.subject == "Choose a new password"
        assert "Your username: aigul" in message.body
        link = re.search(r"http://testserver(/\S+)", message.body).group(1)

        form_page = client.get(link, follow=True)
        set_password_url = form_page.redirect_chain[-1][0]
        assert "set-password" in set_password_url
        weak = client.post(
            set_password_url, {"new_password1": "password123", "new_password2": "password123"}
        )
        assert "This password is too common." in field_errors(weak, "new_password2")
        done = client.post(
            set_password_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
        )

        assertRedirects(done, reverse("campaigns:password-reset-complete"))
        assertRedirects(
            log_in_with_password(client, "aigul", NEW_PASSWORD), reverse("campaigns:home")
        )
        client.logout()
        # The link worked once.
        assertContains(client.get(link, follow=True), "This link no longer works")

    def test_the_mail_and_link_are_in_the_accounts_language(self, client, aigul):
        Relative.objects.filter(pk=aigul.pk).update(preferred_language="ru")
        self.ask(client, "aigul@example.org")
        link = re.search(r"http://testserver(/\S+)", mail.outbox[0].body).group(1)
        assert link.startswith("/ru/accounts/password-reset/")
        response = client.get(link, follow=True)
        assertContains(response, '<html lang="ru">')
        assertContains(response, 'name="new_password1"')

    def test_an_address_may_ask_five_times_an_hour(self, client, aigul):
        cache.clear()  # no count left by another test
        for _ in range(5):
            sent = self.ask(client, "aigul@example.org")
            assertRedirects(sent, reverse("campaigns:password-reset-sent"))

        refused = self.ask(client, "aigul@example.org")

        assert refused.status_code == 429
        assert refused["Retry-After"] == "3600"
        assertContains(
            refused,
            "Too many links have been asked for from your connection in the last hour, so no "
            "e-mail was sent. Please try again in an hour.",
            status_code=429,
        )
        assertContains(refused, 'value="aigul@example.org"', status_code=429)
        assert len(mail.outbox) == 5
        # Whatever address is typed: the count is the sender's.
        assert self.ask(client, "nobody@example.org").status_code == 429
        elsewhere = client.post(
            reverse("campaigns:password-reset"),
            {"email": "aigul@example.org"},
            REMOTE_ADDR="203.0.113.9",
        )
        assertRedirects(elsewhere, reverse("campaigns:password-reset-sent"))
        assert len(mail.outbox) == 6

    def test_refuses_other_methods(self, client):
        for name in ("campaigns:password-reset", "campaigns:password-reset-sent"):
            assert client.put(reverse(name)).status_code == 405
        confirm = reverse("campaigns:password-reset-confirm", args=["MQ", "made-up"])
        assert client.delete(confirm).status_code == 405

    def test_works_under_a_language_prefix(self, client, aigul):
        response = self.ask(client, "aigul@example.org", prefix="/kk")
        assert response.url == "/kk/accounts/password-reset/sent/"
        assert len(mail.outbox) == 1

    def test_lifts_a_lockout(self, client, aigul):
        for _ in range(5):
            log_in_with_password(client, "aigul", "wrong")
        assert AccessAttempt.objects.exists()
        self.ask(client, "aigul@example.org")
        link = re.search(r"http://testserver(/\S+)", mail.outbox[0].body).group(1)
        set_password_url = client.get(link).url
        client.post(
            set_password_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
        )
        assertRedirects(
            log_in_with_password(client, "aigul", NEW_PASSWORD), reverse("campaigns:home")
        )

    def test_a_relative_with_two_step_login_still_gives_a_code(self, client, aigul):
        authenticator(aigul.user)
        self.ask(client, "aigul@example.org")
        link = re.search(r"http://testserver(/\S+)", mail.outbox[0].body).group(1)
        set_password_url = client.get(link).url
        client.post(
            set_password_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
        )
        assert logged_in_user_id(client) is None
        response = log_in_with_password(client, "aigul", NEW_PASSWORD)
        assert response.url.startswith(reverse("campaigns:two-factor"))


def test_an_inactive_staff_account_is_refused_like_any_wrong_password(client):
    StaffUserFactory(username="former", is_active=False)
    response = log_in_with_password(client, "former")
    assertContains(response, "Please enter a correct username and password.")
    assert not client.session.get(two_factor.HELD_KEY)


def test_the_case_worker_group_gets_no_rights_over_devices_or_lockouts():
    from django.contrib.auth.models import Group

    group = Group.objects.get(name="case worker")
    labels = set(group.permissions.values_list("content_type__app_label", flat=True))
    assert labels <= {"detentions", "campaigns"}


def test_the_log_in_helper_gives_a_staff_session_its_code(client):
    user = StaffUserFactory()
    log_in(client, user)
    assert client.get(reverse("staff:home")).status_code == 200
    case = CaseFactory()
    assert client.get(reverse("staff:case", kwargs={"slug": case.slug})).status_code == 200
