"""Kazakh, Russian and English: addresses that keep their language, the switcher, the choice kept
on the account, pages and e-mails with no English left in them."""

import json
from html.parser import HTMLParser
from pathlib import Path

import django
import polib
import pytest
from django.conf import settings
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import translation
from pytest_django.asserts import assertContains, assertRedirects

from campaigns.demo import CASE_SLUG
from campaigns.models import Relative, StaffMember
from detentions.models import Case
from detentions.templatetags.numbers import grouped
from tests.accounts import log_in
from tests.factories import (
    CaseFactory,
    EntryFactory,
    KinshipFactory,
    RelativeWithAccountFactory,
    StaffUserFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

LANGUAGE_COOKIE = settings.LANGUAGE_COOKIE_NAME


def url_in(language: str, name: str, **kwargs) -> str:
    with translation.override(language):
        return reverse(name, kwargs=kwargs or None)


class TestAddresses:
    def test_english_has_no_prefix_and_the_others_have_theirs(self, client):
        case = CaseFactory(slug="nukus", is_published=True)

        assert case.get_absolute_url() == "/cases/nukus/"
        for language in ("ru", "kk"):
            page = client.get(f"/{language}/cases/nukus/")
            assertContains(page, f'<html lang="{language}">')
            # Links on the page stay in its language.
            assertContains(page, f'<a class="site-name" href="/{language}/">')

    def test_a_first_visit_follows_the_browsers_language(self, client):
        CaseFactory(slug="nukus", is_published=True)

        page = client.get("/cases/nukus/?tab=1", headers={"accept-language": "kk-KZ,ru;q=0.8"})

        assertRedirects(page, "/kk/cases/nukus/?tab=1", fetch_redirect_response=False)
        assert "Accept-Language" in page["Vary"] and "Cookie" in page["Vary"]

    def test_a_reader_who_chose_english_stays_on_it(self, client):
        client.cookies[LANGUAGE_COOKIE] = "en"

        page = client.get("/", headers={"accept-language": "ru"})

        assert page.status_code == 200
        assertContains(page, '<html lang="en">')

    def test_a_prefixed_link_keeps_its_language_whatever_the_browser_says(self, client):
        page = client.get("/ru/", headers={"accept-language": "en"})

        assert page.status_code == 200
        assertContains(page, '<html lang="ru">')

    def test_feeds_and_downloads_are_not_redirected(self, client):
        page = client.get("/feed/", headers={"accept-language": "ru"})

        assert page.status_code == 200


class TestSwitcher:
    def test_every_page_links_to_itself_in_the_other_languages(self, client):
        CaseFactory(slug="nukus", is_published=True)

        page = client.get("/ru/cases/nukus/")

        assertContains(page, '<strong aria-current="true" lang="ru">Русский</strong>', html=False)
        assertContains(page, 'href="/ru/language/kk/?next=%2Fru%2Fcases%2Fnukus%2F"')
        assertContains(page, 'href="/ru/language/en/?next=%2Fru%2Fcases%2Fnukus%2F"')
        assertContains(
            page, '<link rel="alternate" hreflang="kk" href="http://testserver/kk/cases/nukus/">'
        )

    def test_switching_opens_the_same_page_and_keeps_the_choice(self, client):
        CaseFactory(slug="nukus", is_published=True)

        switched = client.get("/ru/language/en/?next=/ru/cases/nukus/")

        assertRedirects(switched, "/cases/nukus/", fetch_redirect_response=False)
        assert switched.cookies[LANGUAGE_COOKIE].value == "en"
        # Back on an English address with a Russian browser: no redirect, the choice holds.
        page = client.get("/cases/nukus/", headers={"accept-language": "ru"})
        assertContains(page, '<html lang="en">')

    def test_an_address_elsewhere_is_not_followed(self, client):
        switched = client.get("/language/ru/?next=https://elsewhere.example/cases/")

        assertRedirects(switched, "/ru/", fetch_redirect_response=False)

    def test_an_unknown_language_is_not_found(self, client):
        assert client.get("/language/de/?next=/").status_code == 404

    def test_an_error_page_does_not_repeat_the_address_that_failed(self, client):
        page = client.get("/ru/cases/private-draft/")

        assert page.status_code == 404
        assert "private-draft" not in page.content.decode()
        assertContains(page, 'href="/ru/language/kk/?next=%2Fru%2F"', status_code=404)


class TestTheChoiceIsKeptOnTheAccount:
    def test_a_relative_who_switches_keeps_it_for_their_e_mails_too(self, client):
        relative = RelativeWithAccountFactory(preferred_language=Relative.Language.RUSSIAN)
        client.force_login(relative.user)

        client.get("/ru/language/kk/?next=/ru/my/")

        relative.refresh_from_db()
        assert relative.preferred_language == "kk"

    def test_staff_keep_it_on_their_staff_record(self, client):
        user = StaffUserFactory()
        log_in(client, user)

        client.get("/language/ru/?next=/staff/")

        assert StaffMember.objects.get(user=user).preferred_language == "ru"

    def test_logging_in_opens_the_accounts_language(self, client):
        relative = RelativeWithAccountFactory(preferred_language=Relative.Language.KAZAKH)
        relative.user.set_password("Nukus-letters-2009")
        relative.user.save()

        response = client.post(
            "/accounts/login/?next=/my/",
            {"username": relative.user.username, "password": "Nukus-letters-2009"},
        )

        assertRedirects(response, "/kk/my/", fetch_redirect_response=False)
        assert response.cookies[LANGUAGE_COOKIE].value == "kk"


class TestFeedsAndDownloads:
    @pytest.fixture
    def case(self):
        call_command("load_demo", verbosity=0)
        return Case.objects.get(slug=CASE_SLUG)

    def test_a_feed_is_titled_in_the_language_asked_for(self, client, case):
        english = client.get(f"/cases/{CASE_SLUG}/feed/").content.decode()
        russian = client.get(f"/ru/cases/{CASE_SLUG}/feed/").content.decode()

        assert "Detained abroad" in english
        assert "Задержанные за рубежом" in russian and "Detained abroad" not in russian
        assert f"/ru/cases/{CASE_SLUG}/#event-" in russian
        # The same elements: only the words change.
        assert russian.count("<entry>") == english.count("<entry>") > 0

    def test_the_json_keeps_its_field_names(self, client, case):
        def keys(value) -> set[str]:
            if isinstance(value, dict):
                return set(value) | {k for v in value.values() for k in keys(v)}
            if isinstance(value, list):
                return {k for v in value for k in keys(v)}
            return set()

        english = json.loads(client.get(f"/cases/{CASE_SLUG}/timeline.json").content)
        kazakh = json.loads(client.get(f"/kk/cases/{CASE_SLUG}/timeline.json").content)

        assert keys(kazakh) == keys(english)
        assert kazakh["schema"] == english["schema"]


def test_a_staff_digest_is_written_in_the_staff_members_language():
    user = StaffUserFactory(email="dana@bureau.example.org")
    StaffMember.objects.create(user=user, preferred_language="ru")
    EntryFactory()

    call_command("send_staff_digest", verbosity=0)

    (message,) = mail.outbox
    assert "/ru/staff/" in message.body
    assert "Everything waiting for review" not in message.body


@pytest.mark.parametrize(
    ("language", "written"), [("en", "6,520"), ("ru", "6\xa0520"), ("kk", "6\xa0520")]
)
def test_numbers_are_grouped_as_each_language_writes_them(language, written):
    with translation.override(language):
        assert grouped(6520) == written


# --- No English left on the key pages -------------------------------------------------------


class VisibleText(HTMLParser):
    """The words a reader sees or hears: text outside scripts and styles, and the attributes
    that screen readers and browsers show."""

    SHOWN_ATTRIBUTES = {"title", "aria-label", "placeholder", "alt"}

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self.hidden_depth = 0

    def handle_starttag(self, tag, attrs) -> None:
        if tag in ("script", "style"):
            self.hidden_depth += 1
        for name, value in attrs:
            if value and (
                name in self.SHOWN_ATTRIBUTES or (name == "value" and ("type", "submit") in attrs)
            ):
                self.parts.append(value)

    def handle_endtag(self, tag) -> None:
        if tag in ("script", "style"):
            self.hidden_depth -= 1

    def handle_data(self, data) -> None:
        if not self.hidden_depth:
            self.parts.append(data)


def visible_texts(html: str) -> set[str]:
    """Each text node and shown attribute on its own, trimmed of spaces and punctuation: a label
    is a whole node (<dt>Days in detention</dt>), while the demo's English data only contains
    such words inside longer text."""
    parser = VisibleText()
    parser.feed(html)
    return {" ".join(part.split()).strip(" :;,.·()") for part in parser.parts}


def english_labels() -> set[str]:
    """Every interface text of two words or more with no placeholder, ours and the admin's: what
    would show if a page left something untranslated."""
    catalogs = [
        Path(settings.BASE_DIR) / "locale/ru/LC_MESSAGES/django.po",
        Path(django.__file__).parent / "contrib/admin/locale/kk/LC_MESSAGES/django.po",
    ]
    return {
        " ".join(entry.msgid.split()).strip(" :;,.·()")
        for catalog in catalogs
        for entry in polib.pofile(str(catalog))
        if len(entry.msgid.split()) >= 2 and "%" not in entry.msgid and "<" not in entry.msgid
    }


@pytest.fixture
def demo():
    call_command("load_demo", verbosity=0)
    case = Case.objects.get(slug=CASE_SLUG)
    relative = RelativeWithAccountFactory(given_name="Aliya")
    KinshipFactory(relative=relative, case=case, detainee=case.detainees.first())
    entry = EntryFactory(relative=relative, event__case=case)
    superuser = UserFactory(is_staff=True, is_superuser=True)
    return {"case": case, "relative": relative, "entry": entry, "superuser": superuser}


def key_pages(demo) -> list[tuple[str, object, dict]]:
    """(URL name, who reads it, URL kwargs)."""
    slug = {"slug": CASE_SLUG}
    public = [
        ("detentions:case-list", None, {}),
        ("detentions:case-detail", None, slug),
        ("detentions:institution-detail", None, {"slug": "kz-knb-aktobe"}),
        ("campaigns:report-detention", None, {}),
        ("campaigns:login", None, {}),
    ]
    relative = demo["relative"].user
    workspace = [
        ("campaigns:home", relative, {}),
        ("campaigns:relative-case", relative, slug),
        ("campaigns:log-entry", relative, slug),
        ("campaigns:edit-entry", relative, {"pk": demo["entry"].pk}),
    ]
    staff = demo["superuser"]
    staff_pages = [
        ("staff:home", staff, {}),
        ("staff:case", staff, slug),
        ("staff:review-entry", staff, {"pk": demo["entry"].pk}),
        ("staff:event-add", staff, slug),
        ("staff:dossier", staff, slug),
        ("staff:case-history", staff, slug),
        ("admin:index", staff, {}),
        ("admin:detentions_event_changelist", staff, {}),
        ("admin:campaigns_relative_add", staff, {}),
    ]
    return public + workspace + staff_pages


# Demo data that happens to equal a label: a citation's locator, shown on the history page.
DEMO_DATA = {"media coverage"}


@pytest.mark.parametrize("language", ["ru", "kk"])
def test_key_pages_show_no_english_interface_text(client, demo, language):
    labels = english_labels() - DEMO_DATA
    leftovers = {}
    for name, reader, kwargs in key_pages(demo):
        client.logout()
        if reader is not None:
            log_in(client, reader)
        url = url_in(language, name, **kwargs)
        page = client.get(url)
        assert page.status_code == 200, url
        assertContains(page, f'<html lang="{language}"')
        found = sorted(labels & visible_texts(page.content.decode()))
        if found:
            leftovers[url] = found

    assert not leftovers, f"English left on {language} pages: {leftovers}"
