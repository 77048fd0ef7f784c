"""Merging a record entered twice: everything pointing at the duplicate follows the survivor
(events' details, kinships, participations, sources, history), clashes are resolved, the
duplicate's names stay searchable; and the staff page that does it, with its access rules."""

import pytest
from django.test import Client
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains, assertRedirects

from campaigns import merge_services
from campaigns.merge_services import MergeRefused, merge
from campaigns.models import Entry, Invitation, Kinship, Participation, Relative, StaffMember
from detentions.models import (
    AccessAttempt,
    Charge,
    ConsularVisit,
    Detainee,
    EventKind,
    Facility,
    Institution,
    LegalProceeding,
    Official,
    OfficialContact,
    StatusChange,
)
from detentions.search import find
from tests.accounts import log_in
from tests.admin_pages import admin_url
from tests.factories import (
    CaseFactory,
    CitationFactory,
    DetaineeFactory,
    EntryFactory,
    EventFactory,
    FacilityFactory,
    InstitutionFactory,
    InvitationFactory,
    KinshipFactory,
    OfficialContactFactory,
    OfficialFactory,
    OrganisationFactory,
    ParticipationFactory,
    RelativeFactory,
    RelativeWithAccountFactory,
    SourceFactory,
    StaffUserFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def case():
    return CaseFactory(slug="border-group", title="Border group")


@pytest.fixture
def survivor(case):
    return DetaineeFactory(case=case, reference="4", name_latin="Baurzhan Keukenov")


@pytest.fixture
def duplicate(case):
    return DetaineeFactory(
        case=case,
        reference="17",
        name_latin="Baurjan Keukenov",
        name_original="Бауыржан Кеукенов",
        home_region="Aktobe",
        internal_notes="Brother's number: ask the bureau.",
    )


def client_for(user) -> Client:
    client = Client()
    log_in(client, user)
    return client


def merge_url(record, **query) -> str:
    url = reverse("staff:merge", kwargs={"model": record._meta.model_name, "pk": record.pk})
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def detainee_details(case, *people) -> list[tuple]:
    """One event of each kind that names people, naming `people`: (details, relation) each."""
    details = [
        (StatusChange, "detainees", {"status": "detained"}),
        (LegalProceeding, "detainees", {"stage": "hearing", "court": InstitutionFactory()}),
        (ConsularVisit, "detainees_seen", {"consul": OfficialFactory(), "outcome": "granted"}),
        (
            AccessAttempt,
            "detainees",
            {"attempted_by": "relative", "access_type": "parcel", "outcome": "refused"},
        ),
    ]
    made = []
    for model, relation, fields in details:
        event = EventFactory(case=case, kind=model.kind)
        detail = model.objects.create(event=event, **fields)
        getattr(detail, relation).set(people)
        made.append((detail, relation))
    return made


class TestMergeDetainees:
    def test_events_kinships_and_charges_follow_the_survivor(self, case, survivor, duplicate):
        details = detainee_details(case, duplicate)
        kinship = KinshipFactory(detainee=duplicate)
        charge = Charge.objects.create(case=case, offence="Illegal border crossing")
        charge.detainees.add(duplicate)

        merge(survivor, duplicate, user=UserFactory())

        assert not Detainee.objects.filter(pk=duplicate.pk).exists()
        for detail, relation in details:
            assert list(getattr(detail, relation).all()) == [survivor]
        kinship.refresh_from_db()
        assert kinship.detainee == survivor
        assert list(charge.detainees.all()) == [survivor]

    def test_rows_the_survivor_already_has_are_dropped_not_repeated(
        self, case, survivor, duplicate
    ):
        details = detainee_details(case, survivor, duplicate)
        sister = RelativeFactory()
        kept = KinshipFactory(relative=sister, detainee=survivor, relationship="sister")
        KinshipFactory(relative=sister, detainee=duplicate, relationship="sister")
        brother = KinshipFactory(detainee=duplicate, relationship="brother")

        merge(survivor, duplicate, user=UserFactory())

        for detail, relation in details:
            assert list(getattr(detail, relation).all()) == [survivor]
        assert set(survivor.kinships.all()) == {kept, brother}
        assert Kinship.objects.count() == 2

    def test_names_become_other_spellings_and_blank_fields_are_filled(
        self, case, survivor, duplicate
    ):
        survivor.internal_notes = "Seen in Nukus in May."
        survivor.save()

        merged = merge(survivor, duplicate, user=UserFactory())

        merged.refresh_from_db()
        assert merged.name_latin == "Baurzhan Keukenov"
        # The original script was blank on the survivor: it is taken, not an other spelling.
        assert merged.name_original == "Бауыржан Кеукенов"
        assert merged.other_names == "Baurjan Keukenov"
        assert merged.home_region == "Aktobe"
        assert merged.internal_notes == "Seen in Nukus in May.\n\nBrother's number: ask the bureau."
        assert merged.reference == "4"
        # Every spelling finds the one record left.
        for spelling in ("Baurjan Keukenov", "Бауыржан Кеукенов", "Baurzhan Keukenov"):
            assert [match.record for match in find(Detainee.objects.all(), spelling)] == [merged]

    def test_the_duplicates_history_follows_the_survivor(self, case, survivor, duplicate):
        duplicate.status = "released"
        duplicate.save()
        user = UserFactory(username="aliya")

        merged = merge(survivor, duplicate, user=user)

        history = list(Detainee.history.filter(id=merged.pk).order_by("history_date"))
        assert [record.name_latin for record in history] == [
            "Baurzhan Keukenov",
            "Baurjan Keukenov",
            "Baurjan Keukenov",
            "Baurzhan Keukenov",
        ]
        newest = history[-1]
        assert newest.history_change_reason == "Merged with 17: Baurjan Keukenov"
        assert newest.history_user == user
        deleted = Detainee.history.get(id=duplicate.pk)
        assert (deleted.history_type, deleted.history_change_reason) == (
            "-",
            "Merged into 4: Baurzhan Keukenov",
        )

    def test_the_version_moves_on(self, survivor, duplicate):
        survivor.version, duplicate.version = 3, 5
        survivor.save()
        duplicate.save()
        merged = merge(survivor, duplicate, user=UserFactory())
        merged.refresh_from_db()
        assert merged.version == 6

    def test_people_of_different_cases_are_not_merged(self, survivor):
        other = DetaineeFactory(name_latin="Baurjan Keukenov")
        with pytest.raises(MergeRefused, match="belong to different cases"):
            merge(survivor, other, user=UserFactory())
        assert Detainee.objects.count() == 2

    def test_a_record_is_not_merged_with_itself_or_another_kind(self, survivor):
        with pytest.raises(MergeRefused):
            merge(survivor, survivor, user=UserFactory())
        with pytest.raises(MergeRefused):
            merge(survivor, FacilityFactory(), user=UserFactory())


class TestMergeBodiesAndPeople:
    def test_institutions_contacts_officials_sources_and_children_move(self):
        survivor = InstitutionFactory(name="Prosecutor General's Office")
        duplicate = InstitutionFactory(
            name="General Prosecutor's Office", short_name="GPO", parent=survivor
        )
        contact = OfficialContactFactory(institution=duplicate)
        referral = OfficialContactFactory(outcome="referred", referred_to=duplicate)
        official = OfficialFactory(institution=duplicate)
        source = SourceFactory(outlet=duplicate)
        citation = CitationFactory(source=source, event=contact.event)
        child = InstitutionFactory(parent=duplicate)
        visit = ConsularVisit.objects.create(
            event=EventFactory(kind=EventKind.CONSULAR_VISIT),
            consulate=duplicate,
            outcome="granted",
        )
        history_before = list(contact.history.values_list("institution_id", flat=True))

        merged = merge(survivor, duplicate, user=UserFactory())

        for record in (contact, referral, official, source, child, visit, citation):
            record.refresh_from_db()
        assert contact.institution == referral.referred_to == official.institution == survivor
        assert source.outlet == child.parent == visit.consulate == survivor
        assert citation.source == source
        assert merged.parent is None  # not its own parent
        assert merged.short_name == "GPO"
        assert "General Prosecutor's Office" in merged.other_names
        # Old versions of the contact name the survivor, so putting one back still works.
        assert history_before == [duplicate.pk]
        assert list(contact.history.values_list("institution_id", flat=True)) == [survivor.pk]

    def test_a_survivor_whose_parent_was_the_duplicate_takes_the_duplicates_parent(self):
        ministry = InstitutionFactory(name="Ministry of Foreign Affairs")
        duplicate = InstitutionFactory(name="Consular department", parent=ministry)
        survivor = InstitutionFactory(name="Consular Department of the MFA", parent=duplicate)
        merged = merge(survivor, duplicate, user=UserFactory())
        merged.refresh_from_db()
        assert merged.parent == ministry

    def test_a_one_to_one_both_have_refuses_the_merge_and_changes_nothing(self):
        survivor, duplicate = InstitutionFactory(), InstitutionFactory()
        OrganisationFactory(institution=survivor)
        OrganisationFactory(institution=duplicate)
        contact = OfficialContactFactory(institution=duplicate)

        with pytest.raises(MergeRefused, match="only one of them may have"):
            merge(survivor, duplicate, user=UserFactory())

        contact.refresh_from_db()
        assert contact.institution == duplicate
        assert Institution.objects.count() == 2

    def test_officials_consul_visits_and_contacts_move(self):
        survivor = OfficialFactory(name="Baurzhan Keukenov")
        duplicate = OfficialFactory(name="Baurjan Keukenov", name_original="Бауыржан Кеукенов")
        visit = ConsularVisit.objects.create(
            event=EventFactory(kind=EventKind.CONSULAR_VISIT), consul=duplicate, outcome="granted"
        )
        contact = OfficialContactFactory(official=duplicate)

        merge(survivor, duplicate, user=UserFactory())

        visit.refresh_from_db()
        contact.refresh_from_db()
        assert visit.consul == contact.official == survivor
        assert not Official.objects.filter(pk=duplicate.pk).exists()

    def test_facilities_detainees_visits_and_attempts_move(self):
        survivor = FacilityFactory(name="Zhaslyk colony")
        duplicate = FacilityFactory(name="Jaslyk colony UYa 64/71")
        held = DetaineeFactory(facility=duplicate)
        visit = ConsularVisit.objects.create(
            event=EventFactory(kind=EventKind.CONSULAR_VISIT),
            consulate=InstitutionFactory(),
            facility=duplicate,
            outcome="granted",
        )
        attempt = AccessAttempt.objects.create(
            event=EventFactory(kind=EventKind.ACCESS_ATTEMPT),
            attempted_by="relative",
            access_type="parcel",
            facility=duplicate,
            outcome="refused",
        )

        merge(survivor, duplicate, user=UserFactory())

        for record in (held, visit, attempt):
            record.refresh_from_db()
            assert record.facility == survivor
        assert Facility.objects.get().other_names == "Jaslyk colony UYa 64/71"

    def test_relatives_kinships_participations_entries_and_account_move(self, case):
        detainee = DetaineeFactory(case=case)
        survivor = RelativeFactory(given_name="Aigul", family_name="Zhayanova")
        duplicate = RelativeWithAccountFactory(given_name="Aigul", family_name="Jayanova")
        KinshipFactory(relative=survivor, detainee=detainee)
        KinshipFactory(relative=duplicate, detainee=detainee)
        contact = OfficialContactFactory(event__case=case).event
        both = OfficialContactFactory(event__case=case).event
        ParticipationFactory(event=contact, organisation=None, relative=duplicate)
        ParticipationFactory(event=both, organisation=None, relative=survivor)
        ParticipationFactory(event=both, organisation=None, relative=duplicate)
        entry = EntryFactory(relative=duplicate, event__case=case)
        invitation = InvitationFactory(relative=duplicate, case=case)
        account = duplicate.user

        merged = merge(survivor, duplicate, user=UserFactory())

        merged.refresh_from_db()
        assert merged.user == account
        assert merged.other_names == "Aigul Jayanova"
        assert Kinship.objects.get().relative == merged
        assert set(Participation.objects.values_list("event", "relative")) == {
            (contact.pk, merged.pk),
            (both.pk, merged.pk),
        }
        assert Entry.objects.get(pk=entry.pk).relative == merged
        assert Invitation.objects.get(pk=invitation.pk).relative == merged
        assert Relative.objects.count() == 1


class TestPlan:
    def test_counts_what_will_move_and_what_is_not_kept(self, case, survivor, duplicate):
        detainee_details(case, duplicate)
        KinshipFactory.create_batch(2, detainee=duplicate)
        duplicate.status = "released"

        plan = merge_services.plan(survivor, duplicate)

        moves = {move.label: move.count for move in plan.moves}
        assert moves == {
            "status changes: only these detainees": 1,
            "legal proceedings: only these detainees": 1,
            "consular visits: detainees seen": 1,
            "access attempts: to see or reach": 1,
            "kinships: detainee": 2,
        }
        assert plan.names == ["Baurjan Keukenov"]
        assert ("name in original script", "Бауыржан Кеукенов") in plan.taken
        assert ("status", "released") in plan.not_kept
        assert ("reference", "17") in plan.not_kept
        # Nothing was written.
        assert Detainee.objects.count() == 2
        survivor.refresh_from_db()
        assert survivor.other_names == ""


@pytest.fixture
def limited():
    """A case worker limited to an organisation that does not work on `case`."""
    user = StaffUserFactory(username="limited", is_superuser=False)
    StaffMember.objects.create(user=user, organisation=OrganisationFactory(), only_own_cases=True)
    return user


class TestMergePage:
    def test_search_finds_the_duplicate_in_any_spelling(self, staff_client, survivor, duplicate):
        other_case = DetaineeFactory(name_latin="Baurzhan Keukenov", case__title="Another group")

        response = staff_client.get(merge_url(survivor, q="Бауржан Кеукенов"))

        assertContains(response, "Merge a duplicate into 4: Baurzhan Keukenov")
        assertContains(response, merge_url(survivor, duplicate=duplicate.pk))
        assertContains(response, "17: Baurjan Keukenov</a> · Border group")
        # Someone of another case is listed, with the reason they cannot be merged.
        assertContains(response, "Another group")
        assertNotContains(response, merge_url(survivor, duplicate=other_case.pk))
        assertContains(response, "belong to different cases")
        assertNotContains(response, f"?duplicate={survivor.pk}")

    def test_confirmation_lists_what_will_move_and_merges_on_post(
        self, staff_client, case, survivor, duplicate
    ):
        detainee_details(case, duplicate)
        KinshipFactory.create_batch(2, detainee=duplicate)

        page = staff_client.get(merge_url(survivor, duplicate=duplicate.pk))

        assertContains(page, "<li>Kinships: detainee: 2</li>", html=True)
        assertContains(page, "<li>Consular visits: detainees seen: 1</li>", html=True)
        assertContains(page, "<li>Change history entries: 1</li>", html=True)
        assertContains(page, "<dt>Home region</dt><dd>Aktobe</dd>", html=True)
        assertContains(page, "<li>Baurjan Keukenov</li>", html=True)
        assertContains(page, "Merge and delete the duplicate")
        assert Detainee.objects.count() == 2

        response = staff_client.post(merge_url(survivor), {"duplicate": duplicate.pk}, follow=True)

        assertRedirects(response, reverse("staff:detainee-edit", kwargs={"pk": survivor.pk}))
        assertContains(response, "“17: Baurjan Keukenov” was merged into “4: Baurzhan Keukenov”")
        assert list(case.detainees.all()) == [survivor]
        assert survivor.kinships.count() == 2

    def test_merged_history_shows_on_the_case_history(
        self, staff_client, case, survivor, duplicate
    ):
        staff_client.post(merge_url(survivor), {"duplicate": duplicate.pk})
        response = staff_client.get(reverse("staff:case-history", kwargs={"slug": case.slug}))
        assertContains(response, "Merged with 17: Baurjan Keukenov")

    def test_people_of_different_cases_are_refused_with_a_message(self, staff_client, survivor):
        other = DetaineeFactory(name_latin="Baurjan Keukenov")

        page = staff_client.get(merge_url(survivor, duplicate=other.pk))
        assertContains(page, "belong to different cases, so they cannot be merged")
        assertNotContains(page, "Merge and delete the duplicate")

        response = staff_client.post(merge_url(survivor), {"duplicate": other.pk})
        assertContains(response, "belong to different cases", status_code=409)
        assert Detainee.objects.count() == 2

    def test_institutions_merge_from_their_admin_page(self, staff_client):
        survivor = InstitutionFactory(name="Prosecutor General's Office")
        duplicate = InstitutionFactory(name="General Prosecutors Office")
        OfficialContactFactory(institution=duplicate)

        change_page = staff_client.get(admin_url(survivor, "change"))
        assertContains(change_page, f'<a href="{merge_url(survivor)}">')
        page = staff_client.get(merge_url(survivor, duplicate=duplicate.pk))
        assertContains(page, "<li>Official contacts: institution: 1</li>", html=True)

        response = staff_client.post(merge_url(survivor), {"duplicate": duplicate.pk})

        assertRedirects(response, admin_url(survivor, "change"))
        assert OfficialContact.objects.get().institution == survivor

    @pytest.mark.parametrize(
        "make",
        [DetaineeFactory, FacilityFactory, InstitutionFactory, OfficialFactory, RelativeFactory],
        ids=lambda make: make._meta.model.__name__,
    )
    def test_every_admin_change_page_links_to_merging(self, staff_client, make):
        record = make()
        page = staff_client.get(admin_url(record, "change"))
        assertContains(page, f'<a href="{merge_url(record)}">Merge a duplicate into this</a>')
        assert staff_client.get(merge_url(record)).status_code == 200

    def test_the_staff_detainee_page_links_to_merging(self, staff_client, survivor):
        page = staff_client.get(reverse("staff:detainee-edit", kwargs={"pk": survivor.pk}))
        assertContains(page, f'<a href="{merge_url(survivor)}">')

    @pytest.mark.parametrize("people", [1, 6])
    def test_pages_run_a_fixed_number_of_queries(
        self, staff_client, case, survivor, people, django_assert_max_num_queries
    ):
        twins = [
            DetaineeFactory(case=case, reference=f"t{n}", name_latin="Baurjan Keukenov")
            for n in range(people)
        ]
        detainee_details(case, *twins)
        for twin in twins:
            KinshipFactory(detainee=twin)
        # Session, user, the record, one search.
        with django_assert_max_num_queries(5):
            response = staff_client.get(merge_url(survivor, q="Baurjan"))
        assert len(response.context["candidates"]) == people
        # Session, user, both records, one count per relation (six), history, the facility.
        with django_assert_max_num_queries(12):
            response = staff_client.get(merge_url(survivor, duplicate=twins[0].pk))
        assert response.status_code == 200


class TestMergeAccess:
    def test_anonymous_is_sent_to_log_in(self, client, survivor):
        response = client.get(merge_url(survivor))
        assert response.status_code == 302
        assert "login" in response.url

    def test_a_relative_gets_404(self, survivor, duplicate):
        client = client_for(RelativeWithAccountFactory().user)
        assert client.get(merge_url(survivor)).status_code == 404
        assert client.post(merge_url(survivor), {"duplicate": duplicate.pk}).status_code == 404
        assert Detainee.objects.count() == 2

    def test_a_limited_case_worker_gets_404_for_other_organisations_people(
        self, limited, case, survivor, duplicate
    ):
        client = client_for(limited)
        relative = KinshipFactory(detainee=survivor).relative
        twin = KinshipFactory(detainee=duplicate).relative
        for record, other in [(survivor, duplicate), (relative, twin)]:
            assert client.get(merge_url(record)).status_code == 404
            assert client.post(merge_url(record), {"duplicate": other.pk}).status_code == 404
        assert Detainee.objects.count() == 2
        assert Relative.objects.count() == 2

    def test_a_limited_case_worker_cannot_take_a_duplicate_from_another_organisation(
        self, limited, case
    ):
        own = CaseFactory()
        StaffMember.objects.get(user=limited).organisation.cases.add(own)
        mine = KinshipFactory(detainee=DetaineeFactory(case=own)).relative
        theirs = KinshipFactory(detainee=DetaineeFactory(case=case)).relative
        client = client_for(limited)

        assert client.get(merge_url(mine)).status_code == 200
        assert client.get(merge_url(mine, duplicate=theirs.pk)).status_code == 404
        assert client.post(merge_url(mine), {"duplicate": theirs.pk}).status_code == 404
        assert Relative.objects.count() == 2

    def test_unknown_kinds_and_records_get_404(self, staff_client, survivor):
        url = reverse("staff:merge", kwargs={"model": "case", "pk": survivor.case_id})
        assert staff_client.get(url).status_code == 404
        missing = reverse("staff:merge", kwargs={"model": "detainee", "pk": 999})
        assert staff_client.get(missing).status_code == 404
        assert staff_client.get(merge_url(survivor, duplicate="x")).status_code == 404
        assert staff_client.post(merge_url(survivor)).status_code == 404

    def test_wrong_method_gets_405(self, staff_client, survivor):
        assert staff_client.put(merge_url(survivor)).status_code == 405
