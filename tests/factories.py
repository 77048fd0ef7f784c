"""Small factories for realistic records, each building on the one before: case, detainee, event."""

import datetime

import factory
from django.contrib.auth import get_user_model

from campaigns.models import (
    CorrectionRequest,
    Entry,
    IntakeReport,
    Invitation,
    Kinship,
    Organisation,
    Participation,
    Relative,
)
from detentions.dates import DatePrecision
from detentions.models import (
    Attachment,
    Case,
    Citation,
    Detainee,
    Event,
    EventKind,
    Facility,
    Institution,
    Official,
    OfficialContact,
    Source,
)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    password = factory.django.Password("correct horse battery staple")


class StaffUserFactory(UserFactory):
    is_staff = True
    is_superuser = True


class CaseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Case

    title = factory.Sequence(lambda n: f"Group detained at the border {n}")
    slug = factory.Sequence(lambda n: f"case-{n}")
    summary = "Citizens detained after crossing the border by mistake."
    location = "Karakalpakstan, Uzbekistan"
    began_on = datetime.date(2009, 2, 21)
    began_on_precision = DatePrecision.LATE_MONTH
    detaining_country = "UZ"
    detainees_country = "KZ"
    is_published = True


class FacilityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Facility

    name = factory.Sequence(lambda n: f"Pre-trial detention unit {n}")
    slug = factory.Sequence(lambda n: f"facility-{n}")
    kind = Facility.Kind.PRETRIAL
    town = "Nukus"
    region = "Karakalpakstan"
    country = "UZ"


class DetaineeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Detainee

    case = factory.SubFactory(CaseFactory)
    reference = factory.Sequence(lambda n: f"{n + 1}")


class InstitutionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Institution

    name = factory.Sequence(lambda n: f"Regional prosecutor's office {n}")
    slug = factory.Sequence(lambda n: f"institution-{n}")
    kind = Institution.Kind.PROSECUTOR
    country = "KZ"


class OfficialFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Official

    name = factory.Sequence(lambda n: f"Official {n}")
    institution = factory.SubFactory(InstitutionFactory, kind=Institution.Kind.EMBASSY)
    role = "Consul"


class SourceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Source

    title = factory.Sequence(lambda n: f"Report {n}")
    kind = Source.Kind.MEDIA
    url = factory.Sequence(lambda n: f"https://news.example.org/report-{n}")
    published_on = datetime.date(2009, 5, 20)
    is_public = True


class EventFactory(factory.django.DjangoModelFactory):
    """A public, verified note; pass `kind` and build details with the detail factories."""

    class Meta:
        model = Event

    case = factory.SubFactory(CaseFactory)
    kind = EventKind.NOTE
    date_precision = DatePrecision.DAY
    date_start = factory.Sequence(
        lambda n: datetime.date(2009, 3, 1) + datetime.timedelta(days=n % 200)
    )
    title = factory.Sequence(lambda n: f"Event {n}")
    description = "What happened, in the recorder's own words."
    is_public = True
    verification = Event.Verification.VERIFIED


class CitationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Citation

    event = factory.SubFactory(EventFactory)
    source = factory.SubFactory(SourceFactory)


class OfficialContactFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OfficialContact

    event = factory.SubFactory(EventFactory, kind=EventKind.OFFICIAL_CONTACT)
    institution = factory.SubFactory(InstitutionFactory)
    channel = OfficialContact.Channel.LETTER
    request = "Where is my brother held?"


class RelativeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Relative

    given_name = factory.Sequence(lambda n: f"Aigul{n}")
    family_name = "Seitova"
    phone = "+7 700 000 00 00"
    email = factory.Sequence(lambda n: f"relative{n}@example.org")
    # The model's default is Russian; tests read English unless they choose a language.
    preferred_language = Relative.Language.ENGLISH


class KinshipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Kinship

    relative = factory.SubFactory(RelativeFactory)
    detainee = factory.SubFactory(DetaineeFactory)
    case = factory.SelfAttribute("detainee.case")
    relationship = Kinship.Relationship.SISTER


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Human rights bureau {n}")
    slug = factory.Sequence(lambda n: f"organisation-{n}")
    country = "KZ"


class ParticipationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Participation

    event = factory.SubFactory(EventFactory, kind=EventKind.OFFICIAL_CONTACT)
    organisation = factory.SubFactory(OrganisationFactory)


def timeline_of_every_kind(case: Case, *, rounds: int) -> list[Event]:
    """`rounds` events of every kind, each with its details, people and two sources."""
    from detentions.models import (
        AccessAttempt,
        CampaignAction,
        ConsularVisit,
        LegalProceeding,
        ReportedFigure,
        StatusChange,
    )

    facility = FacilityFactory()
    detainees = DetaineeFactory.create_batch(2, case=case, facility=facility)
    institution = InstitutionFactory()
    consul = OfficialFactory()
    events = []
    for _ in range(rounds):
        for kind in EventKind:
            event = EventFactory(case=case, kind=kind)
            CitationFactory.create_batch(2, event=event)
            if kind == EventKind.STATUS_CHANGE:
                StatusChange.objects.create(event=event, status="detained").detainees.set(detainees)
            elif kind == EventKind.LEGAL_PROCEEDING:
                LegalProceeding.objects.create(
                    event=event, stage="hearing", court=institution
                ).detainees.set(detainees)
            elif kind == EventKind.CONSULAR_VISIT:
                ConsularVisit.objects.create(
                    event=event, consul=consul, facility=facility, outcome="granted"
                ).detainees_seen.set(detainees)
            elif kind == EventKind.ACCESS_ATTEMPT:
                AccessAttempt.objects.create(
                    event=event,
                    attempted_by="relative",
                    access_type="parcel",
                    facility=facility,
                    decided_by=institution,
                    outcome="refused",
                ).detainees.set(detainees)
            elif kind == EventKind.OFFICIAL_CONTACT:
                OfficialContactFactory(event=event, institution=institution, official=consul)
                ParticipationFactory(event=event)
            elif kind == EventKind.CAMPAIGN_ACTION:
                CampaignAction.objects.create(
                    event=event, action_type="demonstration", target=institution
                )
            elif kind == EventKind.REPORTED_FIGURE:
                ReportedFigure.objects.create(event=event, measure="escaped", value=7)
            events.append(event)
    return events


# What `case_with_hidden_facts` hides: none of it may appear on a public output.
HIDDEN_TEXT = [
    "Staff to-do",
    "A rumour",
    "Fact of a draft case",
    "Testimony of a witness",
    "lawyer's private number",
]


def case_with_hidden_facts() -> Case:
    """A published case with one public event, and everything around it that must stay hidden."""
    case = CaseFactory(
        slug="public-case",
        title="Held at the border",
        internal_notes="Internal: lawyer's private number",
    )
    public = EventFactory(case=case, title="Verified public fact")
    CitationFactory(event=public, source=SourceFactory(title="Public bulletin"))
    CitationFactory(
        event=public, source=SourceFactory(title="Testimony of a witness", is_public=False)
    )
    EventFactory(case=case, title="Staff to-do: call the embassy", is_public=False)
    EventFactory(
        case=case, title="A rumour from a chat group", verification=Event.Verification.REPORTED
    )
    EventFactory(case=CaseFactory(is_published=False), title="Fact of a draft case")
    return case


# The relatives' side and the public intake.


class IntakeReportFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = IntakeReport

    who_is_held = factory.Sequence(lambda n: f"My brother Nurlan and {n} other men from Aktobe")
    held_where = "Pre-trial detention unit, Nukus"
    held_since = "late February 2009"
    what_happened = "They took a wrong turn in the snow and crossed the border."
    reporter_name = "Jibek"
    reporter_contact = "+7 701 555 01 23"
    reporter_language = Relative.Language.RUSSIAN
    address_hash = factory.Sequence(lambda n: f"{n:064x}")


class EntryFactory(factory.django.DjangoModelFactory):
    """A relative's submitted entry: an internal, unverified note on a case they are linked to."""

    class Meta:
        model = Entry

    relative = factory.LazyAttribute(lambda entry: KinshipFactory().relative)
    event = factory.SubFactory(
        EventFactory,
        case=factory.LazyAttribute(lambda event: event.factory_parent.relative.cases.first()),
        is_public=False,
        verification=Event.Verification.REPORTED,
    )


class CorrectionRequestFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CorrectionRequest

    entry = factory.SubFactory(EntryFactory)
    text = "The visit was on the 10th, not the 11th."


class InvitationFactory(factory.django.DjangoModelFactory):
    """An open invitation; its token is thrown away (use `Invitation.issue` to get one)."""

    class Meta:
        model = Invitation

    relative = factory.LazyAttribute(lambda invitation: KinshipFactory().relative)
    case = factory.LazyAttribute(lambda invitation: invitation.relative.cases.first())
    token_hash = factory.Sequence(lambda n: f"{n:064x}")
    expires_at = factory.LazyFunction(
        lambda: datetime.datetime.now(datetime.UTC) + Invitation.VALID_FOR
    )


class AttachmentFactory(factory.django.DjangoModelFactory):
    """A scan's record; no file is written (tests that read the file make one)."""

    class Meta:
        model = Attachment

    event = factory.SubFactory(EventFactory)
    file = factory.Sequence(lambda n: f"attachments/test/{n:032x}.pdf")
    content_type = Attachment.ContentType.PDF
    size = 48_213
    original_name = "reply-from-the-prosecutor.pdf"


class RelativeWithAccountFactory(RelativeFactory):
    """A relative who has accepted an invitation: they log in with `relative.user`."""

    user = factory.SubFactory(UserFactory)
