"""The people who campaign: relatives, their kinship to detainees, and organisations.

Built on `detentions`; nothing there imports from here.
"""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from detentions.models import Case, Detainee, Event, EventKind, Institution


class Relative(models.Model):
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

    class Meta:
        verbose_name = _("relative")
        verbose_name_plural = _("relatives")
        ordering = ["family_name", "given_name"]

    def __str__(self) -> str:
        return self.full_name

    @property
    def full_name(self) -> str:
        return f"{self.given_name} {self.family_name}".strip()

    @property
    def public_name(self) -> str:
        """The only form of the name that public pages may print."""
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
