import datetime
import xml.etree.ElementTree as ET

import pytest
from django.urls import reverse
from django.utils import timezone

from detentions.models import Case, Event
from tests.factories import (
    CaseFactory,
    EventFactory,
    InstitutionFactory,
    OfficialContactFactory,
    OfficialFactory,
    timeline_of_every_kind,
)

pytestmark = pytest.mark.django_db

SITEMAP = {"sm": "http://www.sitemaps.org/schemas/sitemap/0.9"}
SITEMAP_URL = reverse("detentions:sitemap")


def urls(response) -> dict[str, str | None]:
    """Each listed location and its lastmod."""
    assert response.status_code == 200
    root = ET.fromstring(response.content)  # noqa: S314 (our own output)
    return {
        url.findtext("sm:loc", namespaces=SITEMAP): url.findtext("sm:lastmod", namespaces=SITEMAP)
        for url in root.findall("sm:url", SITEMAP)
    }


class TestSitemap:
    def test_lists_home_published_cases_and_institutions_with_a_public_page(self, client):
        case = CaseFactory(slug="nukus-27")
        OfficialContactFactory(event__case=case, institution__slug="kz-mfa")
        OfficialContactFactory(
            event__case=case, institution=None, official=OfficialFactory(institution__slug="emb")
        )

        listed = urls(client.get(SITEMAP_URL))

        assert set(listed) == {
            "http://testserver/",
            "http://testserver/cases/nukus-27/",
            "http://testserver/institutions/emb/",
            "http://testserver/institutions/kz-mfa/",
        }

    def test_lastmod_is_when_the_public_content_last_changed(self, client):
        case = CaseFactory(slug="nukus-27")
        public = OfficialContactFactory(event__case=case, institution__slug="kz-mfa").event
        internal = EventFactory(case=case, is_public=False)
        edited = datetime.datetime(2024, 5, 1, 12, tzinfo=datetime.UTC)
        Event.objects.filter(pk=public.pk).update(updated_at=edited)
        Event.objects.filter(pk=internal.pk).update(updated_at=timezone.now())
        Case.objects.filter(pk=case.pk).update(updated_at=edited - datetime.timedelta(days=30))

        listed = urls(client.get(SITEMAP_URL))

        assert listed["http://testserver/cases/nukus-27/"] == "2024-05-01"
        assert listed["http://testserver/institutions/kz-mfa/"] == "2024-05-01"

    def test_an_institutions_lastmod_counts_contacts_with_its_officials(self, client):
        case = CaseFactory()
        day = datetime.datetime(2024, 5, 1, 12, tzinfo=datetime.UTC)

        def contacts(slug: str, *, addressed_on, official_on) -> None:
            body = InstitutionFactory(slug=slug)
            addressed = OfficialContactFactory(event__case=case, institution=body).event
            official = OfficialFactory(institution=body)
            to_official = OfficialContactFactory(
                event__case=case, institution=None, official=official
            ).event
            internal = OfficialContactFactory(
                event__case=case, event__is_public=False, institution=body
            ).event
            Event.objects.filter(pk=addressed.pk).update(updated_at=addressed_on)
            Event.objects.filter(pk=to_official.pk).update(updated_at=official_on)
            Event.objects.filter(pk=internal.pk).update(updated_at=timezone.now())

        contacts("official-newest", addressed_on=day, official_on=day + datetime.timedelta(9))
        contacts("addressed-newest", addressed_on=day, official_on=day - datetime.timedelta(9))

        listed = urls(client.get(SITEMAP_URL))

        assert listed["http://testserver/institutions/official-newest/"] == "2024-05-10"
        assert listed["http://testserver/institutions/addressed-newest/"] == "2024-05-01"

    def test_lists_nothing_that_is_not_public(self, client):
        published = CaseFactory(slug="published")
        draft = CaseFactory(slug="draft", is_published=False)
        OfficialContactFactory(event__case=draft, institution__slug="written-to-in-a-draft")
        OfficialContactFactory(
            event__case=published, event__is_public=False, institution__slug="internal-only"
        )
        OfficialContactFactory(
            event__case=published,
            event__verification=Event.Verification.REPORTED,
            institution__slug="unverified-only",
        )
        InstitutionFactory(slug="never-contacted")

        listed = urls(client.get(SITEMAP_URL))

        assert set(listed) == {"http://testserver/", "http://testserver/cases/published/"}

    def test_refuses_writes(self, client):
        assert client.post(SITEMAP_URL).status_code == 405

    @pytest.mark.parametrize("cases", [1, 6])
    def test_runs_a_fixed_number_of_queries(self, client, cases, django_assert_max_num_queries):
        for case in CaseFactory.create_batch(cases):
            timeline_of_every_kind(case, rounds=1)
        with django_assert_max_num_queries(9):
            listed = urls(client.get(SITEMAP_URL))
        # The home page; each case, the body it wrote to and the embassy of the consul it met.
        assert len(listed) == 1 + 3 * cases


class TestRobots:
    def test_allows_all_but_the_admin_and_points_to_the_sitemap(self, client):
        response = client.get(reverse("detentions:robots"))
        assert response["Content-Type"] == "text/plain; charset=utf-8"
        lines = response.content.decode().splitlines()
        assert lines[0] == "User-agent: *"
        assert "Disallow: /admin/" in lines
        assert "Sitemap: http://testserver/sitemap.xml" in lines
        assert not any(line == "Disallow: /" for line in lines)

    def test_uses_the_address_it_was_asked_on(self, client):
        response = client.get(reverse("detentions:robots"), secure=True)
        assert "Sitemap: https://testserver/sitemap.xml" in response.content.decode()

    def test_refuses_writes(self, client):
        assert client.post(reverse("detentions:robots")).status_code == 405
