import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from pytest_django.asserts import assertContains, assertRedirects

from campaigns.models import IntakeReport
from campaigns.views.intake import address_hash
from tests.admin_pages import assert_shows
from tests.factories import CaseFactory, EventFactory, IntakeReportFactory

pytestmark = pytest.mark.django_db

FORM_URL = reverse("campaigns:report-detention")
RECEIVED_URL = reverse("campaigns:report-received")

TYPED = {
    "who_is_held": "My brothers Nurlan and Yerlan, with 25 other men from Aktobe region",
    "held_where": "The pre-trial detention unit in Nukus",
    "held_since": "since the 21st of February, at the border",
    "what_happened": "Their column took a wrong turn in the snow and crossed into Uzbekistan.",
    "reporter_name": "Janara",
    "reporter_contact": "+7 701 555 01 23 (WhatsApp)",
    "reporter_language": "kk",
}


# What someone typed in their own words, as opposed to a choice among the form's options.
WORDS = [value for name, value in TYPED.items() if name != "reporter_language"]


def report(**changes: str) -> dict[str, str]:
    return {**TYPED, "website": ""} | changes


@pytest.fixture
def limit_of_two(settings):
    settings.INTAKE_REPORTS_PER_HOUR = 2
    return 2


class TestForm:
    def test_anyone_may_open_it(self, client, django_assert_num_queries):
        with django_assert_num_queries(0):
            response = client.get(FORM_URL)

        assert response.status_code == 200
        assertContains(response, "<h1>Report a detention</h1>", html=True)
        for name in TYPED:
            assertContains(response, f'name="{name}"')
        assert "no-store" in response["Cache-Control"]

    def test_the_trap_is_hidden_from_people_and_says_to_leave_it_empty(self, client):
        response = client.get(FORM_URL)

        assert_shows(
            response,
            '<div class="field trap" aria-hidden="true">'
            '<label for="id_website">Leave this field empty:</label>'
            '<input type="text" name="website" tabindex="-1" autocomplete="off" id="id_website">'
            "</div>",
        )

    def test_the_language_the_page_is_read_in_is_chosen_first(self, client):
        response = client.get(FORM_URL, headers={"accept-language": "ru"}, follow=True)

        assert response.redirect_chain == [("/ru" + FORM_URL, 302)]
        assertContains(response, 'value="ru" id="id_reporter_language_1" checked', html=False)

    def test_the_site_header_links_to_it(self, client):
        response = client.get(reverse("detentions:case-list"))

        assert_shows(response, f'<a class="site-report" href="{FORM_URL}">Report a detention</a>')

    def test_put_and_delete_are_refused(self, client):
        assert client.put(FORM_URL).status_code == 405
        assert client.delete(FORM_URL).status_code == 405
        assert client.post(RECEIVED_URL).status_code == 405


class TestSending:
    def test_saves_exactly_what_was_typed_in_the_private_queue(self, client):
        response = client.post(FORM_URL, report(), REMOTE_ADDR="203.0.113.7")

        assertRedirects(response, RECEIVED_URL)
        saved = IntakeReport.objects.get()
        assert {name: getattr(saved, name) for name in TYPED} == TYPED
        assert saved.state == IntakeReport.State.NEW
        assert saved.staff_notes == ""
        assert saved.address_hash == address_hash("203.0.113.7")

    def test_the_address_is_stored_only_as_a_keyed_hash(self, client, settings):
        client.post(FORM_URL, report(), REMOTE_ADDR="203.0.113.7")

        stored = IntakeReport.objects.get().address_hash
        assert len(stored) == 64
        assert "203.0.113.7" not in stored
        settings.SECRET_KEY = "another-key-for-this-test"
        assert address_hash("203.0.113.7") != stored

    def test_missing_answers_are_marked_and_everything_else_kept(self, client):
        response = client.post(FORM_URL, report(who_is_held="", reporter_contact="  "))

        assert response.status_code == 200
        assertContains(response, "Your report was not sent yet: some answers are missing.")
        for name in ["who_is_held", "reporter_contact"]:
            assert_shows(
                response,
                f'<ul class="errorlist" id="id_{name}_error"><li>This field is required.</li></ul>',
            )
            assertContains(response, f'aria-describedby="id_{name}_helptext id_{name}_error"')
        assertContains(response, f'value="{TYPED["held_since"]}"')
        assertContains(response, f'value="{TYPED["reporter_name"]}"')
        assertContains(response, TYPED["what_happened"])
        assertContains(response, TYPED["held_where"])
        assertContains(response, 'value="kk" id="id_reporter_language_0" checked', html=False)
        assert not IntakeReport.objects.exists()

    def test_a_filled_in_trap_looks_like_success_but_saves_nothing(self, client):
        response = client.post(FORM_URL, report(website="https://cheap-pills.example"))

        assertRedirects(response, RECEIVED_URL)
        assert not IntakeReport.objects.exists()

    def test_the_thank_you_page_says_what_happens_next_and_shows_nothing_sent(self, client):
        response = client.post(FORM_URL, report(), follow=True)

        assertContains(response, "Thank you: your report has reached us")
        assertContains(response, "What happens next")
        main = response.content.decode().split('<main id="main">')[1]
        for words in [*WORDS, "Қазақша"]:  # the switcher names Kazakh too, outside <main>
            assert words not in main

    def test_a_report_appears_on_no_public_page(self, client):
        case = CaseFactory(slug="public-case")
        EventFactory(case=case, title="A public fact")
        client.post(FORM_URL, report())
        assert IntakeReport.objects.exists()

        for url in [
            reverse("detentions:case-list"),
            reverse("detentions:case-detail", kwargs={"slug": case.slug}),
            reverse("detentions:feed"),
            reverse("detentions:case-feed", kwargs={"slug": case.slug}),
            reverse("detentions:case-timeline-json", kwargs={"slug": case.slug}),
            reverse("detentions:case-timeline-csv", kwargs={"slug": case.slug}),
            reverse("detentions:sitemap"),
            RECEIVED_URL,
        ]:
            response = client.get(url)
            body = b"".join(response) if response.streaming else response.content
            assert response.status_code == 200, url
            for words in WORDS:
                assert words not in body.decode(), (url, words)


class TestRateLimit:
    def test_one_too_many_is_refused_with_what_was_typed_kept(self, client, limit_of_two):
        for _ in range(limit_of_two):
            assertRedirects(client.post(FORM_URL, report()), RECEIVED_URL)

        response = client.post(FORM_URL, report(held_since="since March"))

        assert response.status_code == 429
        assert response["Retry-After"] == "3600"
        assertContains(
            response,
            "Too many reports have been sent from your connection in the last hour",
            status_code=429,
        )
        assertContains(response, 'value="since March"', status_code=429)
        assertContains(response, TYPED["what_happened"], status_code=429)
        assert IntakeReport.objects.count() == limit_of_two
        assert set(IntakeReport.objects.values_list("held_since", flat=True)) == {
            TYPED["held_since"]
        }

    def test_the_default_limit_is_five_an_hour(self, client):
        IntakeReportFactory.create_batch(4, address_hash=address_hash("127.0.0.1"))
        assertRedirects(client.post(FORM_URL, report()), RECEIVED_URL)

        assert client.post(FORM_URL, report()).status_code == 429
        assert IntakeReport.objects.count() == 5

    def test_another_address_is_not_limited(self, client, limit_of_two):
        IntakeReportFactory.create_batch(limit_of_two, address_hash=address_hash("127.0.0.1"))

        response = client.post(FORM_URL, report(), REMOTE_ADDR="198.51.100.4")

        assertRedirects(response, RECEIVED_URL)
        assert IntakeReport.objects.filter(address_hash=address_hash("198.51.100.4")).count() == 1

    def test_reports_older_than_an_hour_do_not_count(self, client, limit_of_two):
        IntakeReportFactory.create_batch(limit_of_two, address_hash=address_hash("127.0.0.1"))
        an_hour_ago = timezone.now() - datetime.timedelta(hours=1, seconds=1)
        IntakeReport.objects.update(created_at=an_hour_ago)

        response = client.post(FORM_URL, report())

        assertRedirects(response, RECEIVED_URL)
        assert IntakeReport.objects.count() == limit_of_two + 1

    def test_a_trap_caught_report_is_not_counted(self, client, limit_of_two):
        for _ in range(limit_of_two + 1):
            client.post(FORM_URL, report(website="spam"))

        assertRedirects(client.post(FORM_URL, report()), RECEIVED_URL)

    def test_without_a_trusted_proxy_a_forwarded_header_is_ignored(self, client, limit_of_two):
        for n in range(limit_of_two):
            client.post(FORM_URL, report(), headers={"x-forwarded-for": f"192.0.2.{n}"})

        response = client.post(FORM_URL, report(), headers={"x-forwarded-for": "192.0.2.99"})

        assert response.status_code == 429

    def test_behind_a_proxy_the_address_it_saw_counts(self, client, settings, limit_of_two):
        settings.INTAKE_TRUSTED_PROXY_HEADER = "X-Forwarded-For"
        # Whatever the sender put before the proxy's own entry changes nothing.
        for n in range(limit_of_two):
            client.post(FORM_URL, report(), headers={"x-forwarded-for": f"10.0.0.{n}, 192.0.2.5"})

        limited = client.post(FORM_URL, report(), headers={"x-forwarded-for": "192.0.2.5"})
        other = client.post(FORM_URL, report(), headers={"x-forwarded-for": "192.0.2.6"})

        assert limited.status_code == 429
        assertRedirects(other, RECEIVED_URL)
        assert IntakeReport.objects.filter(address_hash=address_hash("192.0.2.5")).count() == 2


class TestReceived:
    def test_anyone_may_open_it_and_search_engines_skip_it(self, client, django_assert_num_queries):
        with django_assert_num_queries(0):
            response = client.get(RECEIVED_URL)

        assertContains(response, "What happens next")
        assertContains(response, '<meta name="robots" content="noindex">', html=True)
        assertContains(response, f'<a href="{FORM_URL}">Report another detention</a>', html=True)
