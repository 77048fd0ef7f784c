"""The timeline: every dated fact about a case is an Event with shared fields.

Typed details live in one table per kind, each joined one-to-one on the event's primary key. A whole
timeline is one query joining every detail table (`select_related`), plus one query per many-valued
relation (`prefetch_related`): the count does not grow with the number of events.
"""

import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Prefetch, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from detentions.dates import DatePrecision, FuzzyDate
from detentions.models.archive import Archivable, ArchivableQuerySet
from detentions.models.cases import CaseStatus, Detainee, not_in_future
from detentions.models.labels import QuickChoiceLabels


class EventKind(models.TextChoices):
    STATUS_CHANGE = "status_change", _("status change")
    LEGAL_PROCEEDING = "legal_proceeding", _("legal proceeding")
    CONSULAR_VISIT = "consular_visit", _("consular visit")
    ACCESS_ATTEMPT = "access_attempt", _("access attempt")
    OFFICIAL_CONTACT = "official_contact", _("official contact")
    CAMPAIGN_ACTION = "campaign_action", _("campaign action")
    REPORTED_FIGURE = "reported_figure", _("reported figure")
    NOTE = "note", _("other fact")


# The reverse one-to-one accessor holding each kind's details. A note has none.
DETAIL_ACCESSORS = {
    EventKind.STATUS_CHANGE: "status_change",
    EventKind.LEGAL_PROCEEDING: "legal_proceeding",
    EventKind.CONSULAR_VISIT: "consular_visit",
    EventKind.ACCESS_ATTEMPT: "access_attempt",
    EventKind.OFFICIAL_CONTACT: "official_contact",
    EventKind.CAMPAIGN_ACTION: "campaign_action",
    EventKind.REPORTED_FIGURE: "reported_figure",
}


class Source(models.Model):
    """A report, statement or document that events cite. One source usually backs many events."""

    class Kind(models.TextChoices):
        MEDIA = "media", _("media report")
        NGO = "ngo", _("NGO report")
        OFFICIAL = "official", _("official statement or document")
        COURT = "court", _("court document")
        TESTIMONY = "testimony", _("testimony of a relative or witness")
        OTHER = "other", _("other")

    title = models.CharField(_("title"), max_length=300)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    outlet = models.ForeignKey(
        "detentions.Institution",
        verbose_name=_("outlet or publisher"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="sources",
    )
    url = models.URLField(_("link"), max_length=500, blank=True)
    published_on = models.DateField(_("published on"), null=True, blank=True)
    is_public = models.BooleanField(
        _("may be cited publicly"),
        default=False,
        help_text=_("Leave off for testimony and anything that could identify who gave it."),
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("source")
        verbose_name_plural = _("sources")
        ordering = [F("published_on").desc(nulls_last=True), "title"]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        if errors := not_in_future(self.published_on, "published_on"):
            raise ValidationError(errors)


# The detainees each kind's details name (many-to-many).
PEOPLE_RELATIONS = [
    "status_change__detainees",
    "legal_proceeding__detainees",
    "consular_visit__detainees_seen",
    "access_attempt__detainees",
]


def named_people(*lookups: str) -> list[Prefetch]:
    """Prefetches of the detainees that event details name, archived people left out."""
    return [Prefetch(lookup, queryset=Detainee.objects.current()) for lookup in lookups]


def shown_publicly(event: str = "") -> Q:
    """What anyone may read: public, verified events of published cases; never archived events,
    nor events of archived cases. `event` is the path to the event from the model queried
    ("event__" from its details), so that a subquery can join rather than test membership in
    every public event, which is slow on a large archive.

    `Event.is_shown_publicly` says the same of one event, and the `event_public_by_kind` index's
    condition holds the event's own part; change them together.
    """
    return Q(
        **{
            f"{event}is_public": True,
            f"{event}verification": Event.Verification.VERIFIED,
            f"{event}archived_at__isnull": True,
            f"{event}case__is_published": True,
            f"{event}case__archived_at__isnull": True,
        }
    )


class EventQuerySet(ArchivableQuerySet):
    def public(self) -> "EventQuerySet":
        """See `shown_publicly()`."""
        return self.filter(shown_publicly())

    def in_date_order(self) -> "EventQuerySet":
        # Events whose date is unknown go last; ties keep the order they were recorded in.
        return self.order_by(F("date_start").asc(nulls_last=True), "id")

    def with_details(self, *, with_case: bool = True) -> "EventQuerySet":
        """Every kind's details and the bodies they name, in the events' own query; and the
        case, unless `with_case` is False (the downloads, which write thousands of events of one
        case, would build a copy of the case for each)."""
        return self.select_related(
            *(["case"] if with_case else []),
            "status_change",
            "legal_proceeding__court",
            "consular_visit__consul__institution",
            "consular_visit__consulate",
            "consular_visit__facility",
            "access_attempt__facility",
            "access_attempt__decided_by",
            "official_contact__institution",
            "official_contact__official__institution",
            "official_contact__referred_to",
            "campaign_action__target",
            "campaign_action__outlet",
            "reported_figure",
        )

    def with_sources(self, *, public_only: bool, to_attr: str | None = None) -> "EventQuerySet":
        """The citations with their sources: one query. With `to_attr`, as a plain list in that
        attribute rather than in `citations.all()`: cheaper for thousands of events.

        Public pages pass public_only=True: a source not cleared for citation (testimony, say)
        must not be listed even under a public event.
        """
        citations = Citation.objects.select_related("source__outlet").order_by("id")
        if public_only:
            citations = citations.filter(source__is_public=True)
        return self.prefetch_related(Prefetch("citations", queryset=citations, to_attr=to_attr))

    def with_people(self) -> "EventQuerySet":
        """The detainees (not archived) and charges each kind's details name: one query per
        relation."""
        return self.prefetch_related("legal_proceeding__charges", *named_people(*PEOPLE_RELATIONS))


class Event(Archivable):
    class Verification(models.TextChoices):
        REPORTED = "reported", _("reported, not yet verified")
        VERIFIED = "verified", _("verified")

    case = models.ForeignKey(
        "detentions.Case", verbose_name=_("case"), on_delete=models.CASCADE, related_name="events"
    )
    kind = models.CharField(_("kind"), max_length=24, choices=EventKind.choices)
    date_precision = models.CharField(
        _("date precision"), max_length=16, choices=DatePrecision.choices, default=DatePrecision.DAY
    )
    date_start = models.DateField(
        _("date"),
        null=True,
        blank=True,
        help_text=_("The first day it may have happened on: for late February, any day of it."),
    )
    date_end = models.DateField(_("last day"), null=True, blank=True, help_text=_("Spans only."))
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    is_public = models.BooleanField(
        _("public"),
        default=False,
        help_text=_("Public events of a published case appear on its page once verified."),
    )
    shared_with_family = models.BooleanField(
        _("shared with the family"),
        default=False,
        help_text=_("Relatives linked to the case see it in their workspace, even if internal."),
    )
    verification = models.CharField(
        _("verification"),
        max_length=16,
        choices=Verification.choices,
        default=Verification.REPORTED,
    )
    sources = models.ManyToManyField(
        Source, through="Citation", verbose_name=_("sources"), related_name="events"
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    # Optimistic locking: a staff form carries the version it was read at; a save that finds
    # another version refuses and shows what the other person changed.
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)

    objects = EventQuerySet.as_manager()

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("event")
        verbose_name_plural = _("events")
        ordering = [F("date_start").asc(nulls_last=True), "id"]
        indexes = [
            models.Index(fields=["case", "date_start", "id"], name="event_case_timeline"),
            # The feeds: the newest changes first, across cases and in one case.
            models.Index(fields=["-updated_at", "-id"], name="event_newest_updates"),
            models.Index(fields=["case", "-updated_at", "-id"], name="event_case_newest_updates"),
            # The public case page: its counts read this index alone, and the headline finds
            # the newest event of a kind without reading the rest of a long timeline. The
            # condition is the event's own part of `shown_publicly()`.
            models.Index(
                fields=["case", "kind", "date_start", "id"],
                name="event_public_by_kind",
                condition=Q(is_public=True, verification="verified", archived_at__isnull=True),
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(date_end__isnull=True) | Q(date_end__gte=F("date_start")),
                name="event_ends_after_start",
            ),
            models.CheckConstraint(
                condition=Q(date_precision=DatePrecision.SPAN, date_end__isnull=False)
                | (~Q(date_precision=DatePrecision.SPAN) & Q(date_end__isnull=True)),
                name="event_only_spans_have_end",
            ),
            models.CheckConstraint(
                condition=Q(date_precision=DatePrecision.UNKNOWN, date_start__isnull=True)
                | (~Q(date_precision=DatePrecision.UNKNOWN) & Q(date_start__isnull=False)),
                name="event_date_matches_precision",
            ),
        ]

    # What a relative's workspace says beside an event; `campaigns.selectors` sets it there.
    # Empty elsewhere, so the shared event template finds it without a failed lookup.
    workspace_note = ""

    def __str__(self) -> str:
        return f"{self.date}: {self.title}"

    @property
    def date(self) -> FuzzyDate:
        return FuzzyDate(self.date_start, self.date_precision, self.date_end)

    @property
    def is_verified(self) -> bool:
        return self.verification == self.Verification.VERIFIED

    @property
    def is_shown_publicly(self) -> bool:
        """What `EventQuerySet.public()` selects, for an event already in hand with its case.
        Change the two together."""
        return (
            self.is_public
            and self.is_verified
            and not self.is_archived
            and self.case.is_published
            and not self.case.is_archived
        )

    @property
    def details(self) -> models.Model | None:
        """This event's typed details, or None for a note or details not entered yet."""
        accessor = DETAIL_ACCESSORS.get(self.kind)
        return getattr(self, accessor, None) if accessor else None

    def clean(self) -> None:
        errors: dict[str, str] = {}
        precision = self.date_precision
        if precision == DatePrecision.UNKNOWN:
            if self.date_start or self.date_end:
                errors["date_precision"] = _("A date is given, so its precision is not unknown.")
        elif self.date_start is None:
            errors["date_start"] = _("Give the date, or set its precision to unknown.")
        if precision == DatePrecision.SPAN and self.date_end is None:
            errors["date_end"] = _("A span needs its last day.")
        if precision != DatePrecision.SPAN and self.date_end is not None:
            errors["date_end"] = _("Only a span has a last day; clear it or choose a span.")
        if self.date_start and self.date_end and self.date_end < self.date_start:
            errors["date_end"] = _("The last day cannot be before the first.")
        errors = not_in_future(self.date_start, "date_start") | errors
        errors = not_in_future(self.date_end, "date_end") | errors
        if errors:
            raise ValidationError(errors)
        self.date_start = FuzzyDate.normalised_start(self.date_start, precision)


class Citation(models.Model):
    class Confidence(models.TextChoices):
        HIGH = "high", _("high: firsthand or confirmed")
        MEDIUM = "medium", _("medium: credible, not confirmed")
        LOW = "low", _("low: hearsay or disputed")

    event = models.ForeignKey(
        Event, verbose_name=_("event"), on_delete=models.CASCADE, related_name="citations"
    )
    source = models.ForeignKey(
        Source, verbose_name=_("source"), on_delete=models.PROTECT, related_name="citations"
    )
    confidence = models.CharField(
        _("confidence"), max_length=8, choices=Confidence.choices, default=Confidence.MEDIUM
    )
    locator = models.CharField(
        _("where in the source"), max_length=200, blank=True, help_text=_("Page, paragraph, time.")
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("citation")
        verbose_name_plural = _("citations")
        constraints = [
            models.UniqueConstraint(fields=["event", "source"], name="citation_once_per_source"),
        ]

    def __str__(self) -> str:
        return str(self.source)


class EventDetail(QuickChoiceLabels):
    """Details of one kind of event; `kind` says which events may carry them."""

    kind: str

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return str(self.event)

    def clean(self) -> None:
        event = getattr(self, "event", None)
        if event is not None and event.kind and event.kind != self.kind:
            raise ValidationError(
                _(
                    "These details belong to events of kind “%(kind)s”; "
                    "this event is of kind “%(other)s”."
                )
                % {"kind": EventKind(self.kind).label, "other": EventKind(event.kind).label}
            )


def _event_link(related_name: str) -> models.OneToOneField:
    return models.OneToOneField(
        Event,
        verbose_name=_("event"),
        on_delete=models.CASCADE,
        primary_key=True,
        related_name=related_name,
    )


class StatusChange(EventDetail):
    kind = EventKind.STATUS_CHANGE

    event = _event_link("status_change")
    status = models.CharField(_("new status"), max_length=16, choices=CaseStatus.choices)
    detainees = models.ManyToManyField(
        "detentions.Detainee",
        verbose_name=_("only these detainees"),
        blank=True,
        related_name="+",
        help_text=_("Leave empty when it applies to the whole case."),
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("status change")
        verbose_name_plural = _("status changes")


class LegalProceeding(EventDetail):
    kind = EventKind.LEGAL_PROCEEDING

    class Stage(models.TextChoices):
        CHARGE_FILED = "charge_filed", _("charges filed")
        TRIAL_ANNOUNCED = "trial_announced", _("trial announced")
        HEARING = "hearing", _("hearing")
        TRIAL = "trial", _("trial")
        VERDICT = "verdict", _("verdict")
        SENTENCE = "sentence", _("sentence")
        APPEAL = "appeal", _("appeal")

    event = _event_link("legal_proceeding")
    stage = models.CharField(_("stage"), max_length=16, choices=Stage.choices)
    court = models.ForeignKey(
        "detentions.Institution",
        verbose_name=_("court or authority"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    charges = models.ManyToManyField(
        "detentions.Charge", verbose_name=_("charges"), blank=True, related_name="proceedings"
    )
    detainees = models.ManyToManyField(
        "detentions.Detainee",
        verbose_name=_("only these detainees"),
        blank=True,
        related_name="+",
        help_text=_("Leave empty when it concerns the whole case."),
    )
    outcome = models.TextField(_("outcome"), blank=True)
    next_hearing_on = models.DateField(
        _("next hearing on"), null=True, blank=True, help_text=_("May be in the future.")
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("legal proceeding")
        verbose_name_plural = _("legal proceedings")
        # The case page's next hearing: the few hearings still to come, not every proceeding.
        indexes = [models.Index(fields=["next_hearing_on"], name="proceeding_next_hearing")]


class AccessOutcome(models.TextChoices):
    GRANTED = "granted", _("granted")
    PARTIAL = "partial", _("partly granted")
    REFUSED = "refused", _("refused")
    NO_RESPONSE = "no_response", _("no response")


class ConsularVisit(EventDetail):
    kind = EventKind.CONSULAR_VISIT

    event = _event_link("consular_visit")
    consul = models.ForeignKey(
        "detentions.Official",
        verbose_name=_("consul"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    consulate = models.ForeignKey(
        "detentions.Institution",
        verbose_name=_("embassy or consulate"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    facility = models.ForeignKey(
        "detentions.Facility",
        verbose_name=_("facility"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    outcome = models.CharField(
        _("outcome"),
        max_length=16,
        choices=[c for c in AccessOutcome.choices if c[0] != AccessOutcome.NO_RESPONSE],
    )
    detainees_seen = models.ManyToManyField(
        "detentions.Detainee", verbose_name=_("detainees seen"), blank=True, related_name="+"
    )
    people_seen_count = models.PositiveSmallIntegerField(
        _("number of people seen"),
        null=True,
        blank=True,
        help_text=_("When the consul saw people who are not identified one by one."),
    )
    consul_report = models.TextField(_("what the consul reported"), blank=True)
    follow_up = models.TextField(_("follow-up"), blank=True, help_text=_("A formal protest, say."))

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("consular visit")
        verbose_name_plural = _("consular visits")
        constraints = [
            models.CheckConstraint(
                condition=Q(consul__isnull=False) | Q(consulate__isnull=False),
                name="consular_visit_names_consul_or_consulate",
            ),
        ]

    def clean(self) -> None:
        super().clean()
        if self.consul_id is None and self.consulate_id is None:
            raise ValidationError({"consul": _("Name the consul, the consulate, or both.")})


class AccessAttempt(EventDetail):
    kind = EventKind.ACCESS_ATTEMPT

    class AttemptedBy(models.TextChoices):
        RELATIVE = "relative", _("relative")
        LAWYER = "lawyer", _("lawyer")
        CONSUL = "consul", _("consul")
        NGO = "ngo", _("NGO")
        OTHER = "other", _("other")

    class AccessType(models.TextChoices):
        VISIT = "visit", _("visit")
        PARCEL = "parcel", _("parcel")
        LEGAL = "legal", _("legal access")
        CALL = "call", _("phone call")
        LETTER = "letter", _("letter to the detainee")

    event = _event_link("access_attempt")
    attempted_by = models.CharField(_("who tried"), max_length=16, choices=AttemptedBy.choices)
    access_type = models.CharField(_("what for"), max_length=16, choices=AccessType.choices)
    facility = models.ForeignKey(
        "detentions.Facility",
        verbose_name=_("facility"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_by = models.ForeignKey(
        "detentions.Institution",
        verbose_name=_("granted or refused by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    outcome = models.CharField(_("outcome"), max_length=16, choices=AccessOutcome.choices)
    reason_given = models.TextField(_("reason given"), blank=True)
    detainees = models.ManyToManyField(
        "detentions.Detainee",
        verbose_name=_("to see or reach"),
        blank=True,
        related_name="+",
        help_text=_("Leave empty when it was the group as a whole."),
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("access attempt")
        verbose_name_plural = _("access attempts")


class OfficialContact(EventDetail):
    """A letter, call or meeting with an official body. Who made it is recorded in campaigns."""

    kind = EventKind.OFFICIAL_CONTACT

    class Channel(models.TextChoices):
        LETTER = "letter", _("letter")
        CALL = "call", _("phone call")
        EMAIL = "email", _("e-mail")
        MEETING = "meeting", _("meeting")
        PETITION = "petition", _("petition")
        IN_PERSON = "in_person", _("in person, without appointment")

    class Outcome(models.TextChoices):
        AWAITING = "awaiting", _("awaiting a reply")
        NO_RESPONSE = "no_response", _("no response")
        REFUSED = "refused", _("refused")
        REFERRED = "referred", _("referred elsewhere")
        ACKNOWLEDGED = "acknowledged", _("acknowledged")
        MET = "met", _("met")
        PROMISED_ACTION = "promised_action", _("promised action")
        ANSWERED = "answered", _("answered")

    ANSWERED_OUTCOMES = [
        Outcome.REFUSED,
        Outcome.REFERRED,
        Outcome.ACKNOWLEDGED,
        Outcome.MET,
        Outcome.PROMISED_ACTION,
        Outcome.ANSWERED,
    ]

    event = _event_link("official_contact")
    institution = models.ForeignKey(
        "detentions.Institution",
        verbose_name=_("institution"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="contacts",
    )
    official = models.ForeignKey(
        "detentions.Official",
        verbose_name=_("official"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="contacts",
    )
    addressee_as_given = models.CharField(
        _("addressee as given"),
        max_length=200,
        blank=True,
        help_text=_(
            "A name typed by a relative, until staff match it to an institution or official."
        ),
    )
    channel = models.CharField(_("channel"), max_length=16, choices=Channel.choices)
    request = models.TextField(_("what was asked"), blank=True)
    legal_basis_cited = models.CharField(_("legal basis cited"), max_length=300, blank=True)
    outcome = models.CharField(
        _("outcome"), max_length=16, choices=Outcome.choices, default=Outcome.AWAITING
    )
    reason_given = models.TextField(_("reason or answer given"), blank=True)
    referred_to = models.ForeignKey(
        "detentions.Institution",
        verbose_name=_("referred to"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    reply_due_on = models.DateField(
        _("reply due on"), null=True, blank=True, help_text=_("May be in the future.")
    )
    replied_on = models.DateField(_("replied on"), null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("official contact")
        verbose_name_plural = _("official contacts")
        # Counting a case's answered contacts from the index alone.
        indexes = [models.Index(fields=["event", "outcome"], name="contact_outcome")]
        constraints = [
            models.CheckConstraint(
                condition=Q(institution__isnull=False)
                | Q(official__isnull=False)
                | ~Q(addressee_as_given=""),
                name="official_contact_has_addressee",
            ),
            models.CheckConstraint(
                condition=~Q(outcome="referred") | Q(referred_to__isnull=False),
                name="official_contact_referral_names_body",
            ),
        ]

    @property
    def is_answered(self) -> bool:
        return self.outcome in self.ANSWERED_OUTCOMES

    @property
    def body(self) -> "Institution | None":  # noqa: F821
        """The institution addressed, directly or through the official."""
        return self.institution or (self.official.institution if self.official else None)

    def clean(self) -> None:
        super().clean()
        errors = not_in_future(self.replied_on, "replied_on")
        if self.institution_id is None and self.official_id is None and not self.addressee_as_given:
            errors["institution"] = _("Name the institution, the official, or both.")
        if self.outcome == self.Outcome.REFERRED and self.referred_to_id is None:
            errors["referred_to"] = _("Say which body they referred to.")
        if self.replied_on and self.outcome in (self.Outcome.AWAITING, self.Outcome.NO_RESPONSE):
            errors["replied_on"] = _("A reply date means there was a reply: choose its outcome.")
        started = getattr(getattr(self, "event", None), "date_start", None)
        if started and self.replied_on and self.replied_on < started:
            errors["replied_on"] = _("The reply cannot come before the contact.")
        if started and self.reply_due_on and self.reply_due_on < started:
            errors["reply_due_on"] = _("The reply cannot be due before the contact.")
        if errors:
            raise ValidationError(errors)


class CampaignAction(EventDetail):
    kind = EventKind.CAMPAIGN_ACTION

    class ActionType(models.TextChoices):
        DEMONSTRATION = "demonstration", _("demonstration")
        APPEAL = "appeal", _("public appeal")
        PETITION = "petition", _("petition")
        PRESS_CONFERENCE = "press_conference", _("press conference")
        MEDIA_COVERAGE = "media_coverage", _("media coverage")
        OTHER = "other", _("other")

    event = _event_link("campaign_action")
    action_type = models.CharField(_("action"), max_length=24, choices=ActionType.choices)
    place = models.CharField(_("place"), max_length=200, blank=True)
    target = models.ForeignKey(
        "detentions.Institution",
        verbose_name=_("addressed to"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    outlet = models.ForeignKey(
        "detentions.Institution",
        verbose_name=_("media outlet"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    participants = models.CharField(
        _("who took part"), max_length=300, blank=True, help_text=_("As it may be said publicly.")
    )
    participant_count = models.PositiveIntegerField(_("number taking part"), null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("campaign action")
        verbose_name_plural = _("campaign actions")


class ReportedFigure(EventDetail):
    """A number as one source gives it. Two sources that disagree are two events, both kept."""

    kind = EventKind.REPORTED_FIGURE

    class Measure(models.TextChoices):
        DETAINED = "detained", _("detained")
        ESCAPED = "escaped", _("escaped")
        LOCATED = "located", _("whereabouts confirmed")
        WHEREABOUTS_UNKNOWN = "whereabouts_unknown", _("whereabouts unknown")
        RELEASED = "released", _("released")
        OTHER = "other", _("other")

    event = _event_link("reported_figure")
    measure = models.CharField(_("what was counted"), max_length=24, choices=Measure.choices)
    value = models.PositiveIntegerField(_("figure"))
    statement = models.CharField(
        _("as the source puts it"), max_length=300, blank=True, help_text=_("In your own words.")
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("reported figure")
        verbose_name_plural = _("reported figures")

    def __str__(self) -> str:
        return f"{self.value} {self.get_measure_display()}"


def attachment_path(attachment: "Attachment", filename: str) -> str:
    # A random name: the uploaded name may identify people or carry a path; it is kept aside.
    return f"attachments/{attachment.event.case_id}/{uuid.uuid4().hex}{attachment.extension}"


class Attachment(models.Model):
    """A photo or scan (a letter, a reply) backing an event. Served only through a view that
    checks who may see the event; never from a public media URL."""

    class ContentType(models.TextChoices):
        JPEG = "image/jpeg", "JPEG"
        PNG = "image/png", "PNG"
        PDF = "application/pdf", "PDF"

    EXTENSIONS = {ContentType.JPEG: ".jpg", ContentType.PNG: ".png", ContentType.PDF: ".pdf"}
    MAX_SIZE = 10 * 1024 * 1024

    event = models.ForeignKey(
        Event, verbose_name=_("event"), on_delete=models.CASCADE, related_name="attachments"
    )
    file = models.FileField(_("file"), upload_to=attachment_path, max_length=200)
    content_type = models.CharField(_("type"), max_length=32, choices=ContentType.choices)
    size = models.PositiveIntegerField(_("size in bytes"))
    original_name = models.CharField(_("original file name"), max_length=255, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(size__lte=10 * 1024 * 1024), name="attachment_at_most_10_mb"
            ),
        ]

    def __str__(self) -> str:
        return self.original_name or self.file.name

    @property
    def extension(self) -> str:
        return self.EXTENSIONS.get(self.content_type, "")
