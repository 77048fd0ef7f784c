"""Public pages are cached whole and answered 304 when unchanged, yet never shown stale."""

import datetime

import pytest
from django.apps import apps
from django.core.cache import caches
from django.urls import reverse
from django.utils import timezone

from detentions.models import CaseStatus, ContentVersion, Event, EventKind, StatusChange
from detentions.page_cache import _matters, after_migrate, note_public_change
from tests.factories import (
    CaseFactory,
    DetaineeFactory,
    EventFactory,
    InstitutionFactory,
    KinshipFactory,
    OfficialContactFactory,
    timeline_of_every_kind,
)

pytestmark = pytest.mark.django_db


def case_url(case) -> str:
    return reverse("detentions:case-detail", kwargs={"slug": case.slug})


def public_urls(case) -> list[str]:
    slug = {"slug": case.slug}
    return [
        reverse("detentions:case-list"),
        case_url(case),
        reverse("detentions:case-feed", kwargs=slug),
        reverse("detentions:feed"),
        reverse("detentions:case-timeline-json", kwargs=slug),
        reverse("detentions:case-timeline-csv", kwargs=slug),
        reverse("detentions:sitemap"),
    ]


def body(response) -> str:
    return response.content.decode("utf-8-sig")


class TestCachedPages:
    def test_a_second_reading_is_served_from_the_cache(self, client, django_assert_num_queries):
        case = CaseFactory()
        timeline_of_every_kind(case, rounds=2)
        for url in public_urls(case):
            first = client.get(url)
            # Only the version of public content is read; nothing is built again.
            with django_assert_num_queries(1):
                second = client.get(url)
            assert second.status_code == 200
            assert second.content == first.content, url
            assert second["Content-Type"] == first["Content-Type"]

    def test_a_newly_published_case_is_listed_at_once(self, client):
        CaseFactory(title="Held in Nukus")
        draft = CaseFactory(title="Held in Karshi", is_published=False)
        assert "Held in Karshi" not in body(client.get(reverse("detentions:case-list")))

        draft.is_published = True
        draft.save()

        assert "Held in Karshi" in body(client.get(reverse("detentions:case-list")))

    @pytest.mark.parametrize("url_index", range(1, 7))
    def test_a_new_public_event_shows_at_once(self, client, url_index):
        case = CaseFactory()
        EventFactory(case=case, title="Detained at the border")
        url = public_urls(case)[url_index]
        assert "Consul finally let in" not in body(client.get(url))

        event = EventFactory(case=case, title="Consul finally let in")

        page = body(client.get(url))
        if "sitemap" in url:  # the sitemap says when the case page changed
            assert timezone.localtime(event.updated_at).date().isoformat() in page
        else:
            assert "Consul finally let in" in page

    def test_an_edit_of_an_event_shows_at_once(self, client):
        case = CaseFactory()
        event = EventFactory(case=case, title="Letter sent to the MFA")
        client.get(case_url(case))

        event.title = "Letter sent to the Ministry of Foreign Affairs"
        event.save()

        assert "to the Ministry of Foreign Affairs" in body(client.get(case_url(case)))

    def test_unpublishing_a_case_takes_it_down_at_once(self, client):
        case = CaseFactory(title="Held in Nukus")
        assert client.get(case_url(case)).status_code == 200
        assert "Held in Nukus" in body(client.get(reverse("detentions:case-list")))

        case.is_published = False
        case.save()

        assert client.get(case_url(case)).status_code == 404
        assert "Held in Nukus" not in body(client.get(reverse("detentions:case-list")))

    def test_an_event_made_internal_disappears_at_once(self, client):
        event = EventFactory(title="Rumour from the SIZO")
        assert "Rumour from the SIZO" in body(client.get(case_url(event.case)))

        event.is_public = False
        event.save()

        assert "Rumour from the SIZO" not in body(client.get(case_url(event.case)))

    def test_a_renamed_body_is_renamed_on_every_page_that_names_it(self, client):
        institution = InstitutionFactory(name="KNB Aktobe")
        contact = OfficialContactFactory(institution=institution)
        assert "KNB Aktobe" in body(client.get(case_url(contact.event.case)))

        institution.name = "National Security Committee, Aktobe"
        institution.save()

        page = body(client.get(case_url(contact.event.case)))
        assert "National Security Committee, Aktobe" in page

    def test_many_to_many_changes_move_the_version_on(self, client):
        """Many-to-many changes move the version on too."""
        case = CaseFactory()
        event = EventFactory(case=case, kind=EventKind.STATUS_CHANGE)
        change = StatusChange.objects.create(event=event, status=CaseStatus.CHARGED)
        detainee = DetaineeFactory(case=case)
        before = ContentVersion.current()

        change.detainees.add(detainee)

        assert ContentVersion.current() > before

    def test_a_relative_who_agrees_to_be_named_is_named_at_once(self, client):
        kinship = KinshipFactory(relative__given_name="Janara", relative__name_display="withheld")
        url = case_url(kinship.case)
        assert "Janara" not in body(client.get(url))

        kinship.relative.name_display = "given_name"
        kinship.relative.save()

        assert "Janara" in body(client.get(url))

    def test_languages_are_cached_apart(self, client):
        url = case_url(CaseFactory())
        english = body(client.get(url))
        russian = body(client.get(f"/ru{url}"))
        assert "Timeline" in english
        assert "Хронология" in russian
        assert "Хронология" not in body(client.get(url))

    def test_days_in_detention_are_counted_again_the_next_day(self, client, monkeypatch):
        case = CaseFactory(began_on=datetime.date(2009, 2, 21))
        url = case_url(case)
        today = timezone.localdate()
        client.get(url)

        monkeypatch.setattr(timezone, "localdate", lambda: today + datetime.timedelta(days=1))

        days = (today + datetime.timedelta(days=1) - datetime.date(2009, 2, 21)).days
        assert f"{days:,}" in body(client.get(url))

    def test_errors_are_not_cached(self, client):
        url = reverse("detentions:case-detail", kwargs={"slug": "not-yet"})
        assert client.get(url).status_code == 404
        CaseFactory(slug="not-yet")
        assert client.get(url).status_code == 200

    def test_can_be_switched_off(self, client, settings, django_assert_max_num_queries):
        settings.PUBLIC_PAGE_CACHE = False
        case = CaseFactory()
        client.get(case_url(case))
        with django_assert_max_num_queries(10) as queries:
            client.get(case_url(case))
        assert len(queries) > 1  # built again

    def test_writes_that_go_around_save_must_say_so(self, client):
        """`QuerySet.update()` sends no signal; code that uses it calls note_public_change()."""
        event = EventFactory(title="Parcel accepted")
        client.get(case_url(event.case))
        Event.objects.filter(pk=event.pk).update(title="Parcel turned back")
        assert "Parcel accepted" in body(client.get(case_url(event.case)))

        note_public_change()

        assert "Parcel turned back" in body(client.get(case_url(event.case)))


class TestMemoryOfEachProcess:
    """With a shared cache (Redis in production), each process keeps pages in its own memory
    too; searches keep to a memory of their own there."""

    @pytest.fixture
    def two_tiers(self, settings, tmp_path):
        memory = "django.core.cache.backends.locmem.LocMemCache"
        settings.CACHES = {
            # Another kind than the processes' own, as Redis is; on disk, for the test.
            "default": {
                "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
                "LOCATION": str(tmp_path),
            },
            # Room for one page: a second pushes the first out.
            "pages_in_process": {
                "BACKEND": memory,
                "LOCATION": "test-pages",
                "OPTIONS": {"MAX_ENTRIES": 1, "CULL_FREQUENCY": 1},
            },
            "searches_in_process": {"BACKEND": memory, "LOCATION": "test-searches"},
        }
        yield
        for alias in settings.CACHES:
            caches[alias].clear()

    def test_searches_do_not_push_pages_out(self, client, two_tiers, django_assert_num_queries):
        case = CaseFactory(title="Held in Nukus")
        client.get(case_url(case))
        for text in ("Nukus", "Karakalpakstan", "Zhaslyk"):
            assert client.get(reverse("detentions:search"), {"q": text}).status_code == 200
        caches["default"].clear()  # what is left is in this process's memory

        with django_assert_num_queries(1):  # the version; the page came from memory
            page = client.get(case_url(case))
        assert "Held in Nukus" in body(page)

    def test_a_page_pushed_out_of_memory_is_read_from_the_shared_cache(
        self, client, two_tiers, django_assert_num_queries
    ):
        first, second = CaseFactory(), CaseFactory()
        client.get(case_url(first))
        client.get(case_url(second))  # pushes the first out of memory

        with django_assert_num_queries(1):
            page = client.get(case_url(first))
        assert first.title in body(page)


class TestConditionalGet:
    def test_an_unchanged_page_is_answered_304(self, client):
        case = CaseFactory()
        for url in public_urls(case):
            first = client.get(url)
            assert first["ETag"]
            assert first["Last-Modified"]
            assert "no-cache" in first["Cache-Control"]

            again = client.get(url, headers={"If-None-Match": first["ETag"]})
            assert again.status_code == 304, url
            assert again.content == b""

    def test_a_date_alone_is_not_trusted(self, client):
        """An edit in the same second as the copy a client holds would look unchanged."""
        case = CaseFactory()
        first = client.get(case_url(case))
        since = client.get(case_url(case), headers={"If-Modified-Since": first["Last-Modified"]})
        assert since.status_code == 200
        assert since.content == first.content

    def test_a_304_builds_nothing(self, client, django_assert_num_queries):
        case = CaseFactory()
        timeline_of_every_kind(case, rounds=1)
        etag = client.get(case_url(case))["ETag"]
        with django_assert_num_queries(1):
            assert client.get(case_url(case), headers={"If-None-Match": etag}).status_code == 304

    def test_after_an_edit_the_old_etag_gets_the_new_page(self, client):
        event = EventFactory(title="Letter sent")
        etag = client.get(case_url(event.case))["ETag"]

        event.title = "Letter answered"
        event.save()

        response = client.get(case_url(event.case), headers={"If-None-Match": etag})
        assert response.status_code == 200
        assert response["ETag"] != etag
        assert "Letter answered" in body(response)

    def test_each_language_has_its_own_etag(self, client):
        url = case_url(CaseFactory())
        english = client.get(url)["ETag"]
        russian = client.get(f"/ru{url}")
        assert russian["ETag"] != english
        assert client.get(f"/ru{url}", headers={"If-None-Match": english}).status_code == 200


class TestVersion:
    def test_every_change_gives_a_later_version(self):
        before = ContentVersion.current()
        ContentVersion.bump()
        ContentVersion.bump()
        assert ContentVersion.current() > before

    def test_a_missing_row_is_made_again(self):
        ContentVersion.objects.all().delete()
        assert ContentVersion.current() is not None
        assert ContentVersion.objects.count() == 1

    def test_a_migration_that_ran_moves_it_on_and_one_that_did_nothing_does_not(self):
        before = ContentVersion.current()
        after_migrate(sender=None, plan=[])
        assert ContentVersion.current() == before

        after_migrate(sender=None, plan=[(object(), False)])

        assert ContentVersion.current() > before

    def test_the_models_migrations_use_are_left_alone(self):
        """Their saves run before the version's table may exist."""
        from django.db.migrations.state import ProjectState

        historical = ProjectState.from_apps(apps).apps.get_model("detentions", "Event")
        assert not _matters(historical)
        assert _matters(Event)
