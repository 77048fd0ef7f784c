import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from campaigns.models import Kinship, Participation, Relative
from detentions.models import EventKind
from tests.factories import (
    CaseFactory,
    DetaineeFactory,
    EventFactory,
    KinshipFactory,
    OrganisationFactory,
    RelativeFactory,
)

pytestmark = pytest.mark.django_db


def errors_of(instance) -> dict:
    with pytest.raises(ValidationError) as raised:
        instance.full_clean()
    return raised.value.message_dict


class TestRelativePublicName:
    @pytest.mark.parametrize(
        ("rule", "shown"),
        [
            (Relative.NameDisplay.FULL, "Shynar Kulegenova"),
            (Relative.NameDisplay.GIVEN_NAME, "Shynar"),
            (Relative.NameDisplay.INITIALS, "S. K."),
            (Relative.NameDisplay.WITHHELD, "a relative"),
        ],
    )
    def test_follows_the_agreed_rule(self, rule, shown):
        relative = RelativeFactory.build(
            given_name="Shynar", family_name="Kulegenova", name_display=rule
        )
        assert relative.public_name == shown

    def test_is_a_relative_unless_they_agreed_otherwise(self):
        assert RelativeFactory(given_name="Janara", family_name="").public_name == "a relative"

    def test_a_relative_without_a_surname_is_shown_by_given_name(self):
        janara = RelativeFactory(
            given_name="Janara", family_name="", name_display=Relative.NameDisplay.GIVEN_NAME
        )
        janara.full_clean()
        assert janara.public_name == "Janara"
        assert janara.full_name == "Janara"


class TestKinship:
    def test_a_detainee_of_another_case_is_refused_on_the_detainee(self):
        kinship = Kinship(
            relative=RelativeFactory(),
            case=CaseFactory(),
            detainee=DetaineeFactory(),
            relationship=Kinship.Relationship.BROTHER,
        )
        assert errors_of(kinship) == {
            "detainee": ["This detainee belongs to another case; choose one of this case."]
        }

    def test_a_relative_may_be_linked_to_a_case_before_the_detainee_is_known(self):
        kinship = Kinship(relative=RelativeFactory(), case=CaseFactory(), relationship="other")
        kinship.full_clean()
        kinship.save()
        assert list(kinship.relative.cases.all()) == [kinship.case]

    def test_a_relative_is_linked_once_to_each_detainee(self):
        first = KinshipFactory()
        with pytest.raises(IntegrityError), transaction.atomic():
            KinshipFactory(relative=first.relative, detainee=first.detainee, relationship="wife")

    def test_two_brothers_in_one_case(self):
        case = CaseFactory()
        sister = RelativeFactory()
        for brother in DetaineeFactory.create_batch(2, case=case):
            KinshipFactory(relative=sister, detainee=brother, relationship="brother")
        assert sister.kinships.count() == 2
        assert list(sister.cases.distinct()) == [case]


class TestParticipation:
    def test_is_a_relative_or_an_organisation_never_both(self):
        kinship = KinshipFactory()
        event = EventFactory(case=kinship.case, kind=EventKind.OFFICIAL_CONTACT)
        both = Participation(
            event=event, relative=kinship.relative, organisation=OrganisationFactory()
        )
        assert "__all__" in errors_of(both)
        with pytest.raises(IntegrityError), transaction.atomic():
            both.save()
        neither = Participation(event=event)
        assert "__all__" in errors_of(neither)

    def test_a_relative_takes_part_only_in_their_own_case(self):
        relative = KinshipFactory().relative
        elsewhere = EventFactory(kind=EventKind.CAMPAIGN_ACTION)
        participation = Participation(event=elsewhere, relative=relative)
        assert errors_of(participation) == {
            "relative": ["This relative is not linked to this event's case."]
        }

    def test_only_contacts_attempts_and_actions_have_participants(self):
        note = EventFactory(kind=EventKind.NOTE)
        participation = Participation(event=note, organisation=OrganisationFactory())
        assert "__all__" in errors_of(participation)

    def test_a_relative_of_the_case_may_take_part(self):
        kinship = KinshipFactory()
        event = EventFactory(case=kinship.case, kind=EventKind.ACCESS_ATTEMPT)
        participation = Participation(event=event, relative=kinship.relative)
        participation.full_clean()
        participation.save()
        assert participation.public_name == "a relative"
