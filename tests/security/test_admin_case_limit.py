"""The admin keeps the organisation limit of the staff pages: a case worker limited to their
organisation's cases, given every model permission there, sees the records of those cases only,
is offered no other case's record in a form or an autocomplete box, and finds another case's
record as if it did not exist.

Every registered model is named below as a case's record or as shared by all cases, and every
inline of a case's records is limited too, so that a new admin page cannot slip by unlimited.
Which case a record belongs to is written out here by hand (`CASES_OF`), not read from the code
under test.
"""

from dataclasses import dataclass

import pytest
from axes.models import AccessAttempt as LoginAttempt
from axes.models import AccessFailureLog, AccessLog
from django.contrib import admin
from django.contrib.admin.options import InlineModelAdmin
from django.contrib.admin.templatetags.admin_urls import admin_urlname
from django.contrib.auth.models import Group, Permission, User
from django.contrib.contenttypes.models import ContentType
from django.core import mail
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice
from pytest_django.asserts import assertContains, assertNotContains, assertRedirects

import campaigns.admin
import detentions.admin
from campaigns.models import (
    AccessLogEntry,
    CorrectionRequest,
    Entry,
    IntakeReport,
    Invitation,
    Kinship,
    Organisation,
    Participation,
    Relative,
    StaffMember,
)
from detentions.admin import CaseBoundAdmin, OffersVisibleChoices
from detentions.models import (
    Case,
    Charge,
    Detainee,
    Event,
    Facility,
    Institution,
    Official,
    Source,
)
from tests.accounts import log_in
from tests.admin_pages import admin_url, page_data
from tests.factories import (
    AttachmentFactory,
    CaseFactory,
    CitationFactory,
    CorrectionRequestFactory,
    DetaineeFactory,
    EntryFactory,
    FacilityFactory,
    IntakeReportFactory,
    InvitationFactory,
    KinshipFactory,
    OfficialContactFactory,
    OfficialFactory,
    OrganisationFactory,
    ParticipationFactory,
    SourceFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

# The cases each record belongs to. An intake report belongs to none yet: only staff who see
# every case read it.
CASES_OF = {
    Case: lambda case: {case},
    Detainee: lambda detainee: {detainee.case},
    Charge: lambda charge: {charge.case},
    Event: lambda event: {event.case},
    Source: lambda source: {citation.event.case for citation in source.citations.all()},
    Relative: lambda relative: set(relative.cases.all()),
    Kinship: lambda kinship: {kinship.case},
    Participation: lambda participation: {participation.event.case},
    Entry: lambda entry: {entry.event.case},
    CorrectionRequest: lambda correction: {correction.entry.event.case},
    Invitation: lambda invitation: {invitation.case},
    IntakeReport: lambda report: set(),
}
# Shared by every case: the places, bodies and people cases name.
SHARED_REGISTRY = {Facility, Institution, Official}
# Records of no case: who works here (organisations and staff members, which a limited case
# worker may read but not change), accounts, sign-in records, and the access log (superusers
# only).
NOT_A_CASES_RECORD = {
    Organisation,
    StaffMember,
    AccessLogEntry,
    User,
    Group,
    TOTPDevice,
    StaticDevice,
    LoginAttempt,
    AccessLog,
    AccessFailureLog,
}

REGISTERED = list(admin.site._registry)
CASE_RECORDS = [model for model in REGISTERED if model in CASES_OF]
INLINES = [
    inline
    for module in (detentions.admin, campaigns.admin)
    for inline in vars(module).values()
    if isinstance(inline, type)
    and issubclass(inline, InlineModelAdmin)
    and getattr(inline, "model", None) is not None
]


def name(model) -> str:
    return model.__name__


# --- Every page is accounted for ---


@pytest.mark.parametrize("model", REGISTERED, ids=name)
def test_every_admin_page_is_a_cases_record_or_shared(model):
    model_admin = admin.site._registry[model]
    if model in CASES_OF:
        assert isinstance(model_admin, CaseBoundAdmin), f"{name(model)}: no organisation limit"
        assert hasattr(model_admin, "case_path"), f"{name(model)}: no path to its case"
    else:
        assert model in SHARED_REGISTRY | NOT_A_CASES_RECORD, (
            f"{name(model)} is new to the admin: if its records belong to a case, limit its "
            "admin (CaseBoundAdmin with a case_path) and add it to CASES_OF; if not, name it "
            "as shared or as no case's record"
        )
        assert not isinstance(model_admin, CaseBoundAdmin)


@pytest.mark.parametrize("inline", INLINES, ids=name)
def test_every_inline_of_a_cases_records_is_limited(inline):
    """On a relative's page, say, the kinships of other cases stay hidden."""
    if inline.model not in SHARED_REGISTRY | NOT_A_CASES_RECORD:
        assert issubclass(inline, CaseBoundAdmin), f"{name(inline)}: no organisation limit"


def offers(model) -> list[tuple[str, type]]:
    """(field name, model offered) of each choice of `model`'s records in a form."""
    return [
        (field.name, field.related_model)
        for field in model._meta.get_fields()
        if field.concrete and (field.many_to_one or field.one_to_one or field.many_to_many)
    ]


@pytest.mark.parametrize(
    ("model", "page"),
    [
        *((model, type(admin.site._registry[model])) for model in REGISTERED),
        *((inline.model, inline) for inline in INLINES),
    ],
    ids=lambda x: name(x) if isinstance(x, type) else str(x),
)
def test_every_form_offering_a_cases_records_offers_only_visible_ones(model, page):
    """A case, a detainee, an event... in a choice or an autocomplete box (which also forgives
    forged values)."""
    offered = [field for field, target in offers(model) if target in CASES_OF]
    if offered or page.autocomplete_fields:
        assert issubclass(page, OffersVisibleChoices), (
            f"{name(page)} offers {offered or page.autocomplete_fields} unlimited"
        )


# --- What a limited case worker sees ---


@dataclass
class World:
    case_a: Case  # organisation X's, whose case worker logs in
    case_b: Case  # organisation Y's: named "Bravo" throughout
    worker: User
    both: Relative  # a relative of someone in each case


def records_of(case: Case, tag: str, organisation: Organisation) -> None:
    facility = FacilityFactory(name=f"Shared unit of {case.pk}")
    detainee = DetaineeFactory(case=case, name_latin=f"{tag} Detainee", facility=facility)
    charge = Charge.objects.create(case=case, offence=f"{tag} offence")
    charge.detainees.add(detainee)
    kinship = KinshipFactory(detainee=detainee, relative__given_name=f"{tag}relative")
    contact = OfficialContactFactory(
        event__case=case, event__title=f"{tag} letter", request=f"{tag} request"
    )
    ParticipationFactory(event=contact.event, organisation=organisation)
    ParticipationFactory(event=contact.event, organisation=None, relative=kinship.relative)
    CitationFactory(event=contact.event, source=SourceFactory(title=f"{tag} source"))
    entry = EntryFactory(relative=kinship.relative, event__title=f"{tag} entry")
    AttachmentFactory(event=entry.event, original_name=f"{tag}-scan.pdf")
    CorrectionRequestFactory(entry=entry, text=f"{tag} correction")
    invited = KinshipFactory(detainee=detainee, relative__given_name=f"{tag}invited").relative
    InvitationFactory(relative=invited, case=case)


@pytest.fixture
def world(settings, tmp_path) -> World:
    settings.MEDIA_ROOT = tmp_path / "media"
    case_a = CaseFactory(title="Alpha case", slug="alpha")
    case_b = CaseFactory(title="Bravo case", slug="bravo", is_published=False)
    org_x = OrganisationFactory(name="Organisation X")
    org_x.cases.add(case_a)
    org_y = OrganisationFactory(name="Organisation Y")
    org_y.cases.add(case_b)
    records_of(case_a, "Alpha", org_x)
    records_of(case_b, "Bravo", org_y)
    both = KinshipFactory(detainee=case_a.detainees.first(), relative__given_name="Both").relative
    KinshipFactory(relative=both, detainee=case_b.detainees.first())
    IntakeReportFactory(who_is_held="Bravo brothers, held in Nukus")
    SourceFactory(title="Fresh source, cited nowhere yet")
    OfficialFactory(name="Consul Ivanov")

    worker = UserFactory(username="worker", is_staff=True)
    StaffMember.objects.create(user=worker, organisation=org_x, only_own_cases=True)
    worker.user_permissions.set(Permission.objects.all())
    return World(case_a=case_a, case_b=case_b, worker=worker, both=both)


@pytest.fixture
def worker_client(world) -> Client:
    return log_in(Client(), world.worker)


def sorted_records(model, world: World) -> tuple[list, list]:
    """`model`'s records the worker may see (of case A; for a source, also one cited nowhere)
    and those they may not."""
    visible, hidden = [], []
    for record in model._default_manager.all():
        cases = CASES_OF[model](record)
        if world.case_a in cases or (model is Source and not cases):
            visible.append(record)
        else:
            hidden.append(record)
    return visible, hidden


@pytest.mark.parametrize("model", CASE_RECORDS, ids=name)
def test_a_changelist_lists_the_workers_cases_records_only(world, worker_client, model):
    visible, hidden = sorted_records(model, world)
    assert hidden, "the test needs a record of another case"
    assert visible or model is IntakeReport, "the test needs a record of the worker's case"

    response = worker_client.get(admin_url(model, "changelist"))

    assert response.status_code == 200
    for record in visible:
        assertContains(response, f'href="{admin_url(record, "change")}"')
    for record in hidden:
        assertNotContains(response, f'href="{admin_url(record, "change")}"')
    assertNotContains(response, "Bravo")


@pytest.mark.parametrize("model", CASE_RECORDS, ids=name)
def test_another_cases_record_is_not_found(world, worker_client, model):
    visible, hidden = sorted_records(model, world)
    for record in visible:
        assert worker_client.get(admin_url(record, "change")).status_code == 200
    for record in hidden:
        for action in ("change", "history"):
            url = reverse(admin_urlname(model._meta, action), args=[record.pk])
            # Django's answer for a record that does not exist: its index, saying so.
            response = worker_client.get(url, follow=True)
            assertRedirects(response, reverse("admin:index"))
            assertContains(response, "doesn’t exist. Perhaps it was deleted?")
            assertNotContains(response, "Bravo")
        # Only superusers delete, whatever the case.
        delete = reverse(admin_urlname(model._meta, "delete"), args=[record.pk])
        assert worker_client.get(delete).status_code == 403


@pytest.mark.parametrize(
    ("model", "field"),
    [(Case, "title"), (Detainee, "name_latin"), (Event, "title"), (Relative, "given_name")],
    ids=lambda x: x if isinstance(x, str) else name(x),
)
def test_another_cases_record_is_not_changed(world, worker_client, model, field):
    _visible, hidden = sorted_records(model, world)
    record = hidden[0]
    superuser = log_in(Client(), UserFactory(is_staff=True, is_superuser=True))
    # What the form would send, as a superuser sees it, with one change.
    data = page_data(superuser.get(admin_url(record, "change"))) | {field: "Changed"}

    response = worker_client.post(admin_url(record, "change"), data)

    assertRedirects(response, reverse("admin:index"))
    record.refresh_from_db()
    assert getattr(record, field) != "Changed"


@pytest.mark.parametrize("model", REGISTERED, ids=name)
def test_no_page_names_another_cases_record(world, worker_client, model):
    """The list, the add page and a change page, with every choice their forms offer."""
    pages = [admin_url(model, "changelist"), admin_url(model, "add")]
    if model in CASES_OF:
        visible, _hidden = sorted_records(model, world)
        pages += [admin_url(record, "change") for record in visible]
    else:
        pages += [admin_url(record, "change") for record in model._default_manager.all()[:3]]
    for page in pages:
        response = worker_client.get(page)
        # Records made elsewhere cannot be added; the access log is for superusers only.
        assert response.status_code in (200, 403), page
        assert "Bravo" not in response.content.decode(), page


def autocomplete_fields() -> list[tuple[type, str]]:
    """(model, field) of every autocomplete box offering a case's records."""
    pages = [*admin.site._registry.values(), *INLINES]
    return sorted(
        {
            (page.model, field)
            for page in pages
            for field in page.autocomplete_fields
            if page.model._meta.get_field(field).related_model in CASES_OF
        },
        key=lambda pair: (name(pair[0]), pair[1]),
    )


@pytest.mark.parametrize(
    ("model", "field"), autocomplete_fields(), ids=lambda x: x if isinstance(x, str) else name(x)
)
def test_an_autocomplete_box_offers_the_workers_cases_records_only(
    world, worker_client, model, field
):
    offered = model._meta.get_field(field).related_model
    visible, _hidden = sorted_records(offered, world)
    query = {
        "app_label": model._meta.app_label,
        "model_name": model._meta.model_name,
        "field_name": field,
    }

    response = worker_client.get(reverse("admin:autocomplete"), query)

    found = {result["id"] for result in response.json()["results"]}
    assert found == {str(record.pk) for record in visible}
    assert "Bravo" not in response.content.decode()


def test_a_case_worker_searching_finds_nothing_of_another_case(world, worker_client):
    response = worker_client.get(admin_url(Detainee, "changelist"), {"q": "Detainee"})
    assertContains(response, "Alpha Detainee")
    assertNotContains(response, "Bravo")


@pytest.mark.parametrize("model", [Detainee, Event], ids=name)
def test_the_case_pages_link_lists_that_cases_records_only(world, worker_client, model):
    """The case page links to its people and events instead of listing them itself."""
    link = f"{admin_url(model, 'changelist')}?case={world.case_a.pk}"
    assertContains(worker_client.get(admin_url(world.case_a, "change")), f'href="{link}"')

    response = worker_client.get(link)

    own = model._default_manager.filter(case=world.case_a)
    assert own.exists()
    for record in own:
        assertContains(response, f'href="{admin_url(record, "change")}')
    for record in model._default_manager.exclude(case=world.case_a):
        assertNotContains(response, f'href="{admin_url(record, "change")}')
    assertNotContains(response, "Bravo")


@pytest.mark.parametrize("model", [Detainee, Event], ids=name)
def test_a_link_to_another_cases_records_lists_none(world, worker_client, model):
    response = worker_client.get(admin_url(model, "changelist"), {"case": world.case_b.pk})

    assert response.status_code == 200
    assertContains(response, f"0 {model._meta.verbose_name_plural}")
    assertNotContains(response, "Bravo")


def test_a_case_of_another_organisation_cannot_be_chosen(world, worker_client):
    detainee = world.case_b.detainees.first()
    data = {
        "relative": world.both.pk,
        "case": world.case_b.pk,
        "detainee": detainee.pk,
        "relationship": Kinship.Relationship.SISTER,
    }

    response = worker_client.post(admin_url(Kinship, "add"), data)

    assert response.status_code == 200
    assertContains(response, "Select a valid choice.", count=2)
    assertNotContains(response, "Bravo")
    assert world.both.kinships.count() == 2


def test_a_case_the_worker_adds_is_their_organisations(world, worker_client):
    data = page_data(worker_client.get(admin_url(Case, "add")))
    data |= {
        "title": "Charlie case",
        "slug": "charlie",
        "summary": "Two brothers held at the border.",
        "location": "Nukus",
        "began_on": "2024-03-01",
        "began_on_precision": "day",
        "detaining_country": "UZ",
        "detainees_country": "KZ",
    }

    response = worker_client.post(admin_url(Case, "add"), data, follow=True)

    case = Case.objects.get(slug="charlie")
    assert set(case.organisations.all()) == {world.worker.staff_member.organisation}
    assertContains(response, f'href="{admin_url(case, "change")}"')
    assertContains(worker_client.get(admin_url(case, "change")), "Charlie case")


def test_a_relative_of_both_cases_shows_only_the_workers(world, worker_client):
    response = worker_client.get(admin_url(world.both, "change"))

    assertContains(response, "Alpha Detainee")
    assertNotContains(response, "Bravo")
    listed = worker_client.get(admin_url(Relative, "changelist"), {"q": "Both"})
    assertContains(listed, "Alpha case")
    assertNotContains(listed, "Bravo")


def test_saving_a_relative_keeps_their_kinship_in_another_case(world, worker_client):
    """The worker's form shows one kinship of two; saving it leaves the other as it was."""
    response = worker_client.get(admin_url(world.both, "change"))

    worker_client.post(admin_url(world.both, "change"), page_data(response))

    assert {kinship.case for kinship in world.both.kinships.all()} == {
        world.case_a,
        world.case_b,
    }


def test_an_invitation_is_made_for_the_workers_case_only(world, worker_client):
    data = {"action": "invite", "_selected_action": [str(world.both.pk)]}

    response = worker_client.post(admin_url(Relative, "changelist"), data, follow=True)

    assert [invitation.case for invitation in world.both.invitations.all()] == [world.case_a]
    assertContains(response, "Alpha case")
    assertNotContains(response, "Bravo")
    assert len(mail.outbox) == 1


def test_a_person_of_another_case_is_not_offered_as_a_likely_duplicate(world, worker_client):
    data = {"case": world.case_a.pk, "reference": "77", "name_latin": "Bravo Detainee"}
    data |= {"status": "detained", "name_display": "full"}
    superuser = log_in(Client(), UserFactory(is_staff=True, is_superuser=True))
    bravo = world.case_b.detainees.get(name_latin="Bravo Detainee")

    # A superuser is shown the same name in another case; the case worker is not.
    seen = superuser.post(admin_url(Detainee, "add"), data)
    assertContains(seen, admin_url(bravo, "change"))
    worker_client.post(admin_url(Detainee, "add"), data)

    assert Detainee.objects.filter(case=world.case_a, reference="77").exists()


@pytest.mark.parametrize("model", [Organisation, StaffMember], ids=name)
def test_who_sees_which_cases_is_read_not_changed_by_a_limited_worker(world, worker_client, model):
    member = world.worker.staff_member
    record = member if model is StaffMember else member.organisation

    assert worker_client.get(admin_url(model, "add")).status_code == 403
    page = worker_client.get(admin_url(record, "change"))
    assert page.status_code == 200
    assertNotContains(page, 'type="submit" value="Save"')
    worker_client.post(admin_url(record, "change"), {"only_own_cases": "", "name": "Changed"})

    world.worker.staff_member.refresh_from_db()
    assert world.worker.staff_member.only_own_cases
    assert world.worker.staff_member.organisation.name == "Organisation X"
    assert list(world.worker.staff_member.organisation.cases.all()) == [world.case_a]


def test_unlimited_staff_see_every_cases_records(world):
    """Staff of an organisation who are not limited, like superusers, see everything."""
    world.worker.staff_member.only_own_cases = False
    world.worker.staff_member.save()
    client = log_in(Client(), world.worker)

    for model in CASE_RECORDS:
        response = client.get(admin_url(model, "changelist"))
        for record in model._default_manager.all():
            assertContains(response, f'href="{admin_url(record, "change")}"')


def view_on_site(record) -> str:
    content_type = ContentType.objects.get_for_model(record)
    return reverse("admin:view_on_site", args=[content_type.pk, record.pk])


def test_view_on_site_leads_to_the_workers_cases_only(world, worker_client):
    """Django's own "view on site" gives any record's public address by its id: a draft case's
    slug, which may name the people held."""
    own = worker_client.get(view_on_site(world.case_a))
    assert own.status_code == 302
    assert own["Location"].endswith("/cases/alpha/")

    other = worker_client.get(view_on_site(world.case_b))
    assert other.status_code == 404
    assert "bravo" not in other.get("Location", "")
    assert b"bravo" not in other.content


@pytest.mark.parametrize("args", [["x", "1"], ["999999", "1"], ["1", "²"], ["1", "9" * 40]])
def test_view_on_site_with_a_made_up_address_is_not_found(worker_client, args):
    assert worker_client.get(reverse("admin:view_on_site", args=args)).status_code == 404
