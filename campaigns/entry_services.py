"""Writes behind "Log what you did": a relative's entry becomes an internal, unverified event.

Every function here changes several models together, inside one transaction. The event stays
internal (`is_public=False`) and merely reported until staff verify it; nothing a relative writes
reaches a public page on its own.
"""

import datetime
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, replace

from django.conf import settings
from django.core.files.storage import default_storage
from django.db import IntegrityError, models, transaction
from django.utils import translation
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from campaigns.models import (
    PARTICIPATION_KINDS,
    CorrectionRequest,
    Entry,
    Participation,
    Relative,
)
from detentions.dates import FuzzyDate
from detentions.models import (
    AccessAttempt,
    AccessOutcome,
    CampaignAction,
    Case,
    Event,
    EventKind,
    Institution,
    LegalProceeding,
    Official,
    OfficialContact,
)
from detentions.page_cache import note_public_change
from detentions.uploads import CleanedUpload, store_attachment


class Action(models.TextChoices):
    """What a relative did, in their words; each maps onto one kind of event and its details."""

    CONTACTED = "contacted", gettext_lazy("I contacted an official body")
    VISIT = "visit", gettext_lazy("I tried to visit")
    PARCEL = "parcel", gettext_lazy("I tried to send a parcel")
    LAWYER = "lawyer", gettext_lazy("Our lawyer was refused access")
    HEARING = "hearing", gettext_lazy("I attended a hearing")
    PROTEST = "protest", gettext_lazy("I took part in a protest")
    MEDIA = "media", gettext_lazy("I spoke to the media")


CONTACTS = {Action.CONTACTED}
ATTEMPTS = {Action.VISIT, Action.PARCEL, Action.LAWYER}
# Actions that name a body or official addressed, and so have an outcome from them.
ADDRESSED = CONTACTS | ATTEMPTS

KIND_OF = {
    Action.CONTACTED: EventKind.OFFICIAL_CONTACT,
    Action.VISIT: EventKind.ACCESS_ATTEMPT,
    Action.PARCEL: EventKind.ACCESS_ATTEMPT,
    Action.LAWYER: EventKind.ACCESS_ATTEMPT,
    Action.HEARING: EventKind.LEGAL_PROCEEDING,
    Action.PROTEST: EventKind.CAMPAIGN_ACTION,
    Action.MEDIA: EventKind.CAMPAIGN_ACTION,
}

ATTEMPT_DETAILS = {
    Action.VISIT: (AccessAttempt.AttemptedBy.RELATIVE, AccessAttempt.AccessType.VISIT),
    Action.PARCEL: (AccessAttempt.AttemptedBy.RELATIVE, AccessAttempt.AccessType.PARCEL),
    Action.LAWYER: (AccessAttempt.AttemptedBy.LAWYER, AccessAttempt.AccessType.LEGAL),
}

CAMPAIGN_ACTION_TYPES = {
    Action.PROTEST: CampaignAction.ActionType.DEMONSTRATION,
    Action.MEDIA: CampaignAction.ActionType.MEDIA_COVERAGE,
}

# The outcomes a relative may choose. "Referred elsewhere" needs the body referred to, which staff
# set when they review; the relative says where they were sent in their own words.
CONTACT_OUTCOMES = [choice for choice in OfficialContact.Outcome.choices if choice[0] != "referred"]

CONTACT_TITLES = {
    OfficialContact.Channel.LETTER: gettext_lazy("Letter to %(whom)s"),
    OfficialContact.Channel.CALL: gettext_lazy("Phone call to %(whom)s"),
    OfficialContact.Channel.EMAIL: gettext_lazy("E-mail to %(whom)s"),
    OfficialContact.Channel.MEETING: gettext_lazy("Meeting with %(whom)s"),
    OfficialContact.Channel.PETITION: gettext_lazy("Petition to %(whom)s"),
    OfficialContact.Channel.IN_PERSON: gettext_lazy("Went in person to %(whom)s"),
}
ATTEMPT_TITLES = {
    Action.VISIT: gettext_lazy("Request to visit, to %(whom)s"),
    Action.PARCEL: gettext_lazy("Parcel for the detainee, through %(whom)s"),
    Action.LAWYER: gettext_lazy("Lawyer's request for access, to %(whom)s"),
}

# An access attempt has no field for a name typed by a relative; it goes on the description's
# first line until staff choose the body that decided.
ADDRESSEE_LINE = gettext_lazy("Asked (name as given): %(name)s")


@dataclass(frozen=True)
class Answers:
    """What the relative answered, checked. One entry's worth of facts, not yet stored."""

    what: str
    date_precision: str
    date_start: datetime.date
    institution: Institution | None = None
    official: Official | None = None
    addressee_as_given: str = ""
    channel: str = ""
    outcome: str = ""
    reason: str = ""
    details: str = ""
    place: str = ""
    reply_due_on: datetime.date | None = None

    @property
    def kind(self) -> str:
        return KIND_OF[self.what]

    @property
    def addressee(self) -> str:
        """The body or person addressed, as briefly as it is clear."""
        if self.official is not None:
            return self.official.name
        if self.institution is not None:
            return self.institution.short_name or self.institution.name
        return self.addressee_as_given

    @property
    def outcome_label(self) -> str:
        if self.what in CONTACTS:
            return str(OfficialContact.Outcome(self.outcome).label)
        if self.what in ATTEMPTS:
            return str(AccessOutcome(self.outcome).label)
        return ""

    @property
    def date(self) -> FuzzyDate:
        return FuzzyDate(self.date_start, self.date_precision)


def compose_title(answers: Answers) -> str:
    """A plain-words title: "Letter to KNB Aktobe: no response"."""
    if answers.what in CONTACTS:
        channel = answers.channel or OfficialContact.Channel.LETTER
        title = CONTACT_TITLES[channel] % {"whom": answers.addressee}
    elif answers.what in ATTEMPTS:
        title = ATTEMPT_TITLES[answers.what] % {"whom": answers.addressee}
    elif answers.what == Action.HEARING:
        title = _("Attended a court hearing")
    elif answers.what == Action.PROTEST:
        title = (
            _("Protest: %(place)s") % {"place": answers.place}
            if answers.place
            else _("Took part in a protest")
        )
    else:
        title = _("Spoke to the media")
    if answers.outcome:
        title = f"{title}: {answers.outcome_label}"
    return Truncator(title).chars(Event._meta.get_field("title").max_length)


def compose_description(answers: Answers) -> str:
    text = answers.details.strip()
    if answers.what in ATTEMPTS and answers.institution is None and answers.addressee_as_given:
        line = ADDRESSEE_LINE % {"name": answers.addressee_as_given}
        text = f"{line}\n\n{text}" if text else line
    return text


def _split_addressee_line(description: str) -> tuple[str, str]:
    """(name as given, the rest) of a description written by `compose_description`.

    The line is in whatever language the relative used then, so every language is tried.
    """
    first, _newline, rest = description.partition("\n")
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            prefix = str(ADDRESSEE_LINE % {"name": ""})
        if first.startswith(prefix):
            return first[len(prefix) :].strip(), rest.strip()
    return "", description


def answers_of(entry: Entry) -> Answers:
    """The answers an existing entry stands for: what the edit form starts from."""
    event = entry.event
    details = event.details
    common = {
        "date_precision": event.date_precision,
        "date_start": event.date_start,
        "details": event.description,
    }
    if event.kind == EventKind.OFFICIAL_CONTACT:
        return Answers(
            what=Action.CONTACTED,
            institution=details.institution,
            official=details.official,
            addressee_as_given=details.addressee_as_given,
            channel=details.channel,
            outcome=details.outcome,
            reason=details.reason_given,
            reply_due_on=details.reply_due_on,
            **common,
        )
    if event.kind == EventKind.ACCESS_ATTEMPT:
        what = {
            AccessAttempt.AccessType.PARCEL: Action.PARCEL,
            AccessAttempt.AccessType.LEGAL: Action.LAWYER,
        }.get(details.access_type, Action.VISIT)
        given = ""
        if details.decided_by is None:
            given, common["details"] = _split_addressee_line(event.description)
        return Answers(
            what=what,
            institution=details.decided_by,
            addressee_as_given=given,
            outcome=details.outcome,
            reason=details.reason_given,
            **common,
        )
    if event.kind == EventKind.CAMPAIGN_ACTION:
        what = (
            Action.MEDIA
            if details.action_type == CampaignAction.ActionType.MEDIA_COVERAGE
            else Action.PROTEST
        )
        return Answers(what=what, place=details.place, **common)
    return Answers(what=Action.HEARING, **common)


def _write_event(event: Event, answers: Answers) -> None:
    event.kind = answers.kind
    event.date_precision = answers.date_precision
    event.date_start = answers.date_start
    event.date_end = None
    event.title = compose_title(answers)
    event.description = compose_description(answers)
    event.full_clean()
    event.save()


def _write_details(event: Event, answers: Answers) -> None:
    """Create or update the event's typed details from the answers."""
    if answers.what in CONTACTS:
        contact = getattr(event, "official_contact", None) or OfficialContact(event=event)
        contact.institution = answers.institution
        contact.official = answers.official
        contact.addressee_as_given = answers.addressee_as_given
        contact.channel = answers.channel or OfficialContact.Channel.LETTER
        contact.outcome = answers.outcome
        contact.reason_given = answers.reason
        contact.reply_due_on = answers.reply_due_on
        contact.full_clean()
        contact.save()
    elif answers.what in ATTEMPTS:
        attempt = getattr(event, "access_attempt", None) or AccessAttempt(event=event)
        attempt.attempted_by, attempt.access_type = ATTEMPT_DETAILS[answers.what]
        attempt.decided_by = answers.institution
        attempt.outcome = answers.outcome
        attempt.reason_given = answers.reason
        attempt.full_clean()
        attempt.save()
    elif answers.what == Action.HEARING:
        proceeding = getattr(event, "legal_proceeding", None) or LegalProceeding(event=event)
        proceeding.stage = LegalProceeding.Stage.HEARING
        proceeding.full_clean()
        proceeding.save()
    else:
        action = getattr(event, "campaign_action", None) or CampaignAction(event=event)
        action.action_type = CAMPAIGN_ACTION_TYPES[answers.what]
        action.place = answers.place
        action.full_clean()
        action.save()


class _Stored:
    """Files written to storage inside a transaction, removed again if it rolls back.

    The database forgets a rolled-back attachment row; the storage would keep the file forever.
    """

    def __init__(self) -> None:
        self.names: list[str] = []

    def add(self, *, event: Event, files: Sequence[CleanedUpload], uploaded_by) -> None:
        for upload in files:
            attachment = store_attachment(event=event, upload=upload, uploaded_by=uploaded_by)
            self.names.append(attachment.file.name)

    def remove(self) -> None:
        for name in self.names:
            default_storage.delete(name)


def record_entry(
    *,
    relative: Relative,
    case: Case,
    answers: Answers,
    files: Sequence[CleanedUpload],
    submission_key: uuid.UUID,
) -> Entry:
    """Store what a relative logged: an internal, unverified event with its details, their
    participation, the entry that tracks its review, and the attachments.

    The same submission key twice (a double tap, a resent form) returns the first entry.
    """
    existing = Entry.objects.filter(submission_key=submission_key).first()
    if existing is not None:
        return existing
    stored = _Stored()
    try:
        with transaction.atomic():
            event = Event(
                case=case,
                is_public=False,
                verification=Event.Verification.REPORTED,
                recorded_by=relative.user,
            )
            _write_event(event, answers)
            _write_details(event, answers)
            if answers.kind in PARTICIPATION_KINDS:
                Participation.objects.create(event=event, relative=relative)
            entry = Entry.objects.create(
                event=event, relative=relative, submission_key=submission_key
            )
            stored.add(event=event, files=files, uploaded_by=relative.user)
    except IntegrityError:
        stored.remove()
        # Two submits raced past the check above; the other one won.
        existing = Entry.objects.filter(submission_key=submission_key).first()
        if existing is None:
            raise
        return existing
    except BaseException:
        stored.remove()
        raise
    return entry


class EntryLocked(Exception):
    """The entry was verified, declined or withdrawn: the relative can no longer change it."""


def _lock(entry: Entry) -> Entry:
    """The entry read again under a row lock, so staff verifying it cannot cross an edit."""
    locked = Entry.objects.select_for_update().select_related("event").get(pk=entry.pk)
    if not locked.is_editable:
        raise EntryLocked
    return locked


def update_entry(*, entry: Entry, answers: Answers, files: Sequence[CleanedUpload], user) -> Entry:
    """Change an entry that is still awaiting review; raises EntryLocked once it is not."""
    stored = _Stored()
    try:
        with transaction.atomic():
            entry = _lock(entry)
            event = entry.event
            # What was done (the kind) is fixed once logged: the edit form does not ask it again.
            answers = replace(answers, what=answers_of(entry).what)
            _write_event(event, answers)
            _write_details(event, answers)
            stored.add(event=event, files=files, uploaded_by=user)
            entry.save(update_fields=["updated_at"])
    except BaseException:
        stored.remove()
        raise
    return entry


def withdraw_entry(*, entry: Entry) -> Entry:
    """Withdraw an entry awaiting review. The event is kept for the record, internal."""
    with transaction.atomic():
        entry = _lock(entry)
        entry.state = Entry.State.WITHDRAWN
        entry.save(update_fields=["state", "updated_at"])
        Event.objects.filter(pk=entry.event_id).update(is_public=False)
        note_public_change()  # update() sends no signal to the page cache
    return entry


def request_correction(*, entry: Entry, text: str) -> CorrectionRequest:
    """A note to staff asking them to correct an entry the relative can no longer edit."""
    return CorrectionRequest.objects.create(entry=entry, text=text.strip())
