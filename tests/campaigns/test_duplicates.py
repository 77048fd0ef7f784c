"""Likely matches before saving: a person or body typed in again under another spelling is shown
next to the records already there, and nothing is saved until staff confirm it is someone new."""

import pytest
from django.test import Client
from django.urls import reverse
from django.utils.html import escape
from pytest_django.asserts import assertContains, assertNotContains, assertRedirects

from campaigns.models import Kinship, Relative, StaffMember
from detentions.models import Detainee, Facility, Institution, Official
from tests.accounts import log_in
from tests.admin_pages import admin_url, page_data, prefixes
from tests.factories import (
    CaseFactory,
    DetaineeFactory,
    FacilityFactory,
    InstitutionFactory,
    OfficialFactory,
    OrganisationFactory,
    RelativeFactory,
    StaffUserFactory,
)

pytestmark = pytest.mark.django_db

CONFIRM_PERSON = "None of these: add a new person"


@pytest.fixture
def case():
    return CaseFactory(slug="border-group", title="Border group")


@pytest.fixture
def baurzhan(case):
    return DetaineeFactory(case=case, reference="4", name_latin="Baurzhan Keukenov")


def detainee_data(**changes) -> dict:
    return {
        "reference": "12",
        "name_latin": "",
        "name_original": "",
        "other_names": "",
        "name_display": "withheld",
        "status": "detained",
        "facility": "",
        "whereabouts_confirmed_on": "",
        "internal_notes": "",
        **changes,
    }


def add_detainee(client: Client, case, **changes):
    return client.post(
        reverse("staff:detainee-add", kwargs={"slug": case.slug}), detainee_data(**changes)
    )


class TestStaffAddDetainee:
    @pytest.mark.parametrize(
        "typed",
        [
            {"name_latin": "Baurjan Keukenov"},
            {"name_original": "Бауыржан Кеукенов"},
            {"name_latin": "B. K.", "other_names": "Keukenov Baurjan\nSomeone else"},
        ],
        ids=["latin", "cyrillic", "other-names"],
    )
    def test_a_likely_match_is_shown_and_nothing_saved(self, staff_client, case, baurzhan, typed):
        response = add_detainee(staff_client, case, **typed)

        assert response.status_code == 200
        assert list(case.detainees.all()) == [baurzhan]
        assertContains(response, "Already recorded?")
        assertContains(
            response,
            f'<tr><td><a href="{reverse("staff:detainee-edit", kwargs={"pk": baurzhan.pk})}">'
            "4: Baurzhan Keukenov</a></td><td>Border group</td><td>Baurzhan Keukenov</td></tr>",
            html=True,
        )
        assertContains(response, CONFIRM_PERSON)
        # Everything typed is still in the form.
        form = response.context["form"]
        for name, value in typed.items():
            assert form[name].value() == value
        assertContains(response, 'value="12"')

    def test_the_match_is_found_in_another_case_the_user_may_see(self, staff_client, baurzhan):
        other = CaseFactory(title="Held at the airport")
        response = add_detainee(staff_client, other, name_latin="Baurjan Keukenov")
        assertContains(response, "<td>Border group</td>", html=True)
        assert not other.detainees.exists()

    def test_confirming_saves_a_new_person(self, staff_client, case, baurzhan):
        response = add_detainee(
            staff_client,
            case,
            name_latin="Baurjan Keukenov",
            other_names="Бауыржан Кеукенов",
            confirm_new="on",
        )

        assertRedirects(response, reverse("staff:case", kwargs={"slug": case.slug}))
        added = case.detainees.get(reference="12")
        assert (added.name_latin, added.other_names) == ("Baurjan Keukenov", "Бауыржан Кеукенов")

    def test_a_name_nobody_has_is_saved_at_once(self, staff_client, case, baurzhan):
        response = add_detainee(staff_client, case, name_latin="Erlan Abenov")
        assertRedirects(response, reverse("staff:case", kwargs={"slug": case.slug}))
        assert case.detainees.count() == 2

    @pytest.mark.parametrize("spelling", ["Gulnara Jayanova", "Гульнара Жаянова"])
    def test_jayanova_and_zhayanova_are_one_name(self, staff_client, case, spelling):
        existing = DetaineeFactory(case=case, name_latin="Gulnara Zhayanova")
        field = "name_original" if spelling.startswith("Г") else "name_latin"

        response = add_detainee(staff_client, case, **{field: spelling})

        assertContains(response, f"<td>{existing.name_latin}</td>", html=True)
        assert case.detainees.count() == 1

    def test_the_tick_box_appears_only_next_to_matches(self, staff_client, case, baurzhan):
        page = staff_client.get(reverse("staff:detainee-add", kwargs={"slug": case.slug}))
        assertNotContains(page, CONFIRM_PERSON)
        assertNotContains(page, "Already recorded?")
        assertContains(page, "Other spellings")

    def test_an_error_elsewhere_keeps_the_confirmation(self, staff_client, case, baurzhan):
        response = add_detainee(
            staff_client, case, reference="4", name_latin="Baurjan Keukenov", confirm_new="on"
        )
        assertContains(response, "Another detainee of this case has this reference.")
        assertNotContains(response, "Already recorded?")
        assert response.context["form"]["confirm_new"].value() == "on"
        assert case.detainees.count() == 1

    def test_a_limited_case_worker_is_not_shown_other_organisations_people(self, baurzhan):
        user = StaffUserFactory(username="limited", is_superuser=False)
        organisation = OrganisationFactory()
        StaffMember.objects.create(user=user, organisation=organisation, only_own_cases=True)
        own = CaseFactory(title="Their own case")
        organisation.cases.add(own)
        client = Client()
        log_in(client, user)

        response = add_detainee(client, own, name_latin="Baurjan Keukenov")

        assertRedirects(response, reverse("staff:case", kwargs={"slug": own.slug}))
        assert own.detainees.get().name_latin == "Baurjan Keukenov"

    def test_the_edit_page_shows_and_saves_other_spellings(self, staff_client, baurzhan):
        url = reverse("staff:detainee-edit", kwargs={"pk": baurzhan.pk})
        data = detainee_data(
            reference="4",
            name_latin="Baurzhan Keukenov",
            other_names="Бауыржан Кеукенов",
            version=1,
        )
        response = staff_client.post(url, data)
        assert response.status_code == 302
        baurzhan.refresh_from_db()
        assert baurzhan.other_names == "Бауыржан Кеукенов"
        # Editing is never held up by the person's own name.
        assert Detainee.objects.count() == 1

    @pytest.mark.parametrize("people", [1, 8])
    def test_runs_a_fixed_number_of_queries(
        self, staff_client, case, people, django_assert_max_num_queries
    ):
        for reference in range(people):
            DetaineeFactory(case=case, reference=f"k{reference}", name_latin="Baurzhan Keukenov")
        # Session, user, their authenticator, case, reference check, one search per spelling typed
        # (the case of each match comes with it), the model's constraint checks (three on SQLite),
        # facilities.
        with django_assert_max_num_queries(11):
            response = add_detainee(
                staff_client, case, name_latin="Baurjan Keukenov", name_original="Бауыржан"
            )
        assert len(response.context["form"].likely) == people


def admin_add_data(client, model, **typed) -> dict:
    return page_data(client.get(admin_url(model, "add"))) | typed


ADMIN_CASES = {
    Institution: (
        lambda: InstitutionFactory(name="Zhaslyk prosecutor's office"),
        {"name": "Jaslyk Prosecutors Office", "slug": "jaslyk", "kind": "prosecutor"},
    ),
    Official: (
        lambda: OfficialFactory(name="Baurzhan Keukenov"),
        {"name": "Бауыржан Кеукенов", "role": "Consul"},
    ),
    Facility: (
        lambda: FacilityFactory(name="Zhaslyk colony UYa 64/71"),
        {"name": "Jaslyk colony", "slug": "jaslyk", "kind": "prison", "country": "UZ"},
    ),
    Relative: (
        lambda: RelativeFactory(given_name="Aigul", family_name="Zhayanova"),
        {"given_name": "Aigul", "family_name": "Jayanova", "name_display": "withheld"},
    ),
}


class TestAdminAddForms:
    @pytest.mark.parametrize("model", ADMIN_CASES, ids=lambda model: model.__name__)
    def test_a_likely_match_is_listed_and_nothing_saved_until_confirmed(self, staff_client, model):
        make, typed = ADMIN_CASES[model]
        existing = make()
        if model is Official:
            typed = typed | {"institution": str(existing.institution_id)}
        data = admin_add_data(staff_client, model, **typed)

        response = staff_client.post(admin_url(model, "add"), data)

        assert response.status_code == 200
        assert list(model.objects.all()) == [existing]
        assertContains(response, "This may already be recorded")
        assertContains(response, f'<a href="{admin_url(existing, "change")}">', count=1)
        assertContains(response, escape(str(existing)))
        assertContains(response, '<input type="checkbox" name="confirm_new" id="id_confirm_new">')
        form = response.context["adminform"].form
        assert all(form[name].value() == value for name, value in typed.items())

        data["confirm_new"] = "on"
        response = staff_client.post(admin_url(model, "add"), data)

        assert response.status_code == 302
        assert model.objects.count() == 2

    def test_no_tick_box_while_nothing_matches(self, staff_client):
        response = staff_client.get(admin_url(Institution, "add"))
        assertNotContains(response, 'type="checkbox" name="confirm_new"')
        data = admin_add_data(
            staff_client, Institution, name="Ombudsman", slug="ombudsman", kind="ngo"
        )
        InstitutionFactory(name="Zhaslyk prosecutor's office")
        assert staff_client.post(admin_url(Institution, "add"), data).status_code == 302

    def test_a_relative_and_their_kinships_wait_for_the_confirmation(self, staff_client):
        RelativeFactory(given_name="Aigul", family_name="Zhayanova")
        detainee = DetaineeFactory()
        page = staff_client.get(admin_url(Relative, "add"))
        kinships = prefixes(page)[Kinship]
        data = page_data(page) | {
            "given_name": "Айгуль",
            "family_name": "Жаянова",
            f"{kinships}-0-case": str(detainee.case_id),
            f"{kinships}-0-detainee": str(detainee.pk),
            f"{kinships}-0-relationship": Kinship.Relationship.SISTER,
        }

        response = staff_client.post(admin_url(Relative, "add"), data)

        assertContains(response, "matched as “Aigul”")
        assert Relative.objects.count() == 1
        assert not Kinship.objects.exists()
        # The kinship typed is still on the page.
        inline = response.context["inline_admin_formsets"][0].formset.forms[0]
        assert inline["detainee"].value() == str(detainee.pk)

        response = staff_client.post(admin_url(Relative, "add"), data | {"confirm_new": "on"})
        assert response.status_code == 302
        assert Kinship.objects.get().relative.family_name == "Жаянова"

    def test_editing_is_not_held_up(self, staff_client):
        InstitutionFactory(name="Zhaslyk prosecutor's office")
        twin = InstitutionFactory(name="Jaslyk prosecutor's office")
        page = staff_client.get(admin_url(twin, "change"))
        assertNotContains(page, "confirm_new")
        response = staff_client.post(admin_url(twin, "change"), page_data(page))
        assert response.status_code == 302

    def test_other_spellings_are_on_the_relative_page(self, staff_client):
        assertContains(staff_client.get(admin_url(Relative, "add")), "Other spellings")
