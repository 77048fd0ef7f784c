"""The public name search: names found however they are spelled, among what public pages show."""

import datetime
import html
import re

import pytest
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains

from detentions.models import CaseStatus, ConsularVisit, EventKind, NameDisplay, StatusChange
from tests.accounts import log_in
from tests.factories import (
    CaseFactory,
    DetaineeFactory,
    EventFactory,
    FacilityFactory,
    InstitutionFactory,
    KinshipFactory,
    OfficialContactFactory,
    OfficialFactory,
)

pytestmark = pytest.mark.django_db

FULL = NameDisplay.FULL


def search(client, q="", **filters):
    return client.get(reverse("detentions:search"), {"q": q, **filters})


def section(response, kind: str) -> str:
    """The text of one kind's results, tags dropped; empty when that kind found nothing."""
    page = response.content.decode()
    found = re.search(rf'<section aria-labelledby="{kind}">(.*?)</section>', page, re.S)
    if not found:
        return ""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", found.group(1))).split())


def kinds_found(response) -> list[str]:
    return re.findall(r'<section aria-labelledby="(\w+)">', response.content.decode())


def status_event(case, status, day):
    event = EventFactory(case=case, kind=EventKind.STATUS_CHANGE, date_start=day)
    StatusChange.objects.create(event=event, status=status)


@pytest.fixture
def nukus():
    """The founding case: people held in Nukus, a consul's visit, letters to the prosecutor."""
    sizo = FacilityFactory(
        name="Pre-trial detention unit 1",
        slug="nukus-sizo",
        town="Nukus",
        other_names="СИЗО-1 Нукус",
    )
    case = CaseFactory(
        title="Twenty-seven held in Nukus", slug="nukus-27", location="Nukus, Karakalpakstan"
    )
    DetaineeFactory(
        case=case,
        reference="1",
        name_latin="Baurzhan Keukenov",
        name_original="Бауыржан Кеукенов",
        other_names="Baurjan Keukenov",
        name_display=FULL,
        facility=sizo,
    )
    DetaineeFactory(
        case=case,
        reference="2",
        name_latin="Gulnar Zhayanova",
        name_original="Гульнар Жаянова",
        name_display=FULL,
        facility=sizo,
    )
    DetaineeFactory(
        case=case,
        reference="3",
        name_latin="Erlan Serikovich Kazakh",
        name_original="Ерлан Серикұлы Қазақ",
        name_display=FULL,
    )
    DetaineeFactory(case=case, reference="4", name_latin="Marat Ospanov")  # withheld
    DetaineeFactory(
        case=case, reference="5", name_latin="Talgat Seitkali", name_display=NameDisplay.INITIALS
    )
    prosecutor = InstitutionFactory(
        name="Prosecutor's Office of Karakalpakstan",
        slug="prosecutor-karakalpakstan",
        kind="prosecutor",
        country="UZ",
        other_names="Прокуратура Республики Каракалпакстан",
    )
    OfficialContactFactory(
        event__case=case,
        institution=prosecutor,
        official=OfficialFactory(name="Rustam Yusupov", role="Prosecutor", institution=prosecutor),
    )
    embassy = InstitutionFactory(
        name="Embassy of Kazakhstan in Tashkent", slug="kz-embassy", kind="embassy"
    )
    consul = OfficialFactory(name="Askar Zhumabekov", role="Consul", institution=embassy)
    ConsularVisit.objects.create(
        event=EventFactory(case=case, kind=EventKind.CONSULAR_VISIT),
        consul=consul,
        facility=sizo,
        outcome="granted",
    )
    return case


@pytest.fixture
def hidden(nukus):
    """What no public search may find: an unpublished case and everything only it names, and
    what only internal or unverified events name."""
    draft = CaseFactory(title="Held in Termez", slug="termez", is_published=False)
    DetaineeFactory(
        case=draft,
        name_latin="Aidos Zhumabaev",
        name_display=FULL,
        facility=FacilityFactory(name="Termez police station", slug="termez-police"),
    )
    OfficialContactFactory(
        event__case=nukus,
        event__is_public=False,
        institution=InstitutionFactory(name="Surkhandarya regional court", slug="surkhandarya"),
        official=OfficialFactory(name="Dilshod Karimov"),
    )
    OfficialContactFactory(
        event__case=nukus,
        event__verification="reported",
        institution=InstitutionFactory(name="Khorezm migration office", slug="khorezm"),
    )
    KinshipFactory(
        detainee=nukus.detainees.get(reference="1"),
        relative__given_name="Zhanar",
        relative__family_name="Keukenova",
        relative__name_display="full",
    )
    return draft


class TestNames:
    @pytest.mark.parametrize(
        "query",
        [
            "Baurzhan Keukenov",
            "Baurjan Keukenov",
            "Бауыржан Кеукенов",
            "Keukenov Baurzhan",  # word order
            "Keukenov",  # given name left out
            "Baurzan Keukenow",  # typing errors
            "Baursan Keukinov",
        ],
    )
    def test_finds_a_person_however_the_name_is_spelled(self, client, nukus, query):
        people = section(search(client, query), "people")
        assert people.startswith("People (1) Baurzhan Keukenov")
        assert "Twenty-seven held in Nukus" in people

    @pytest.mark.parametrize("query", ["Jayanova", "Zhayanova", "Жаянова", "Gulnar Jaianova"])
    def test_finds_zhayanova(self, client, nukus, query):
        assert "Gulnar Zhayanova" in section(search(client, query), "people")

    @pytest.mark.parametrize("query", ["Kazak", "Kazakh", "Қазақ", "Erlan Kazak"])
    def test_finds_kazakh_without_the_patronymic(self, client, nukus, query):
        assert "Erlan Serikovich Kazakh" in section(search(client, query), "people")

    def test_a_person_links_to_the_people_of_the_case(self, client, nukus):
        response = search(client, "Keukenov")
        assertContains(response, '<a href="/cases/nukus-27/#people">Baurzhan Keukenov</a>')

    def test_shows_the_spelling_that_matched_when_it_is_not_the_name_shown(self, client, nukus):
        by_cyrillic = section(search(client, "Бауыржан Кеукенов"), "people")
        by_latin = section(search(client, "Baurzhan Keukenov"), "people")
        assert "Baurzhan Keukenov matched: Бауыржан Кеукенов" in by_cyrillic
        assert "matched" not in by_latin

    def test_another_name_is_not_a_match(self, client, nukus):
        response = search(client, "Baurzhan Kenzhebaev")
        assertNotContains(response, "Keukenov")
        assertContains(response, "Nothing public matches this search.")


class TestGroups:
    def test_results_come_grouped_by_kind_with_a_count_each(self, client, nukus):
        response = search(client, "Nukus")
        assert section(response, "cases").startswith("Cases (1) Twenty-seven held in Nukus")
        assert section(response, "facilities").startswith(
            "Places of detention (1) Pre-trial detention unit 1, Nukus"
        )
        assert section(response, "people") == ""
        assert kinds_found(response) == ["cases", "facilities"]
        assertContains(response, '<a href="#cases">Cases</a> (1)', html=True)

    def test_the_best_match_comes_first(self, client, nukus):
        DetaineeFactory(case=nukus, name_latin="Baurzhan Keukinov", name_display=FULL)
        people = section(search(client, "Baurzhan Keukenov"), "people")
        assert people.startswith("People (2) Baurzhan Keukenov")
        assert people.index("Baurzhan Keukenov") < people.index("Baurzhan Keukinov")

    def test_cases_by_title_and_place(self, client, nukus):
        cases = section(search(client, "Karakalpakstan"), "cases")
        assert "Twenty-seven held in Nukus matched: Nukus, Karakalpakstan" in cases
        assert "Detained · detained in Uzbekistan, late February 2009" in cases

    def test_institutions_by_any_of_their_names(self, client, nukus):
        response = search(client, "Прокуратура Каракалпакстана")
        assert section(response, "institutions").startswith(
            "Institutions (1) Prosecutor's Office of Karakalpakstan matched: "
            "Прокуратура Республики Каракалпакстан"
        )
        assertContains(response, '<a href="/institutions/prosecutor-karakalpakstan/">Prosecutor')

    def test_officials_with_role_and_institution(self, client, nukus):
        prosecutor = search(client, "Rustam Jusupov")
        consul = search(client, "Асқар Жұмабеков")
        assert "Rustam Yusupov Prosecutor, Prosecutor's Office of Karakalpakstan" in section(
            prosecutor, "officials"
        )
        assertContains(prosecutor, '<a href="/institutions/prosecutor-karakalpakstan/">')
        # The embassy has no public contact, so no page to link to: named, not linked.
        assert "Askar Zhumabekov Consul, Embassy of Kazakhstan in Tashkent" in section(
            consul, "officials"
        )
        assertNotContains(consul, "/institutions/kz-embassy/")

    def test_a_facility_lists_the_cases_with_people_held_there(self, client, nukus):
        CaseFactory(title="Held elsewhere")
        response = search(client, "СИЗО Нукус")
        assertContains(response, '<a href="/search/?facility=nukus-sizo">')
        listing = search(client, facility="nukus-sizo")
        assertContains(listing, "Cases with people held at Pre-trial detention unit 1, Nukus.")
        assert section(listing, "cases") == "Cases (1) Twenty-seven held in Nukus " + (
            "Detained · detained in Uzbekistan, late February 2009"
        )


class TestPrivacy:
    @pytest.mark.parametrize("query", ["Marat Ospanov", "Ospanov", "Talgat Seitkali", "Seitkali"])
    def test_withheld_and_initials_only_names_are_not_found(self, client, nukus, query):
        response = search(client, query)
        assert kinds_found(response) == []
        assertContains(response, "Nothing public matches this search.")

    def test_a_withheld_name_is_not_found_by_its_other_spellings_either(self, client, nukus):
        DetaineeFactory(
            case=nukus,
            name_latin="Nurlan Abenov",
            name_original="Нурлан Абенов",
            other_names="Nourlan Abenov",
            name_display=NameDisplay.WITHHELD,
        )
        for query in ("Нурлан Абенов", "Nourlan Abenov", "Nurlan Abenov"):
            assert section(search(client, query), "people") == ""

    @pytest.mark.parametrize(
        "query",
        [
            "Termez",  # an unpublished case
            "Aidos Zhumabaev",  # its detainee, though shown by full name
            "Termez police station",  # a facility only it names
            "Surkhandarya regional court",  # a body only an internal event names
            "Dilshod Karimov",  # an official only an internal event names
            "Khorezm migration office",  # a body only an unverified event names
            "Zhanar Keukenova",  # relatives are never searched publicly
        ],
    )
    def test_nothing_that_is_not_public_is_found(self, client, hidden, query):
        response = search(client, query)
        assert kinds_found(response) == []
        assertContains(response, "Nothing public matches this search.")

    def test_the_page_is_not_indexed(self, client, nukus):
        assertContains(search(client, "Keukenov"), '<meta name="robots" content="noindex">')


class TestFilters:
    @pytest.fixture
    def cases(self, nukus):
        status_event(nukus, CaseStatus.CHARGED, datetime.date(2009, 5, 17))
        moscow = CaseFactory(
            title="Held in Moscow",
            detaining_country="RU",
            began_on=datetime.date(2015, 3, 1),
            began_on_precision="day",
        )
        DetaineeFactory(case=moscow, name_latin="Baurzhan Keukenov", name_display=FULL)
        return nukus, moscow

    def test_filters_narrow_cases_and_people(self, client, cases):
        in_russia = search(client, "Keukenov", country="RU")
        charged = search(client, "Keukenov", status="charged")
        assert "Held in Moscow" in section(in_russia, "people")
        assert "Twenty-seven" not in section(in_russia, "people")
        assert "Twenty-seven held in Nukus" in section(charged, "people")
        assert "Held in Moscow" not in section(charged, "people")

    def test_a_date_range(self, client, cases):
        since_2010 = search(client, "Keukenov", detained_from="2010-01-01")
        until_2010 = search(client, "Keukenov", detained_to="2010-01-01")
        assert section(since_2010, "people").startswith("People (1)")
        assert "Held in Moscow" in section(since_2010, "people")
        assert "Twenty-seven held in Nukus" in section(until_2010, "people")
        assert "Held in Moscow" not in section(until_2010, "people")

    def test_no_name_lists_the_filtered_cases(self, client, cases):
        response = search(client, country="RU")
        assert section(response, "cases").startswith("Cases (1) Held in Moscow")
        assert "Twenty-seven held in Nukus" not in section(response, "cases")

    def test_a_bad_date_says_so_next_to_the_field_and_keeps_the_rest(self, client, cases):
        response = search(client, "Keukenov", country="RU", detained_from="2015-02-30")
        assertContains(response, 'id="id_detained_from_error"')
        assertContains(response, "Enter a valid date.")
        assertContains(response, '<option value="RU" selected>Russia</option>', html=True)
        assertContains(response, 'value="Keukenov"')
        assertContains(
            response,
            '<input type="date" name="detained_from" aria-invalid="true" '
            'aria-describedby="id_detained_from_error" id="id_detained_from">',
            html=True,
        )
        assert "Held in Moscow" in section(response, "people")
        assert "Twenty-seven" not in section(response, "people")

    def test_an_end_before_the_start_is_refused(self, client, cases):
        response = search(client, "", detained_from="2015-01-01", detained_to="2009-01-01")
        assertContains(response, 'id="id_detained_to_error"')

    def test_an_unknown_facility_is_refused(self, client, cases):
        response = search(client, facility="termez-police")
        assertContains(response, 'id="id_facility_error"')

    def test_nothing_asked_shows_only_the_form(self, client, cases):
        response = client.get(reverse("detentions:search"))
        assertContains(response, '<input type="search" name="q"', count=1)
        assertNotContains(response, "<section")
        assertNotContains(response, "Nothing public matches")


class TestPage:
    def test_every_public_page_has_a_search_box_in_its_header(self, client, nukus):
        for url in (reverse("detentions:case-list"), nukus.get_absolute_url()):
            response = client.get(url)
            assertContains(
                response,
                '<form class="site-search" role="search" method="get" action="/search/">',
            )
            assertContains(
                response, '<label class="visually-hidden" for="site-search">Search by name</label>'
            )

    def test_refuses_writes(self, client):
        assert client.post(reverse("detentions:search")).status_code == 405

    @pytest.mark.parametrize("size", [1, 8])
    def test_runs_a_fixed_number_of_queries(self, client, size, django_assert_max_num_queries):
        for n in range(size):
            facility = FacilityFactory(name=f"Nukus colony {n}")
            case = CaseFactory(title=f"Nukus group {n}")
            DetaineeFactory.create_batch(
                2,
                case=case,
                name_latin=f"Nukus Keukenov {n}",
                name_display=FULL,
                facility=facility,
            )
            body = InstitutionFactory(name=f"Nukus city court {n}")
            contact = OfficialContactFactory(
                event__case=case,
                institution=body,
                official=OfficialFactory(name=f"Nukus Official {n}", institution=body),
            )
            ConsularVisit.objects.create(
                event=EventFactory(case=case, kind=EventKind.CONSULAR_VISIT),
                consul=contact.official,
                facility=facility,
                outcome="granted",
            )
        # The version of public content (read once: the page cache's serves for the filters'
        # choices too), the choices (countries, facilities), one query per kind, and which of
        # the officials' institutions have a page.
        with django_assert_max_num_queries(9):
            response = search(client, "Nukus", status="detained", facility="")
        for kind in ("cases", "people", "institutions", "officials", "facilities"):
            assert section(response, kind), kind
        assert section(response, "people").startswith(f"People ({2 * size})")
        # The choices are kept until public content changes.
        with django_assert_max_num_queries(7):
            assert section(search(client, "Keukenov", status="detained"), "people")


class TestCachedSearch:
    """The page is cached whole, like every public page, yet never shown stale."""

    def test_a_second_reading_is_served_from_the_cache(
        self, client, nukus, django_assert_num_queries
    ):
        first = search(client, "Keukenov")
        # Only the version of public content is read; nothing is searched again.
        with django_assert_num_queries(1):
            second = search(client, "Keukenov")
        assert second.content == first.content

    def test_a_case_published_after_a_search_is_found_at_once(self, client, nukus):
        draft = CaseFactory(title="Held in Termez", slug="termez", is_published=False)
        DetaineeFactory(case=draft, name_latin="Baurzhan Keukenov", name_display=FULL)
        assert section(search(client, "Keukenov"), "people").startswith("People (1)")

        draft.is_published = True
        draft.save()

        people = section(search(client, "Keukenov"), "people")
        assert people.startswith("People (2)")
        assert "Held in Termez" in people

    def test_an_edit_after_a_search_shows_at_once(self, client, nukus):
        assert "Gulnar Zhayanova" in section(search(client, "Zhayanova"), "people")
        person = nukus.detainees.get(reference="2")

        person.name_display = NameDisplay.INITIALS
        person.save()

        assert section(search(client, "Zhayanova"), "people") == ""

    def test_a_facility_named_after_a_search_is_offered_at_once(self, client, nukus):
        option = '<option value="karshi-colony">Colony 64, Karshi</option>'
        assertNotContains(search(client, "Keukenov"), option, html=True)

        DetaineeFactory(
            case=nukus,
            name_latin="Aidos Serikov",
            facility=FacilityFactory(name="Colony 64", slug="karshi-colony", town="Karshi"),
        )

        assertContains(search(client, "Keukenov"), option, html=True)
        assertNotContains(search(client, facility="karshi-colony"), 'id="id_facility_error"')

    def test_the_page_is_the_same_for_everyone(self, client, staff_user, nukus, settings):
        """Nothing in it depends on who asks, even with errors in the form: built afresh for an
        anonymous reader and for a logged-in staff member, it is the same page."""
        settings.PUBLIC_PAGE_CACHE = False
        for filters in ({}, {"detained_from": "2015-02-30"}):
            client.logout()
            anonymous = search(client, "Keukenov", **filters)
            log_in(client, staff_user)
            staff = search(client, "Keukenov", **filters)
            assert anonymous.status_code == staff.status_code == 200
            assert staff.content == anonymous.content


class TestAnOverlongQuery:
    """Typed into the address (the box itself takes 200 characters): refused beside the box, no
    search run, and not sent back whole. Django's message is translated already."""

    @pytest.mark.parametrize("page", ["detentions:search", "staff:search"])
    def test_is_refused_and_not_sent_back(self, client, staff_user, nukus, page):
        log_in(client, staff_user)
        query = " ".join(["Keukenov"] * 11_112)  # 100,007 characters

        response = client.get(reverse(page), {"q": query})

        text = response.content.decode()
        assert response.status_code == 200
        assertContains(response, 'id="id_q_error"')
        assertContains(response, "Ensure this value has at most 200 characters (it has 100007).")
        assert kinds_found(response) == []
        assertNotContains(response, "Nothing public matches")
        # As much as the box takes, in the box; not in each link to the page in other languages.
        (shown,) = re.findall(r'name="q" value="([^"]*)"', text)
        assert shown == query[:200]
        assert "Keukenov " * 23 not in text  # 207 characters
        assert "q=Keukenov" not in text and "q%3DKeukenov" not in text
        assert len(response.content) < 30_000, len(response.content)

    def test_the_longest_query_the_box_takes_is_searched(self, client, nukus):
        response = search(client, "K" * 200)

        assertNotContains(response, 'id="id_q_error"')
        assertContains(response, "Nothing public matches")
