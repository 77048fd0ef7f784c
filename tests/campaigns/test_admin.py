import pytest
from django.contrib import admin
from django.urls import reverse

from campaigns.models import Kinship, Participation, Relative
from detentions.models import Event, EventKind, OfficialContact
from tests.admin_pages import admin_url, assert_shows, page_data, prefixes
from tests.factories import (
    CaseFactory,
    CitationFactory,
    DetaineeFactory,
    EventFactory,
    KinshipFactory,
    OfficialContactFactory,
    OrganisationFactory,
    ParticipationFactory,
    RelativeFactory,
)

pytestmark = pytest.mark.django_db

CAMPAIGNS_MODELS = [model for model in admin.site._registry if model._meta.app_label == "campaigns"]


@pytest.fixture
def campaign():
    """Relatives of a case and an organisation, each taking part in a contact."""
    kinship = KinshipFactory(
        relative=RelativeFactory(given_name="Janara", family_name="", preferred_language="kk")
    )
    KinshipFactory(detainee=DetaineeFactory(case=kinship.case))
    contact = OfficialContactFactory(event__case=kinship.case).event
    ParticipationFactory(event=contact, organisation=OrganisationFactory(name="KIBHR"))
    ParticipationFactory(event=contact, organisation=None, relative=kinship.relative)
    return kinship


class TestEveryPage:
    @pytest.mark.parametrize("model", CAMPAIGNS_MODELS, ids=lambda model: model.__name__)
    def test_changelist_lists_every_record_with_a_link(self, staff_client, campaign, model):
        records = list(model._default_manager.all())
        assert records

        response = staff_client.get(admin_url(model, "changelist"))

        page = response.content.decode()
        assert response.status_code == 200
        plural = model._meta.verbose_name_plural if len(records) > 1 else model._meta.verbose_name
        assert f"{len(records)} {plural}" in page
        for record in records:
            assert admin_url(record, "change") in page

    @pytest.mark.parametrize("model", CAMPAIGNS_MODELS, ids=lambda model: model.__name__)
    def test_changelist_searches_and_sorts_by_every_column(self, staff_client, campaign, model):
        columns = ".".join(str(i) for i in range(1, 10))
        response = staff_client.get(admin_url(model, "changelist"), {"q": "Janara", "o": columns})
        assert response.status_code == 200
        assert_shows(response, '<input type="submit" value="Search">')

    @pytest.mark.parametrize("model", CAMPAIGNS_MODELS, ids=lambda model: model.__name__)
    def test_add_page_shows_an_empty_form(self, staff_client, model):
        response = staff_client.get(admin_url(model, "add"))
        assert response.status_code == 200
        assert f"Add {model._meta.verbose_name}" in response.content.decode()

    @pytest.mark.parametrize("model", CAMPAIGNS_MODELS, ids=lambda model: model.__name__)
    def test_anonymous_visitors_are_sent_to_log_in(self, client, model):
        response = client.get(admin_url(model, "changelist"))
        assert response.status_code == 302
        assert response["Location"].startswith("/admin/login/")


def test_autocomplete_finds_events_by_title(staff_client):
    event = EventFactory(title="Relatives demonstrate outside the KNB office")
    EventFactory(title="The consul visits Nukus")
    query = {"term": "KNB", "app_label": "campaigns", "model_name": "participation"}

    response = staff_client.get(reverse("admin:autocomplete"), query | {"field_name": "event"})

    assert response.json()["results"] == [{"id": str(event.pk), "text": str(event)}]


class TestRelative:
    def test_list_shows_public_name_rule_language_and_cases(self, staff_client, campaign):
        response = staff_client.get(admin_url(Relative, "changelist"))

        assert_shows(response, '<td class="field-name_display">&quot;a relative&quot;</td>')
        assert_shows(response, '<td class="field-preferred_language">Қазақша</td>')
        assert_shows(response, f'<td class="field-case_titles">{campaign.case.title}</td>')

    def test_kinship_with_a_detainee_of_another_case_is_refused(self, staff_client):
        case = CaseFactory()
        stranger = DetaineeFactory(name_latin="Someone Else")
        page = staff_client.get(admin_url(Relative, "add"))
        kinships = prefixes(page)[Kinship]
        data = page_data(page) | {
            "given_name": "Shynar",
            "family_name": "Kulegenova",
            f"{kinships}-0-case": str(case.pk),
            f"{kinships}-0-detainee": str(stranger.pk),
            f"{kinships}-0-relationship": Kinship.Relationship.WIFE,
        }

        response = staff_client.post(admin_url(Relative, "add"), data)

        assert response.status_code == 200
        assert_shows(
            response,
            f'<ul class="errorlist" id="id_{kinships}-0-detainee_error">'
            "<li>This detainee belongs to another case; choose one of this case.</li></ul>",
        )
        assert not Relative.objects.exists()

    def test_saves_a_relative_with_kinship(self, staff_client):
        detainee = DetaineeFactory()
        page = staff_client.get(admin_url(Relative, "add"))
        kinships = prefixes(page)[Kinship]
        data = page_data(page) | {
            "given_name": "Janara",
            "name_display": Relative.NameDisplay.GIVEN_NAME,
            f"{kinships}-0-case": str(detainee.case.pk),
            f"{kinships}-0-detainee": str(detainee.pk),
            f"{kinships}-0-relationship": Kinship.Relationship.SISTER,
        }

        response = staff_client.post(admin_url(Relative, "add"), data)

        assert response.status_code == 302
        relative = Relative.objects.get()
        assert relative.public_name == "Janara"
        assert relative.kinships.get().detainee == detainee


class TestEventParticipants:
    def test_shown_only_for_kinds_that_have_participants(self, staff_client):
        contact = OfficialContactFactory().event
        note = EventFactory(kind=EventKind.NOTE)

        assert Participation in prefixes(staff_client.get(admin_url(contact, "change")))
        assert Participation not in prefixes(staff_client.get(admin_url(note, "change")))

    def test_saved_from_the_event_page(self, staff_client, campaign):
        contact = OfficialContactFactory(event__case=campaign.case).event
        CitationFactory(event=contact)
        organisation = OrganisationFactory(name="KIBHR")
        page = staff_client.get(admin_url(contact, "change"))
        participations = prefixes(page)[Participation]
        data = page_data(page) | {
            f"{participations}-0-organisation": str(organisation.pk),
            f"{participations}-0-spokesperson": "Anara Ibraeva",
        }

        response = staff_client.post(admin_url(contact, "change"), data)

        assert response.status_code == 302
        assert contact.participations.get().public_name == "KIBHR"

    def test_relative_must_be_linked_to_the_event_case(self, staff_client):
        contact = OfficialContactFactory().event
        CitationFactory(event=contact)
        outsider = KinshipFactory().relative
        page = staff_client.get(admin_url(contact, "change"))
        participations = prefixes(page)[Participation]
        data = page_data(page) | {f"{participations}-0-relative": str(outsider.pk)}

        response = staff_client.post(admin_url(contact, "change"), data)

        assert response.status_code == 200
        assert_shows(
            response,
            f'<ul class="errorlist" id="id_{participations}-0-relative_error">'
            "<li>This relative is not linked to this event&#x27;s case.</li></ul>",
        )
        assert not contact.participations.exists()

    def test_added_with_a_new_official_contact(self, staff_client, campaign):
        url = f"{admin_url(Event, 'add')}?case={campaign.case.pk}&kind=official_contact"
        page = staff_client.get(url)
        prefix = prefixes(page)
        contact, participations = prefix[OfficialContact], prefix[Participation]
        data = page_data(page) | {
            "date_start": "2009-04-17",
            "title": "Relatives ask the KNB for help",
            f"{contact}-0-institution": str(OfficialContactFactory().institution.pk),
            f"{contact}-0-channel": OfficialContact.Channel.IN_PERSON,
            f"{contact}-0-outcome": OfficialContact.Outcome.REFUSED,
            f"{contact}-0-reason_given": "No mandate for people held abroad.",
            f"{participations}-0-relative": str(campaign.relative.pk),
        }

        response = staff_client.post(url, data)

        assert response.status_code == 302
        event = Event.objects.get(title="Relatives ask the KNB for help")
        assert event.participations.get().relative == campaign.relative
