"""The people who campaign: relatives, their kinship to detainees, and organisations.

Built on `detentions`; nothing there imports from here.
"""

import datetime
import hashlib
import secrets
import uuid

from django.apps import apps
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField
from simple_history.models import HistoricalRecords

from detentions.models import Case, Detainee, Event, EventKind, Institution
from detentions.models.searchable import Searchable, lines, spellings_field


class Relative(Searchable):
    class NameDisplay(models.TextChoices):
        """How the relative agreed to be named on public pages. "A relative" unless they said so."""

        FULL = "full", _("full name")
        GIVEN_NAME = "given_name", _("given name only")
        INITIALS = "initials", _("initials only")
        WITHHELD = "withheld", _('"a relative"')

    class Language(models.TextChoices):
        KAZAKH = "kk", "Қазақша"
        RUSSIAN = "ru", "Русский"
        ENGLISH = "en", "English"

    given_name = models.CharField(_("given name"), max_length=120)
    family_name = models.CharField(
        _("family name"), max_length=120, blank=True, help_text=_("Blank if they did not give it.")
    )
    name_original = models.CharField(_("name in original script"), max_length=240, blank=True)
    other_names = spellings_field()
    name_display = models.CharField(
        _("public name"),
        max_length=16,
        choices=NameDisplay.choices,
        default=NameDisplay.WITHHELD,
        help_text=_("What they agreed to. Contact details are never public."),
    )
    # Contact details: never on a public page, feed or export.
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    messenger = models.CharField(_("messenger"), max_length=120, blank=True)
    address = models.TextField(_("address"), blank=True)
    preferred_language = models.CharField(
        _("preferred language"), max_length=2, choices=Language.choices, default=Language.RUSSIAN
    )
    consent_notes = models.TextField(
        _("consent notes"), blank=True, help_text=_("What they agreed to, when, and how.")
    )
    cases = models.ManyToManyField(
        Case, through="Kinship", verbose_name=_("cases"), related_name="relatives"
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("account"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="relative",
        help_text=_("Set when the relative accepts an invitation."),
    )
    last_seen_at = models.DateTimeField(
        _("last visit"), null=True, blank=True, help_text=_("What is new is what came after it.")
    )
    # Set when their personal data was erased on request (campaigns.erasure): the row stays so
    # that their entries keep an author, "a relative".
    erased_at = models.DateTimeField(_("personal data erased"), null=True, editable=False)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("relative")
        verbose_name_plural = _("relatives")
        ordering = ["family_name", "given_name"]
        permissions = [("erase_relative", _("Can erase a relative's personal data"))]

    def __str__(self) -> str:
        return self.full_name

    def spellings(self) -> list[str]:
        """Staff search only: relatives are never found by a public search."""
        return [self.given_name, self.family_name, self.name_original, *lines(self.other_names)]

    @property
    def full_name(self) -> str:
        if self.erased_at is not None:
            return str(_("a relative"))
        return f"{self.given_name} {self.family_name}".strip()

    @property
    def public_name(self) -> str:
        """The only form of the name that public pages may print."""
        if self.erased_at is not None:
            return str(_("a relative"))
        if self.name_display == self.NameDisplay.FULL:
            return self.full_name
        if self.name_display == self.NameDisplay.GIVEN_NAME:
            return self.given_name
        if self.name_display == self.NameDisplay.INITIALS:
            return " ".join(f"{word[0]}." for word in self.full_name.split())
        return str(_("a relative"))


class Kinship(models.Model):
    """A relative's link to a case, and to the detainee they are related to where known."""

    class Relationship(models.TextChoices):
        WIFE = "wife", _("wife")
        HUSBAND = "husband", _("husband")
        MOTHER = "mother", _("mother")
        FATHER = "father", _("father")
        SISTER = "sister", _("sister")
        BROTHER = "brother", _("brother")
        DAUGHTER = "daughter", _("daughter")
        SON = "son", _("son")
        OTHER = "other", _("other relative")

    relative = models.ForeignKey(
        Relative, verbose_name=_("relative"), on_delete=models.CASCADE, related_name="kinships"
    )
    case = models.ForeignKey(
        Case, verbose_name=_("case"), on_delete=models.CASCADE, related_name="kinships"
    )
    detainee = models.ForeignKey(
        Detainee,
        verbose_name=_("detainee"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="kinships",
        help_text=_("Blank while it is not known which of the case's detainees it is."),
    )
    relationship = models.CharField(_("relationship"), max_length=16, choices=Relationship.choices)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("kinship")
        verbose_name_plural = _("kinships")
        constraints = [
            models.UniqueConstraint(
                fields=["relative", "detainee"],
                condition=Q(detainee__isnull=False),
                name="kinship_once_per_detainee",
            ),
            models.UniqueConstraint(
                fields=["relative", "case"],
                condition=Q(detainee__isnull=True),
                name="kinship_once_per_case_without_detainee",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.relative}: {self.get_relationship_display()} of {self.detainee or self.case}"

    def clean(self) -> None:
        if self.detainee_id and self.case_id and self.detainee.case_id != self.case_id:
            raise ValidationError(
                {"detainee": _("This detainee belongs to another case; choose one of this case.")}
            )


class Organisation(models.Model):
    """An organisation campaigning on cases, such as a human-rights bureau."""

    name = models.CharField(_("name"), max_length=255)
    slug = models.SlugField(_("slug"), max_length=200, unique=True)
    country = CountryField(_("country"), blank=True)
    institution = models.OneToOneField(
        Institution,
        verbose_name=_("as an institution"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="organisation",
        help_text=_("The same body in the list of institutions, when others write to it."),
    )
    website = models.URLField(_("website"), blank=True)
    cases = models.ManyToManyField(
        Case,
        verbose_name=_("cases it works on"),
        blank=True,
        related_name="organisations",
        help_text=_("Case workers limited to this organisation see only these cases."),
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


PARTICIPATION_KINDS = [
    EventKind.OFFICIAL_CONTACT,
    EventKind.ACCESS_ATTEMPT,
    EventKind.CAMPAIGN_ACTION,
]


class Participation(models.Model):
    """Who made a contact or an access attempt, or took part in an action."""

    event = models.ForeignKey(
        Event, verbose_name=_("event"), on_delete=models.CASCADE, related_name="participations"
    )
    relative = models.ForeignKey(
        Relative,
        verbose_name=_("relative"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="participations",
    )
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="participations",
    )
    spokesperson = models.CharField(
        _("spokesperson"),
        max_length=200,
        blank=True,
        help_text=_("Who spoke for the organisation, if anyone did publicly."),
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("participation")
        verbose_name_plural = _("participations")
        constraints = [
            models.CheckConstraint(
                condition=Q(relative__isnull=False, organisation__isnull=True)
                | Q(relative__isnull=True, organisation__isnull=False),
                name="participation_is_relative_or_organisation",
            ),
            models.UniqueConstraint(
                fields=["event", "relative"], name="participation_relative_once_per_event"
            ),
            models.UniqueConstraint(
                fields=["event", "organisation"], name="participation_organisation_once_per_event"
            ),
        ]

    def __str__(self) -> str:
        return str(self.relative or self.organisation)

    @property
    def public_name(self) -> str:
        return self.relative.public_name if self.relative_id else self.organisation.name

    def clean(self) -> None:
        if bool(self.relative_id) == bool(self.organisation_id):
            raise ValidationError(_("Choose either a relative or an organisation."))
        event = getattr(self, "event", None)
        if event is None:
            return
        if event.kind not in PARTICIPATION_KINDS:
            raise ValidationError(
                _("Only official contacts, access attempts and campaign actions have participants.")
            )
        if (
            self.relative_id
            and event.case_id
            and not self.relative.kinships.filter(case_id=event.case_id).exists()
        ):
            raise ValidationError(
                {"relative": _("This relative is not linked to this event's case.")}
            )


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class InvitationQuerySet(models.QuerySet):
    def usable(self) -> "InvitationQuerySet":
        return self.filter(used_at__isnull=True, expires_at__gt=timezone.now())


class Invitation(models.Model):
    """A single-use link that lets a relative set a password and reach their case.

    Only a hash of the token is stored: a leaked database does not hand out working links.
    """

    VALID_FOR = datetime.timedelta(days=7)

    relative = models.ForeignKey(
        Relative, verbose_name=_("relative"), on_delete=models.CASCADE, related_name="invitations"
    )
    case = models.ForeignKey(
        Case, verbose_name=_("case"), on_delete=models.CASCADE, related_name="invitations"
    )
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("invited by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires"))
    used_at = models.DateTimeField(_("used"), null=True, blank=True)

    objects = InvitationQuerySet.as_manager()

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.relative} → {self.case}"

    @classmethod
    def issue(cls, *, relative: Relative, case: Case, created_by) -> tuple["Invitation", str]:
        """A new invitation and its token; the token is shown once and never stored."""
        token = secrets.token_urlsafe(32)
        invitation = cls.objects.create(
            relative=relative,
            case=case,
            token_hash=hash_token(token),
            created_by=created_by,
            expires_at=timezone.now() + cls.VALID_FOR,
        )
        return invitation, token

    @property
    def is_expired(self) -> bool:
        return self.expires_at <= timezone.now()

    @property
    def is_used(self) -> bool:
        return self.used_at is not None


class Entry(models.Model):
    """What a relative logged: an event they submitted, and where it stands in review.

    The event stays internal and unverified until staff verify it; only then can it be published.
    """

    class State(models.TextChoices):
        SUBMITTED = "submitted", _("submitted")
        DECLINED = "declined", _("not accepted")
        WITHDRAWN = "withdrawn", _("withdrawn")

    event = models.OneToOneField(
        Event, verbose_name=_("event"), on_delete=models.CASCADE, related_name="entry"
    )
    relative = models.ForeignKey(
        Relative, verbose_name=_("relative"), on_delete=models.PROTECT, related_name="entries"
    )
    # The form carries this key from its first step, so a second submit finds the first entry.
    submission_key = models.UUIDField(_("submission key"), default=uuid.uuid4, unique=True)
    state = models.CharField(
        _("state"), max_length=16, choices=State.choices, default=State.SUBMITTED
    )
    decline_reason = models.TextField(
        _("reason not accepted"), blank=True, help_text=_("The relative sees this.")
    )
    submitted_at = models.DateTimeField(_("submitted"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    # Set when the staff digest has mentioned it, so no entry is announced twice.
    staff_notified_at = models.DateTimeField(null=True, blank=True, editable=False)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("relative's entry")
        verbose_name_plural = _("relatives' entries")
        ordering = ["-submitted_at"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(state="declined") | ~Q(decline_reason=""),
                name="entry_decline_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.relative}: {self.event.title}"

    @property
    def review_status(self) -> str:
        """What the relative is told: awaiting review, verified, published, or not accepted."""
        if self.state == self.State.DECLINED:
            return _("not accepted")
        if self.state == self.State.WITHDRAWN:
            return _("withdrawn")
        if not self.event.is_verified:
            return _("awaiting review")
        if self.event.is_shown_publicly:
            return _("published")
        return _("verified")

    @property
    def is_editable(self) -> bool:
        """A relative may edit or withdraw an entry until staff have verified or declined it."""
        return self.state == self.State.SUBMITTED and not self.event.is_verified


class CorrectionRequest(models.Model):
    """A relative's note on a verified entry, asking staff to correct it."""

    entry = models.ForeignKey(
        Entry, verbose_name=_("entry"), on_delete=models.CASCADE, related_name="corrections"
    )
    text = models.TextField(_("what should be corrected"))
    created_at = models.DateTimeField(_("sent"), auto_now_add=True)
    resolved_at = models.DateTimeField(_("resolved"), null=True, blank=True)

    class Meta:
        verbose_name = _("correction request")
        verbose_name_plural = _("correction requests")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.text[:60]


class IntakeReport(models.Model):
    """A detention reported through the public form by someone without an account.

    Never public: it waits in a private queue for staff, who may turn it into a case.
    """

    # What the reporter typed: the public form's fields, and read-only for staff afterwards.
    REPORTED_FIELDS = [
        "who_is_held",
        "held_where",
        "held_since",
        "what_happened",
        "reporter_name",
        "reporter_contact",
        "reporter_language",
    ]

    class State(models.TextChoices):
        NEW = "new", _("awaiting review")
        ACCEPTED = "accepted", _("taken up")
        REJECTED = "rejected", _("not taken up")

    who_is_held = models.TextField(_("who is held"))
    held_where = models.TextField(_("where they are held, if known"), blank=True)
    held_since = models.CharField(_("since when"), max_length=200)
    what_happened = models.TextField(_("what happened"), blank=True)
    reporter_name = models.CharField(_("your name"), max_length=200)
    reporter_contact = models.CharField(
        _("how we can reach you"), max_length=300, help_text=_("Phone, e-mail or messenger.")
    )
    reporter_language = models.CharField(
        _("language"), max_length=2, choices=Relative.Language.choices, blank=True
    )
    # A keyed hash of the sender's address: enough to limit the rate, not to find the person.
    address_hash = models.CharField(max_length=64, db_index=True, editable=False)
    state = models.CharField(_("state"), max_length=16, choices=State.choices, default=State.NEW)
    staff_notes = models.TextField(_("staff notes"), blank=True)
    created_at = models.DateTimeField(_("received"), auto_now_add=True, db_index=True)
    staff_notified_at = models.DateTimeField(null=True, blank=True, editable=False)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("reported detention")
        verbose_name_plural = _("reported detentions")
        ordering = ["created_at"]

    def __str__(self) -> str:
        return self.who_is_held[:60]


class StaffMember(models.Model):
    """A staff account's place in an organisation. A case worker limited to their organisation
    sees only the cases it works on; superusers and unlimited staff see every case."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("account"),
        on_delete=models.CASCADE,
        related_name="staff_member",
    )
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="staff",
    )
    only_own_cases = models.BooleanField(
        _("only their organisation's cases"),
        default=False,
        help_text=_("Limit this person to the cases their organisation works on."),
    )
    preferred_language = models.CharField(
        _("preferred language"),
        max_length=2,
        choices=Relative.Language.choices,
        blank=True,
        help_text=_("The language of the staff pages and e-mails; blank follows the browser."),
    )

    class Meta:
        verbose_name = _("staff member")
        verbose_name_plural = _("staff members")
        constraints = [
            models.CheckConstraint(
                condition=Q(only_own_cases=False) | Q(organisation__isnull=False),
                name="staff_member_limit_needs_organisation",
            ),
        ]

    def __str__(self) -> str:
        return str(self.user)


class ReminderSent(models.Model):
    """A follow-up reminder already sent for an overdue contact and its due date, so that the
    reminder command run twice (or by two cron hosts) sends nothing twice."""

    event = models.ForeignKey(
        Event, verbose_name=_("event"), on_delete=models.CASCADE, related_name="reminders"
    )
    due_on = models.DateField(_("reply was due on"))
    sent_at = models.DateTimeField(_("sent"), auto_now_add=True)

    class Meta:
        verbose_name = _("reminder sent")
        verbose_name_plural = _("reminders sent")
        constraints = [
            models.UniqueConstraint(fields=["event", "due_on"], name="reminder_once_per_due_date"),
        ]

    def __str__(self) -> str:
        return f"{self.event} ({self.due_on})"


class AccessLogEntry(models.Model):
    """Who looked at a relative's contact details, exported, deleted or erased what, and when.

    Written by `campaigns.access_log`; read by superusers in the admin, where nobody may add,
    change or delete an entry.
    """

    class Action(models.TextChoices):
        VIEWED_CONTACT = "viewed_contact", _("viewed contact details")
        EXPORTED = "exported", _("exported")
        DELETED = "deleted", _("deleted")
        ERASED = "erased", _("erased personal data")

    at = models.DateTimeField(_("when"), default=timezone.now, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("who"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    # Kept as written: the account may be renamed or deleted later, the entry must still say who.
    username = models.CharField(_("account name"), max_length=150, blank=True)
    action = models.CharField(_("action"), max_length=16, choices=Action.choices)
    # The record's model ("campaigns.relative") and number, as text: the entry outlives the
    # record, and reads the same in a restored database.
    record_type = models.CharField(_("kind of record"), max_length=100, blank=True)
    object_id = models.CharField(_("record number"), max_length=64, blank=True)
    label = models.CharField(_("what"), max_length=300)
    detail = models.TextField(_("detail"), blank=True)

    class Meta:
        verbose_name = _("access log entry")
        verbose_name_plural = _("access log")
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["record_type", "object_id"], name="access_log_record"),
        ]

    def __str__(self) -> str:
        who = self.username or "—"
        return f"{self.at:%Y-%m-%d %H:%M} {who}: {self.get_action_display()} {self.label}"

    @property
    def record_kind(self) -> str:
        """The record's kind in words ("relative"), or its model's label if the model is gone."""
        try:
            return str(apps.get_model(self.record_type)._meta.verbose_name)
        except (LookupError, ValueError):
            return self.record_type
