"""Staff search: every spelling and full names, relatives too, within the cases a staff member
may see."""

import datetime
import html
import re

import pytest
from django.test import Client
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains, assertRedirects

from campaigns.models import StaffMember
from detentions.models import NameDisplay
from tests.accounts import log_in
from tests.factories import (
    CaseFactory,
    DetaineeFactory,
    FacilityFactory,
    InstitutionFactory,
    KinshipFactory,
    OfficialFactory,
    OrganisationFactory,
    RelativeWithAccountFactory,
    StaffUserFactory,
)

pytestmark = pytest.mark.django_db

URL = reverse("staff:search")


def section(response, kind: str) -> str:
    """The text of one kind's results, tags dropped; empty when that kind found nothing."""
    page = response.content.decode()
    found = re.search(rf'<section aria-labelledby="{kind}">(.*?)</section>', page, re.S)
    if not found:
        return ""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", found.group(1))).split())


def client_for(user) -> Client:
    client = Client()
    log_in(client, user)
    return client


@pytest.fixture
def ours():
    """A case of "our" organisation: unpublished, with people the public may not see named."""
    organisation = OrganisationFactory(name="Kadyr Kasiet")
    case = CaseFactory(title="Detained in Aktau", slug="aktau", is_published=False)
    organisation.cases.add(case)
    keukenov = DetaineeFactory(
        case=case,
        reference="1",
        name_latin="Baurzhan Keukenov",
        name_original="Бауыржан Кеукенов",
        other_names="Baurjan Keukenov",
        facility=FacilityFactory(
            name="Pre-trial detention unit 2", slug="aktau-sizo", town="Aktau"
        ),
    )
    DetaineeFactory(
        case=case,
        reference="2",
        name_latin="Talgat Seitkali",
        name_display=NameDisplay.INITIALS,
    )
    KinshipFactory(
        detainee=keukenov,
        relative__given_name="Zhanar",
        relative__family_name="Keukenova",
        relative__name_original="Жанар Кеукенова",
    )
    return case


@pytest.fixture
def theirs():
    """Another organisation's case, with a relative of their own."""
    case = CaseFactory(title="Held in Nukus", slug="nukus")
    OrganisationFactory(name="Other bureau").cases.add(case)
    detainee = DetaineeFactory(
        case=case, reference="1", name_latin="Gulnar Zhayanova", name_display=NameDisplay.FULL
    )
    KinshipFactory(
        detainee=detainee, relative__given_name="Aigerim", relative__family_name="Jayanova"
    )
    return case


@pytest.fixture
def limited_client(ours):
    """A case worker limited to the organisation that works on `ours`."""
    user = StaffUserFactory(username="limited", is_superuser=False)
    StaffMember.objects.create(
        user=user, organisation=ours.organisations.get(), only_own_cases=True
    )
    return client_for(user)


class TestAccess:
    def test_anonymous_is_sent_to_log_in(self, client):
        response = client.get(URL, {"q": "Keukenov"})
        assertRedirects(
            response,
            f"{reverse('campaigns:login')}?next=/staff/search/%3Fq%3DKeukenov",
            fetch_redirect_response=False,
        )

    def test_a_relative_gets_404(self, ours):
        relative = client_for(RelativeWithAccountFactory().user)
        assert relative.get(URL, {"q": "Keukenov"}).status_code == 404

    def test_refuses_writes(self, staff_client):
        assert staff_client.post(URL).status_code == 405

    def test_the_staff_pages_link_to_it(self, staff_client):
        response = staff_client.get(reverse("staff:home"))
        assertContains(response, '<a href="/staff/search/">Search</a>', html=True)
        assertContains(
            response,
            '<form class="site-search" role="search" method="get" action="/staff/search/">',
        )


class TestNames:
    @pytest.mark.parametrize(
        "query",
        ["Baurjan Keukenov", "Бауыржан Кеукенов", "Keukenov Baurzhan", "Baursan Keukinov"],
    )
    def test_finds_people_by_any_spelling_with_their_full_name(self, staff_client, ours, query):
        people = section(staff_client.get(URL, {"q": query}), "people")
        assert people.startswith("People (1) Baurzhan Keukenov (Бауыржан Кеукенов)")
        assert "no. 1, Detained in Aktau" in people
        assert "Pre-trial detention unit 2, Aktau" in people

    def test_finds_names_the_public_may_not_see(self, staff_client, ours):
        response = staff_client.get(URL, {"q": "Talgat Seitkali"})
        assert "Talgat Seitkali" in section(response, "people")
        assert "public name: initials only" in section(response, "people")
        detainee = ours.detainees.get(reference="2")
        assertContains(
            response, f'<a href="{reverse("staff:detainee-edit", kwargs={"pk": detainee.pk})}">'
        )

    def test_finds_unpublished_cases_and_says_so(self, staff_client, ours):
        response = staff_client.get(URL, {"q": "Aktau"})
        assert section(response, "cases").startswith(
            "Cases (1) Detained in Aktau not published Detained"
        )
        assertContains(response, '<a href="/staff/cases/aktau/">Detained in Aktau</a>')

    def test_finds_relatives_with_their_kinship(self, staff_client, ours):
        response = staff_client.get(URL, {"q": "Жанар Кеукенова"})
        relatives = section(response, "relatives")
        assert relatives.startswith("Relatives (1) Zhanar Keukenova (Жанар Кеукенова)")
        assert "sister of 1: Baurzhan Keukenov, Detained in Aktau" in relatives
        relative = ours.relatives.get()
        assertContains(
            response, f'<a href="/admin/campaigns/relative/{relative.pk}/change/">Zhanar Keukenova'
        )

    def test_groups_people_and_relatives_apart_best_first(self, staff_client, ours, theirs):
        response = staff_client.get(URL, {"q": "Zhayanova"})
        assert section(response, "people").startswith("People (1) Gulnar Zhayanova")
        assert section(response, "relatives").startswith("Relatives (1) Aigerim Jayanova")

    def test_finds_every_institution_official_and_facility(self, staff_client):
        body = InstitutionFactory(name="Mangystau regional court", other_names="Маңғыстау соты")
        OfficialFactory(name="Yerlan Kazakh", role="Judge", institution=body)
        FacilityFactory(name="Kazakh border post", slug="border-post")
        courts = staff_client.get(URL, {"q": "Маңғыстау соты"})
        kazak = staff_client.get(URL, {"q": "Қазақ"})
        assert section(courts, "institutions").startswith(
            "Institutions (1) Mangystau regional court matched: Маңғыстау соты"
        )
        assertContains(courts, f'<a href="/admin/detentions/institution/{body.pk}/change/">')
        assert section(kazak, "officials").startswith(
            "Officials (1) Yerlan Kazakh Judge, Mangystau regional court"
        )
        assert section(kazak, "facilities").startswith("Places of detention (1) Kazakh border post")
        assertContains(kazak, '<a href="/staff/search/?facility=border-post">')


class TestLimitedCaseWorker:
    def test_sees_only_their_organisations_cases_people_and_relatives(
        self, limited_client, ours, theirs
    ):
        own = limited_client.get(URL, {"q": "Keukenov"})
        other = limited_client.get(URL, {"q": "Zhayanova"})
        other_case = limited_client.get(URL, {"q": "Held in Nukus"})
        assert "Baurzhan Keukenov" in section(own, "people")
        assert "Zhanar Keukenova" in section(own, "relatives")
        assert section(other, "people") == section(other, "relatives") == ""
        assertNotContains(other, "Gulnar")
        assertNotContains(other, "Aigerim")
        assertNotContains(other_case, "/staff/cases/nukus/")

    def test_a_relative_of_both_shows_only_the_kinship_to_their_case(
        self, limited_client, ours, theirs
    ):
        relative = ours.relatives.get()
        KinshipFactory(relative=relative, detainee=theirs.detainees.get())
        relatives = section(limited_client.get(URL, {"q": "Keukenova"}), "relatives")
        assert "Detained in Aktau" in relatives
        assert "Held in Nukus" not in relatives
        assert "Zhayanova" not in relatives

    def test_filter_choices_name_only_their_cases_countries(self, limited_client, ours, theirs):
        CaseFactory(title="Held in Moscow", detaining_country="RU")
        response = limited_client.get(URL)
        assertNotContains(response, '<option value="RU">')
        assertContains(response, '<option value="UZ">Uzbekistan</option>', html=True)


class TestFilters:
    def test_filters_narrow_cases_people_and_relatives(self, staff_client, ours, theirs):
        ours.began_on, ours.began_on_precision = datetime.date(2015, 6, 1), "day"
        ours.save()
        recent = staff_client.get(URL, {"q": "Keukenov", "detained_from": "2012-01-01"})
        older = staff_client.get(URL, {"q": "Keukenov", "detained_to": "2012-01-01"})
        assert "Baurzhan Keukenov" in section(recent, "people")
        assert "Zhanar Keukenova" in section(recent, "relatives")
        assert section(older, "people") == section(older, "relatives") == ""

    def test_a_facility_lists_the_cases_with_people_held_there(self, staff_client, ours, theirs):
        response = staff_client.get(URL, {"facility": "aktau-sizo"})
        assertContains(response, "Cases with people held at Pre-trial detention unit 2, Aktau.")
        assert section(response, "cases").startswith("Cases (1) Detained in Aktau")

    def test_a_bad_date_says_so_next_to_the_field_and_keeps_the_rest(self, staff_client, ours):
        response = staff_client.get(URL, {"q": "Keukenov", "detained_to": "2015-13-01"})
        assertContains(
            response, '<p class="error" id="id_detained_to_error">Enter a valid date.</p>'
        )
        assertContains(response, 'value="Keukenov"')
        assert "Baurzhan Keukenov" in section(response, "people")


@pytest.mark.parametrize("size", [1, 8])
def test_runs_a_fixed_number_of_queries(staff_client, size, django_assert_max_num_queries):
    organisation = OrganisationFactory()
    for n in range(size):
        case = CaseFactory(title=f"Aktau group {n}")
        organisation.cases.add(case)
        facility = FacilityFactory(name=f"Aktau colony {n}")
        for detainee in DetaineeFactory.create_batch(
            2, case=case, name_latin=f"Aktau Keukenov {n}", facility=facility
        ):
            KinshipFactory(detainee=detainee, relative__family_name=f"Aktau {n}")
        OfficialFactory(
            name=f"Aktau official {n}", institution=InstitutionFactory(name=f"Aktau court {n}")
        )
    # One more than the searches: the session's authenticator (django-otp).
    with django_assert_max_num_queries(12):
        response = staff_client.get(URL, {"q": "Aktau", "status": "detained"})
    for kind in ("cases", "people", "relatives", "institutions", "officials", "facilities"):
        assert section(response, kind), kind
    assert section(response, "relatives").startswith(f"Relatives ({2 * size})")
