"""The places and bodies that cases refer to: facilities, institutions and their officials."""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField
from simple_history.models import HistoricalRecords

from detentions.models.searchable import Searchable, lines, spellings_field


class Facility(Searchable):
    class Kind(models.TextChoices):
        PRETRIAL = "pretrial", _("pre-trial detention unit")
        PRISON = "prison", _("prison or penal colony")
        POLICE = "police", _("police station")
        BORDER = "border", _("border post")
        SECURITY_SERVICE = "security_service", _("security service facility")
        IMMIGRATION = "immigration", _("immigration detention")
        HOSPITAL = "hospital", _("hospital")
        OTHER = "other", _("other")

    name = models.CharField(_("name"), max_length=200)
    other_names = spellings_field()
    slug = models.SlugField(_("slug"), max_length=200, unique=True)
    kind = models.CharField(_("kind"), max_length=32, choices=Kind.choices)
    town = models.CharField(_("town"), max_length=120, blank=True)
    region = models.CharField(_("region"), max_length=120, blank=True)
    country = CountryField(_("country"))
    notes = models.TextField(_("internal notes"), blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("facility")
        verbose_name_plural = _("facilities")
        ordering = ["country", "name"]

    def __str__(self) -> str:
        # "Pre-trial detention unit, Nukus" already says where it is.
        if not self.town or self.town in self.name:
            return self.name
        return f"{self.name}, {self.town}"

    def spellings(self) -> list[str]:
        return [self.name, self.town, *lines(self.other_names)]


class Institution(Searchable):
    """A state body of either country, an embassy, an NGO or a media outlet."""

    class Kind(models.TextChoices):
        HEAD_OF_STATE = "head_of_state", _("head of state's office")
        PARLIAMENT = "parliament", _("parliament")
        MINISTRY = "ministry", _("ministry")
        PROSECUTOR = "prosecutor", _("prosecution service")
        SECURITY_SERVICE = "security_service", _("security service")
        POLICE = "police", _("police or interior")
        BORDER_SERVICE = "border_service", _("border service")
        MIGRATION = "migration", _("migration service")
        COURT = "court", _("court")
        REGIONAL_GOVERNMENT = "regional_government", _("regional government")
        EMBASSY = "embassy", _("embassy or consulate")
        NGO = "ngo", _("non-governmental organisation")
        MEDIA = "media", _("media outlet")
        INTERNATIONAL = "international", _("international organisation")
        OTHER = "other", _("other")

    name = models.CharField(_("name"), max_length=255)
    short_name = models.CharField(_("short name"), max_length=60, blank=True)
    other_names = spellings_field()
    slug = models.SlugField(_("slug"), max_length=200, unique=True)
    kind = models.CharField(_("kind"), max_length=32, choices=Kind.choices)
    country = CountryField(_("country"), blank=True, help_text=_("Blank for international bodies."))
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent body"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="subdivisions",
    )
    website = models.URLField(_("website"), blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("institution")
        verbose_name_plural = _("institutions")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(parent=F("id")), name="institution_not_its_own_parent"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def spellings(self) -> list[str]:
        return [self.name, self.short_name, *lines(self.other_names)]

    def clean(self) -> None:
        ancestor, seen = self.parent, {self.pk}
        while ancestor is not None:
            if ancestor.pk in seen:
                raise ValidationError({"parent": _("A body cannot be its own parent or ancestor.")})
            seen.add(ancestor.pk)
            ancestor = ancestor.parent


class Official(Searchable):
    """A person acting for an institution. Officials are named publicly in their official role."""

    name = models.CharField(_("name"), max_length=200)
    name_original = models.CharField(_("name in original script"), max_length=200, blank=True)
    other_names = spellings_field()
    institution = models.ForeignKey(
        Institution,
        verbose_name=_("institution"),
        on_delete=models.PROTECT,
        related_name="officials",
    )
    role = models.CharField(_("role"), max_length=200)
    in_office_from = models.DateField(_("in office from"), null=True, blank=True)
    in_office_until = models.DateField(_("in office until"), null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("official")
        verbose_name_plural = _("officials")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(in_office_until__isnull=True)
                | Q(in_office_from__isnull=True)
                | Q(in_office_until__gte=F("in_office_from")),
                name="official_period_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.role})"

    def spellings(self) -> list[str]:
        return [self.name, self.name_original, *lines(self.other_names)]

    def clean(self) -> None:
        if (
            self.in_office_from
            and self.in_office_until
            and self.in_office_until < self.in_office_from
        ):
            raise ValidationError(
                {"in_office_until": _("The end of the period cannot be before its start.")}
            )
