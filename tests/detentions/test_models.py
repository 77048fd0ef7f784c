import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from detentions.dates import DatePrecision
from detentions.models import (
    Case,
    CaseStatus,
    ConsularVisit,
    DetaineeStatus,
    Event,
    EventKind,
    NameDisplay,
    OfficialContact,
    StatusChange,
)
from tests.factories import (
    CaseFactory,
    DetaineeFactory,
    EventFactory,
    FacilityFactory,
    InstitutionFactory,
    OfficialContactFactory,
    OfficialFactory,
)

pytestmark = pytest.mark.django_db

TOMORROW = timezone.localdate() + datetime.timedelta(days=1)


def errors_of(instance) -> dict:
    with pytest.raises(ValidationError) as raised:
        instance.full_clean()
    return raised.value.message_dict


class TestEventDates:
    def test_an_end_before_the_start_is_refused_on_the_end(self):
        event = EventFactory.build(
            case=CaseFactory(),
            date_precision=DatePrecision.SPAN,
            date_start=datetime.date(2009, 5, 10),
            date_end=datetime.date(2009, 5, 3),
        )
        assert errors_of(event) == {"date_end": ["The last day cannot be before the first."]}

    def test_a_date_in_the_future_is_refused(self):
        event = EventFactory.build(case=CaseFactory(), date_start=TOMORROW)
        assert errors_of(event) == {"date_start": ["This date is in the future."]}

    def test_a_span_needs_its_last_day_and_only_a_span_has_one(self):
        span = EventFactory.build(case=CaseFactory(), date_precision=DatePrecision.SPAN)
        assert errors_of(span) == {"date_end": ["A span needs its last day."]}
        day = EventFactory.build(
            case=CaseFactory(), date_precision=DatePrecision.DAY, date_end=datetime.date(2009, 6, 1)
        )
        assert "date_end" in errors_of(day)

    def test_an_unknown_date_has_no_day_and_a_known_one_needs_it(self):
        unknown = EventFactory.build(case=CaseFactory(), date_precision=DatePrecision.UNKNOWN)
        assert errors_of(unknown) == {
            "date_precision": ["A date is given, so its precision is not unknown."]
        }
        unknown.date_start = None
        unknown.full_clean()
        missing = EventFactory.build(case=CaseFactory(), date_start=None)
        assert errors_of(missing) == {
            "date_start": ["Give the date, or set its precision to unknown."]
        }

    def test_cleaning_moves_a_part_of_month_onto_its_first_day(self):
        event = EventFactory.build(
            case=CaseFactory(),
            date_precision=DatePrecision.LATE_MONTH,
            date_start=datetime.date(2009, 2, 26),
        )
        event.full_clean()
        assert event.date_start == datetime.date(2009, 2, 21)
        assert str(event.date) == "late February 2009"

    @pytest.mark.parametrize(
        ("fields", "constraint"),
        [
            (
                {
                    "date_precision": DatePrecision.SPAN,
                    "date_start": datetime.date(2009, 5, 9),
                    "date_end": datetime.date(2009, 5, 1),
                },
                "event_ends_after_start",
            ),
            ({"date_precision": DatePrecision.SPAN, "date_end": None}, "event_only_spans_have_end"),
            (
                {"date_precision": DatePrecision.DAY, "date_start": None},
                "event_date_matches_precision",
            ),
        ],
    )
    def test_the_database_refuses_what_validation_refuses(self, fields, constraint):
        with pytest.raises(IntegrityError, match=constraint), transaction.atomic():
            EventFactory(**fields)


class TestDetainee:
    def test_confirmed_whereabouts_need_a_facility(self):
        detainee = DetaineeFactory.build(
            case=CaseFactory(), whereabouts_confirmed_on=datetime.date(2009, 4, 5)
        )
        assert list(errors_of(detainee)) == ["whereabouts_confirmed_on"]
        with pytest.raises(IntegrityError), transaction.atomic():
            detainee.save()

    def test_a_birth_date_in_the_future_is_refused(self):
        detainee = DetaineeFactory.build(case=CaseFactory(), birth_date=TOMORROW)
        assert errors_of(detainee) == {"birth_date": ["This date is in the future."]}

    def test_references_are_unique_within_a_case_only(self):
        first = DetaineeFactory(reference="01")
        DetaineeFactory(reference="01")  # another case
        with pytest.raises(IntegrityError), transaction.atomic():
            DetaineeFactory(case=first.case, reference="01")

    @pytest.mark.parametrize(
        ("name", "rule", "shown"),
        [
            ("", NameDisplay.FULL, "Detainee 07, identity not yet known"),
            ("Serik Abenov", NameDisplay.FULL, "Serik Abenov"),
            ("Serik Abenov", NameDisplay.INITIALS, "S. A."),
            ("Serik Abenov", NameDisplay.WITHHELD, "Detainee 07, name withheld"),
        ],
    )
    def test_public_name_follows_the_agreed_rule(self, name, rule, shown):
        detainee = DetaineeFactory.build(reference="07", name_latin=name, name_display=rule)
        assert detainee.public_name == shown

    def test_a_name_is_withheld_unless_someone_says_otherwise(self):
        detainee = DetaineeFactory(reference="12", name_latin="Serik Abenov")
        assert detainee.public_name == "Detainee 12, name withheld"


class TestDerivedCaseFacts:
    def test_status_comes_from_the_latest_status_event(self):
        case = CaseFactory()
        for day, status in [
            (1, CaseStatus.DETAINED),
            (20, CaseStatus.ON_TRIAL),
            (10, CaseStatus.CHARGED),
        ]:
            event = EventFactory(
                case=case, kind=EventKind.STATUS_CHANGE, date_start=datetime.date(2009, 5, day)
            )
            StatusChange.objects.create(event=event, status=status)
        assert (
            Case.objects.with_status(public_only=False).get().derived_status == CaseStatus.ON_TRIAL
        )

    def test_the_public_status_ignores_internal_and_unverified_events(self):
        case = CaseFactory()
        public = EventFactory(
            case=case, kind=EventKind.STATUS_CHANGE, date_start=datetime.date(2009, 5, 1)
        )
        StatusChange.objects.create(event=public, status=CaseStatus.CHARGED)
        for hidden in (
            EventFactory(case=case, kind=EventKind.STATUS_CHANGE, is_public=False),
            EventFactory(
                case=case, kind=EventKind.STATUS_CHANGE, verification=Event.Verification.REPORTED
            ),
        ):
            hidden.date_start = datetime.date(2009, 6, 1)
            hidden.save()
            StatusChange.objects.create(event=hidden, status=CaseStatus.RELEASED)
        assert Case.objects.with_status(public_only=True).get().status_label == "charged"
        assert Case.objects.with_status(public_only=False).get().status_label == "released"

    def test_a_case_without_status_events_is_detained(self):
        CaseFactory()
        assert (
            Case.objects.with_status(public_only=True).get().derived_status == CaseStatus.DETAINED
        )

    def test_people_counts_come_from_the_records(self):
        case = CaseFactory()
        facility = FacilityFactory()
        DetaineeFactory.create_batch(3, case=case, facility=facility)
        DetaineeFactory.create_batch(2, case=case)
        DetaineeFactory(case=case, status=DetaineeStatus.MISSING)
        DetaineeFactory(case=case, status=DetaineeStatus.RELEASED)
        DetaineeFactory(case=case, status=DetaineeStatus.DEPORTED)
        DetaineeFactory(case=case, status=DetaineeStatus.ESCAPED)
        DetaineeFactory()  # another case's
        counted = Case.objects.with_people_counts().get(pk=case.pk)
        assert (
            counted.people_count,
            counted.held_count,
            counted.located_count,
            counted.whereabouts_unknown_count,
            counted.freed_count,
            counted.escaped_count,
        ) == (9, 5, 3, 3, 2, 1)


class TestEventDetails:
    def test_details_of_another_kind_are_refused(self):
        event = EventFactory(kind=EventKind.OFFICIAL_CONTACT)
        visit = ConsularVisit(event=event, consul=OfficialFactory(), outcome="granted")
        assert errors_of(visit) == {
            "__all__": [
                "These details belong to events of kind “consular visit”; "
                "this event is of kind “official contact”."
            ]
        }

    def test_a_consular_visit_names_the_consul_or_the_consulate(self):
        visit = ConsularVisit(event=EventFactory(kind=EventKind.CONSULAR_VISIT), outcome="refused")
        assert errors_of(visit) == {"consul": ["Name the consul, the consulate, or both."]}
        with pytest.raises(IntegrityError), transaction.atomic():
            visit.save()

    def test_an_official_contact_needs_an_addressee(self):
        contact = OfficialContactFactory.build(
            event=EventFactory(kind=EventKind.OFFICIAL_CONTACT), institution=None
        )
        assert errors_of(contact) == {
            "institution": ["Name the institution, the official, or both."]
        }

    def test_a_referral_names_the_body(self):
        contact = OfficialContactFactory.build(
            event=EventFactory(kind=EventKind.OFFICIAL_CONTACT),
            institution=InstitutionFactory(),
            outcome=OfficialContact.Outcome.REFERRED,
        )
        assert errors_of(contact) == {"referred_to": ["Say which body they referred to."]}
        with pytest.raises(IntegrityError), transaction.atomic():
            contact.save()

    def test_a_reply_cannot_come_before_the_contact(self):
        contact = OfficialContactFactory.build(
            event=EventFactory(
                kind=EventKind.OFFICIAL_CONTACT, date_start=datetime.date(2009, 4, 10)
            ),
            institution=InstitutionFactory(),
            outcome=OfficialContact.Outcome.ANSWERED,
            replied_on=datetime.date(2009, 4, 2),
        )
        assert errors_of(contact) == {"replied_on": ["The reply cannot come before the contact."]}

    def test_a_reply_date_needs_an_answered_outcome(self):
        contact = OfficialContactFactory.build(
            event=EventFactory(
                kind=EventKind.OFFICIAL_CONTACT, date_start=datetime.date(2009, 4, 10)
            ),
            institution=InstitutionFactory(),
            replied_on=datetime.date(2009, 4, 20),
        )
        assert "replied_on" in errors_of(contact)


class TestRegistry:
    def test_an_institution_cannot_be_its_own_ancestor(self):
        ministry = InstitutionFactory()
        department = InstitutionFactory(parent=ministry)
        ministry.parent = department
        assert list(errors_of(ministry)) == ["parent"]

    def test_an_officials_period_cannot_end_before_it_starts(self):
        official = OfficialFactory.build(
            institution=InstitutionFactory(),
            in_office_from=datetime.date(2009, 5, 1),
            in_office_until=datetime.date(2009, 4, 1),
        )
        assert list(errors_of(official)) == ["in_office_until"]


@pytest.mark.parametrize(
    ("name", "town", "shown"),
    [
        ("Pre-trial detention unit", "Nukus", "Pre-trial detention unit, Nukus"),
        ("Pre-trial detention unit, Nukus", "Nukus", "Pre-trial detention unit, Nukus"),
        ("Border post", "", "Border post"),
    ],
)
def test_a_facility_names_its_town_once(name, town, shown):
    assert str(FacilityFactory.build(name=name, town=town)) == shown
