"""Invitations (issued by staff, accepted by a relative), login and logout."""

import datetime

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import formats, timezone, translation
from pytest_django.asserts import assertContains, assertNotContains, assertRedirects

from campaigns.models import Invitation, Relative, hash_token
from campaigns.services import InvitationUnusable, accept_invitation, invite_relative
from tests.accounts import authenticator, totp_code
from tests.factories import (
    CaseFactory,
    KinshipFactory,
    RelativeFactory,
    RelativeWithAccountFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

User = get_user_model()
GOOD_PASSWORD = "snow on the Aktobe road 2009"


@pytest.fixture
def shynar():
    """A relative of a detainee in the Nukus case, not yet invited."""
    return KinshipFactory(
        detainee__case=CaseFactory(title="Held in Nukus", slug="nukus"),
        relative__given_name="Shynar",
        relative__family_name="Kulegenova",
        relative__email="shynar@example.org",
        relative__phone="+7 701 111 11 11",
        relative__preferred_language=Relative.Language.ENGLISH,
    ).relative


@pytest.fixture
def case(shynar):
    return shynar.cases.get()


@pytest.fixture
def invitation_url(shynar, case, staff_user):
    _invitation, token = Invitation.issue(relative=shynar, case=case, created_by=staff_user)
    return reverse("campaigns:accept-invitation", kwargs={"token": token})


def the_invitation(shynar) -> Invitation:
    return Invitation.objects.get(relative=shynar)


def sign_up(client, url, **fields):
    data = {"username": "shynar", "password1": GOOD_PASSWORD, "password2": GOOD_PASSWORD}
    return client.post(url, data | fields)


class TestInviteRelative:
    def test_emails_the_link_and_the_case_and_returns_the_link(self, rf, shynar, case, staff_user):
        # Another relative of the same case: nothing of theirs may travel in Shynar's e-mail.
        KinshipFactory(
            detainee=case.detainees.get(),
            relative__given_name="Janara",
            relative__phone="+7 702 222 22 22",
            relative__email="janara@example.org",
        )

        url = invite_relative(
            relative=shynar, case=case, invited_by=staff_user, request=rf.get("/admin/")
        )

        assert url.startswith("http://testserver/invitations/")
        assert len(url) < 100, "short enough to paste into a messenger"
        [message] = mail.outbox
        assert message.to == ["shynar@example.org"]
        assert message.subject == "Invitation to follow the case “Held in Nukus”"
        assert url in message.body
        assert "Hello Shynar," in message.body
        assert "“Held in Nukus”" in message.body
        expires = timezone.localtime(timezone.now() + datetime.timedelta(days=7))
        assert f"The link works once, until {expires:%-d %B %Y}." in message.body
        for other in ("Janara", "+7 702", "janara@example.org", "+7 701"):
            assert other not in message.body + message.subject

    def test_is_written_in_the_relatives_language(self, rf, shynar, case, staff_user):
        shynar.preferred_language = Relative.Language.RUSSIAN
        shynar.save()
        invite_relative(relative=shynar, case=case, invited_by=staff_user, request=rf.get("/"))
        expires = timezone.localtime(timezone.now() + datetime.timedelta(days=7))
        with translation.override("ru"):
            in_russian = formats.date_format(expires)
        assert in_russian != f"{expires:%-d %B %Y}"
        assert in_russian in mail.outbox[0].body

    def test_stores_only_a_hash_of_the_token(self, rf, shynar, case, staff_user):
        url = invite_relative(
            relative=shynar, case=case, invited_by=staff_user, request=rf.get("/")
        )
        token = url.rstrip("/").rsplit("/", 1)[1]
        invitation = the_invitation(shynar)
        assert invitation.token_hash == hash_token(token)
        assert token not in str(Invitation.objects.values().get())
        assert invitation.created_by == staff_user
        assert invitation.expires_at - timezone.now() > datetime.timedelta(days=6, hours=23)

    def test_the_link_opens_the_invitation(self, client, rf, shynar, case, staff_user):
        url = invite_relative(
            relative=shynar, case=case, invited_by=staff_user, request=rf.get("/")
        )
        assertContains(client.get(url), "Held in Nukus")

    def test_a_relative_without_an_email_address_gets_the_link_from_staff(
        self, rf, shynar, case, staff_user
    ):
        shynar.email = ""
        shynar.save()
        url = invite_relative(
            relative=shynar, case=case, invited_by=staff_user, request=rf.get("/")
        )
        assert url.startswith("http://testserver/invitations/")
        assert mail.outbox == []
        assert Invitation.objects.filter(relative=shynar).count() == 1

    def test_a_new_invitation_replaces_the_open_one(self, client, rf, shynar, case, staff_user):
        first = invite_relative(
            relative=shynar, case=case, invited_by=staff_user, request=rf.get("/")
        )
        second = invite_relative(
            relative=shynar, case=case, invited_by=staff_user, request=rf.get("/")
        )
        assertContains(client.get(first), "This invitation has expired", status_code=410)
        assertContains(client.get(second), "Create my account")

    def test_refuses_a_case_the_relative_is_not_linked_to(self, rf, shynar, staff_user):
        elsewhere = CaseFactory(title="Held in Tashkent")
        with pytest.raises(ValidationError, match="add their kinship first"):
            invite_relative(
                relative=shynar, case=elsewhere, invited_by=staff_user, request=rf.get("/")
            )
        assert not Invitation.objects.exists()
        assert mail.outbox == []


class TestAcceptInvitation:
    def test_shows_the_case_and_suggests_their_email_as_username(self, client, invitation_url):
        response = client.get(invitation_url)
        assertContains(response, "Shynar, you are invited to follow the case “Held in Nukus”")
        assertContains(
            response,
            '<input type="text" name="username" value="shynar@example.org" maxlength="150"'
            ' autocapitalize="none" autocomplete="username" spellcheck="false" required'
            ' aria-describedby="id_username_helptext" id="id_username">',
            html=True,
        )
        assertContains(response, '<meta name="robots" content="noindex, nofollow">', html=True)
        assert "no-cache" in response["Cache-Control"]

    def test_opening_the_link_does_not_use_it(self, client, shynar, invitation_url):
        client.get(invitation_url)
        client.get(invitation_url)
        assert the_invitation(shynar).used_at is None

    def test_suggests_their_name_when_their_email_is_taken(self, client, invitation_url):
        UserFactory(username="Shynar@example.org")
        assertContains(client.get(invitation_url), 'value="shynar.kulegenova"')

    def test_creates_the_account_logs_them_in_and_opens_their_case(
        self, client, shynar, invitation_url
    ):
        response = sign_up(client, invitation_url)

        assertRedirects(response, reverse("campaigns:relative-case", kwargs={"slug": "nukus"}))
        shynar.refresh_from_db()
        user = shynar.user
        assert user.username == "shynar"
        assert user.check_password(GOOD_PASSWORD)
        assert not user.is_staff and not user.is_superuser
        assert user.email == "shynar@example.org"
        assert the_invitation(shynar).used_at is not None
        assert client.session["_auth_user_id"] == str(user.pk)
        assertContains(client.get(response.url), "<h1>Held in Nukus</h1>", html=True)

    def test_mismatched_passwords_show_the_error_by_the_field_and_save_nothing(
        self, client, shynar, invitation_url
    ):
        response = sign_up(client, invitation_url, username="shynar.k", password2="something else")

        assertContains(
            response,
            '<ul class="field-errors" id="id_password2_error">'
            "<li>The two password fields didn’t match.</li></ul>",
            html=True,
        )
        assertContains(response, 'value="shynar.k"')
        assertNotContains(response, GOOD_PASSWORD)
        assertContains(response, 'aria-invalid="true"')
        assert not User.objects.filter(username="shynar.k").exists()
        shynar.refresh_from_db()
        assert shynar.user is None
        assert the_invitation(shynar).used_at is None

    @pytest.mark.parametrize(
        ("password", "error"),
        [
            ("short1", "This password is too short. It must contain at least 8 characters."),
            ("12345678901", "This password is entirely numeric."),
            ("password123", "This password is too common."),
            ("kulegenova", "The password is too similar to the last name."),
        ],
    )
    def test_the_password_validators_run(self, client, shynar, invitation_url, password, error):
        response = sign_up(client, invitation_url, password1=password, password2=password)
        assertContains(response, f"<li>{error}</li>", html=True)
        assert not User.objects.filter(username="shynar").exists()
        assert the_invitation(shynar).used_at is None

    def test_a_username_already_taken_is_refused(self, client, shynar, invitation_url):
        UserFactory(username="Shynar")
        response = sign_up(client, invitation_url, username="shynar")
        assertContains(response, "A user with that username already exists.")
        assert User.objects.count() == 2  # the staff member and the holder of "Shynar"
        assert the_invitation(shynar).used_at is None

    def test_an_expired_link_says_so_and_shows_nothing_of_the_case(
        self, client, shynar, invitation_url
    ):
        Invitation.objects.update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
        for response in (client.get(invitation_url), sign_up(client, invitation_url)):
            assertContains(response, "This invitation has expired", status_code=410)
            assertContains(
                response, "Ask the staff who invited you for a new one.", status_code=410
            )
            assertNotContains(response, "Held in Nukus", status_code=410)
            assertNotContains(response, "<form", status_code=410)
        assert not User.objects.filter(username="shynar").exists()

    def test_a_used_link_says_so_and_offers_the_login(self, client, shynar, invitation_url):
        sign_up(client, invitation_url)
        client.logout()

        response = client.get(invitation_url)

        assertContains(response, "This invitation has already been used", status_code=410)
        assertContains(
            response,
            f'<a class="button" href="{reverse("campaigns:login")}">Log in</a>',
            html=True,
            status_code=410,
        )

    def test_a_second_tab_cannot_use_the_link_again(self, client, shynar, invitation_url):
        sign_up(client, invitation_url)
        response = sign_up(client, invitation_url, username="shynar2")
        assertContains(response, "This invitation has already been used", status_code=410)
        assert not User.objects.filter(username="shynar2").exists()

    def test_a_used_invitation_cannot_be_accepted_once_locked(self, shynar, invitation_url):
        invitation = the_invitation(shynar)
        Invitation.objects.update(used_at=timezone.now())  # the other tab won, after our checks
        with pytest.raises(InvitationUnusable):
            accept_invitation(invitation=invitation, user=User(username="late"))
        assert not User.objects.filter(username="late").exists()

    def test_a_relative_with_an_account_is_sent_to_log_in(self, client, staff_user):
        relative = KinshipFactory(relative=RelativeWithAccountFactory()).relative
        _invitation, token = Invitation.issue(
            relative=relative, case=relative.cases.get(), created_by=staff_user
        )
        url = reverse("campaigns:accept-invitation", kwargs={"token": token})

        for response in (client.get(url), sign_up(client, url, username="another")):
            assertContains(response, "You already have an account")
            assertContains(response, reverse("campaigns:login"))
        assert not User.objects.filter(username="another").exists()

    def test_an_unknown_token_is_not_found(self, client, invitation_url):
        url = reverse("campaigns:accept-invitation", kwargs={"token": "no-such-token"})
        assert client.get(url).status_code == 404
        assert sign_up(client, url).status_code == 404

    def test_refuses_other_methods(self, client, invitation_url):
        assert client.put(invitation_url).status_code == 405
        assert client.delete(invitation_url).status_code == 405


class TestLogin:
    @pytest.fixture
    def aigul(self):
        user = UserFactory(username="aigul", password="correct horse battery staple")
        return KinshipFactory(relative=RelativeWithAccountFactory(user=user)).relative

    def test_shows_the_form(self, client):
        response = client.get(reverse("campaigns:login"))
        assertContains(response, '<label for="id_username">Username</label>', html=True)
        assertContains(response, '<button type="submit" class="button">Log in</button>', html=True)

    def test_a_relative_lands_in_their_workspace(self, client, aigul):
        response = client.post(
            reverse("campaigns:login"),
            {"username": "aigul", "password": "correct horse battery staple"},
        )
        assertRedirects(response, reverse("campaigns:home"))
        assert client.session["_auth_user_id"] == str(aigul.user.pk)

    def test_goes_back_to_the_page_that_asked_for_it(self, client, aigul):
        case_url = reverse("campaigns:relative-case", kwargs={"slug": aigul.cases.get().slug})
        login_url = client.get(case_url).url
        assert login_url == f"{reverse('campaigns:login')}?next={case_url}"
        assertContains(client.get(login_url), f'name="next" value="{case_url}"')
        response = client.post(
            login_url,
            {"username": "aigul", "password": "correct horse battery staple", "next": case_url},
        )
        assertRedirects(response, case_url)

    def test_staff_land_in_the_admin_once_they_gave_their_code(self, client, staff_user):
        device = authenticator(staff_user)
        response = client.post(
            reverse("campaigns:login"),
            {"username": "staff", "password": "correct horse battery staple"},
            follow=True,
        )
        assert response.redirect_chain[-1][0].startswith(reverse("campaigns:two-factor"))
        response = client.post(
            response.redirect_chain[-1][0], {"code": totp_code(device)}, follow=True
        )
        assert response.redirect_chain[-1][0] == reverse("admin:index")

    def test_wrong_credentials_say_so_and_keep_the_username(self, client, aigul):
        response = client.post(
            reverse("campaigns:login"), {"username": "aigul", "password": "wrong"}
        )
        assertContains(
            response,
            "Please enter a correct username and password. "
            "Note that both fields may be case-sensitive.",
        )
        assertContains(response, 'value="aigul"')
        assert "_auth_user_id" not in client.session

    def test_a_logged_in_relative_is_sent_on_to_their_workspace(self, client, aigul):
        client.force_login(aigul.user)
        assertRedirects(client.get(reverse("campaigns:login")), reverse("campaigns:home"))

    def test_refuses_other_methods(self, client):
        assert client.put(reverse("campaigns:login")).status_code == 405


class TestLogout:
    def test_logs_out_on_post(self, client):
        relative = RelativeWithAccountFactory()
        client.force_login(relative.user)
        response = client.post(reverse("campaigns:logout"))
        assertRedirects(response, reverse("detentions:case-list"))
        assert "_auth_user_id" not in client.session

    def test_a_link_cannot_log_anyone_out(self, client):
        relative = RelativeWithAccountFactory()
        client.force_login(relative.user)
        assert client.get(reverse("campaigns:logout")).status_code == 405
        assert client.session["_auth_user_id"] == str(relative.user.pk)

    def test_the_workspace_offers_a_logout_button(self, client):
        relative = RelativeWithAccountFactory()
        client.force_login(relative.user)
        response = client.get(reverse("campaigns:home"))
        assertContains(response, f'<form method="post" action="{reverse("campaigns:logout")}">')


def test_the_relative_factory_has_no_account_unless_asked():
    assert RelativeFactory().user is None
