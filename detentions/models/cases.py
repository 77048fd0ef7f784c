"""A case is one detention incident; detainees and charges belong to it."""

import datetime

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Count, F, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField
from simple_history.models import HistoricalRecords

from detentions.dates import DatePrecision, FuzzyDate
from detentions.models.archive import Archivable, ArchivableQuerySet
from detentions.models.searchable import Searchable, lines, spellings_field
from detentions.names import search_key


class CaseStatus(models.TextChoices):
    """Phases of a case, in the order a case usually moves through them."""

    DETAINED = "detained", _("detained")
    CHARGED = "charged", _("charged")
    ON_TRIAL = "on_trial", _("on trial")
    VERDICT = "verdict", _("verdict given")
    RELEASED = "released", _("released")
    DEPORTED = "deported", _("deported")
    RETURNED_HOME = "returned_home", _("returned home")


class DetaineeStatus(models.TextChoices):
    DETAINED = "detained", _("detained")
    CONVICTED = "convicted", _("convicted, in custody")
    MISSING = "missing", _("missing")
    ESCAPED = "escaped", _("escaped / not detained")
    RELEASED = "released", _("released")
    DEPORTED = "deported", _("deported")
    RETURNED_HOME = "returned_home", _("returned home")
    DIED = "died", _("died in custody")


# Statuses that end a detention: days in detention stop counting on the day they were reached.
ENDED = [CaseStatus.RELEASED, CaseStatus.DEPORTED, CaseStatus.RETURNED_HOME]

HELD = [DetaineeStatus.DETAINED, DetaineeStatus.CONVICTED]
FREED = [DetaineeStatus.RELEASED, DetaineeStatus.DEPORTED, DetaineeStatus.RETURNED_HOME]


class NameDisplay(models.TextChoices):
    """How a person agreed to be named on public pages. Withheld unless they said otherwise."""

    FULL = "full", _("full name")
    INITIALS = "initials", _("initials only")
    WITHHELD = "withheld", _("withheld")


def not_in_future(value: datetime.date | None, field: str) -> dict[str, str]:
    if value and value > timezone.localdate():
        return {field: _("This date is in the future.")}
    return {}


def count_per_case(rows: models.QuerySet) -> Coalesce:
    """How many of `rows` (already narrowed to `case=OuterRef("pk")`) a case has, as a subquery
    of the case's own query: 0 when it has none."""
    counted = rows.order_by().values("case").annotate(count=Count("pk")).values("count")[:1]
    return Coalesce(Subquery(counted), Value(0))


class CaseQuerySet(ArchivableQuerySet):
    def published(self) -> "CaseQuerySet":
        """What the public may see: published and not archived."""
        return self.filter(is_published=True, archived_at__isnull=True)

    def with_status(self, *, public_only: bool) -> "CaseQuerySet":
        """Annotate `derived_status` and `status_since`: from the case's latest status change.

        Public pages pass public_only=True so that an internal or unverified event cannot change
        what the public sees. A case with no status event yet is "detained": that is what a case is.
        """
        from detentions.models.timeline import StatusChange, shown_publicly

        shown = shown_publicly("event__") if public_only else Q(event__archived_at__isnull=True)
        latest = StatusChange.objects.filter(
            shown, event__case=OuterRef("pk"), event__date_start__isnull=False
        ).order_by("-event__date_start", "-event__id")
        return self.annotate(
            derived_status=Coalesce(
                Subquery(latest.values("status")[:1]), Value(CaseStatus.DETAINED.value)
            ),
            status_since=Subquery(latest.values("event__date_start")[:1]),
        )

    def with_people_counts(self) -> "CaseQuerySet":
        """Counts derived from the detainee records, never typed in; archived people don't count.

        Each is a subquery of the case's own people, not a join grouped by case: grouping
        would compute the case's other annotations (its status) once per person."""

        def count(condition: Q) -> Coalesce:
            return count_per_case(
                Detainee.objects.filter(condition, case=OuterRef("pk"), archived_at__isnull=True)
            )

        held = Q(status__in=HELD)
        return self.annotate(
            people_count=count(Q()),
            held_count=count(held),
            located_count=count(held & Q(facility__isnull=False)),
            whereabouts_unknown_count=count(
                (held & Q(facility__isnull=True)) | Q(status=DetaineeStatus.MISSING)
            ),
            freed_count=count(Q(status__in=FREED)),
            escaped_count=count(Q(status=DetaineeStatus.ESCAPED)),
        )


class Case(Searchable, Archivable):
    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    summary = models.TextField(
        _("summary"), help_text=_("Shown publicly once the case is published.")
    )
    location = models.CharField(
        _("where it began"), max_length=200, help_text=_("Place, region: as precisely as known.")
    )
    began_on = models.DateField(_("began on"), null=True, blank=True)
    began_on_precision = models.CharField(
        _("precision of that date"),
        max_length=16,
        choices=[c for c in DatePrecision.choices if c[0] != DatePrecision.SPAN],
        default=DatePrecision.DAY,
    )
    detaining_country = CountryField(_("detaining country"))
    detainees_country = CountryField(_("detainees' country"))
    is_published = models.BooleanField(
        _("published"),
        default=False,
        help_text=_("Only published cases, and only their public verified events, are public."),
    )
    internal_notes = models.TextField(_("internal notes"), blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    # Optimistic locking: a staff form carries the version it was read at; a save that finds
    # another version refuses and shows what the other person changed.
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)

    objects = CaseQuerySet.as_manager()

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        ordering = [F("began_on").desc(nulls_last=True), "title"]
        constraints = [
            models.CheckConstraint(
                condition=Q(began_on__isnull=True, began_on_precision=DatePrecision.UNKNOWN)
                | (Q(began_on__isnull=False) & ~Q(began_on_precision=DatePrecision.UNKNOWN)),
                name="case_began_on_matches_precision",
            ),
            models.CheckConstraint(
                condition=~Q(began_on_precision=DatePrecision.SPAN),
                name="case_began_on_not_a_span",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def spellings(self) -> list[str]:
        return [self.title, self.location]

    def get_absolute_url(self) -> str:
        return reverse("detentions:case-detail", kwargs={"slug": self.slug})

    @property
    def began(self) -> FuzzyDate:
        return FuzzyDate(self.began_on, self.began_on_precision)

    @property
    def status_label(self) -> str:
        """The label of `derived_status`; the queryset must have been made `with_status()`."""
        return CaseStatus(self.derived_status).label

    @property
    def ended_on(self) -> datetime.date | None:
        """When the detention ended (release, deportation), from `with_status()`; else None."""
        return self.status_since if self.derived_status in ENDED else None

    @property
    def days_in_detention(self) -> int | None:
        if self.began_on is None:
            return None
        return ((self.ended_on or timezone.localdate()) - self.began_on).days

    def clean(self) -> None:
        errors = not_in_future(self.began_on, "began_on")
        if self.began_on is None and self.began_on_precision != DatePrecision.UNKNOWN:
            errors["began_on"] = _("Give the date, or set its precision to unknown.")
        if self.began_on is not None and self.began_on_precision == DatePrecision.UNKNOWN:
            errors["began_on_precision"] = _("A date is given, so its precision is not unknown.")
        if errors:
            raise ValidationError(errors)
        self.began_on = FuzzyDate.normalised_start(self.began_on, self.began_on_precision)


class Detainee(Searchable, Archivable):
    case = models.ForeignKey(
        Case, verbose_name=_("case"), on_delete=models.CASCADE, related_name="detainees"
    )
    reference = models.CharField(
        _("reference"),
        max_length=20,
        help_text=_("A number or code, unique within the case, that tells records apart."),
    )
    name_latin = models.CharField(
        _("name in Latin letters"),
        max_length=200,
        blank=True,
        help_text=_("Leave both names blank while the identity is not yet known."),
    )
    name_original = models.CharField(_("name in original script"), max_length=200, blank=True)
    other_names = spellings_field()
    name_display = models.CharField(
        _("public name"),
        max_length=16,
        choices=NameDisplay.choices,
        default=NameDisplay.WITHHELD,
        help_text=_("How the person, or their family, agreed the name may be shown publicly."),
    )
    home_region = models.CharField(_("home region"), max_length=120, blank=True)
    birth_date = models.DateField(_("date of birth"), null=True, blank=True)
    age = models.PositiveSmallIntegerField(_("age when detained"), null=True, blank=True)
    occupation = models.CharField(_("occupation"), max_length=120, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=DetaineeStatus.choices, default=DetaineeStatus.DETAINED
    )
    facility = models.ForeignKey(
        "detentions.Facility",
        verbose_name=_("held at"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="detainees",
        help_text=_("Blank while the whereabouts are unknown."),
    )
    whereabouts_confirmed_on = models.DateField(
        _("whereabouts last confirmed on"), null=True, blank=True
    )
    internal_notes = models.TextField(_("internal notes"), blank=True)
    # Only the spellings the display rule lets public pages print: a withheld name, or one
    # shown by its initials, cannot be found by a public search.
    public_search_key = models.TextField(blank=True, default="", editable=False)

    # Optimistic locking: a staff form carries the version it was read at; a save that finds
    # another version refuses and shows what the other person changed.
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)

    objects = ArchivableQuerySet.as_manager()

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("detainee")
        verbose_name_plural = _("detainees")
        ordering = ["case", "reference"]
        constraints = [
            models.UniqueConstraint(fields=["case", "reference"], name="detainee_reference_unique"),
            models.CheckConstraint(
                condition=Q(whereabouts_confirmed_on__isnull=True) | Q(facility__isnull=False),
                name="detainee_confirmed_whereabouts_need_facility",
            ),
            models.CheckConstraint(
                condition=Q(age__isnull=True) | Q(age__lte=120), name="detainee_age_plausible"
            ),
        ]

    def __str__(self) -> str:
        name = self.name_latin or self.name_original or _("identity not yet known")
        return f"{self.reference}: {name}"

    def spellings(self) -> list[str]:
        return [self.name_latin, self.name_original, *lines(self.other_names)]

    def public_spellings(self) -> list[str]:
        if self.identity_known and self.name_display == NameDisplay.FULL:
            return self.spellings()
        return []

    def refresh_search_keys(self) -> None:
        super().refresh_search_keys()
        self.public_search_key = search_key(" ".join(self.public_spellings()))

    @property
    def identity_known(self) -> bool:
        return bool(self.name_latin or self.name_original)

    @property
    def shows_name_publicly(self) -> bool:
        return self.identity_known and self.name_display != NameDisplay.WITHHELD

    @property
    def whereabouts_known(self) -> bool:
        return self.facility_id is not None

    @property
    def public_name(self) -> str:
        """The only form of the name that public pages may print."""
        if not self.identity_known:
            return _("Detainee %(ref)s, identity not yet known") % {"ref": self.reference}
        if self.name_display == NameDisplay.FULL:
            return self.name_latin or self.name_original
        if self.name_display == NameDisplay.INITIALS:
            words = (self.name_latin or self.name_original).split()
            return " ".join(f"{word[0]}." for word in words)
        return _("Detainee %(ref)s, name withheld") % {"ref": self.reference}

    def clean(self) -> None:
        errors = not_in_future(self.birth_date, "birth_date")
        errors |= not_in_future(self.whereabouts_confirmed_on, "whereabouts_confirmed_on")
        if self.whereabouts_confirmed_on and not self.facility_id:
            errors["whereabouts_confirmed_on"] = _(
                "Whereabouts can only be confirmed at a facility; choose one or clear this date."
            )
        if self.age is not None and self.age > 120:
            errors["age"] = _("Give an age between 0 and 120.")
        if errors:
            raise ValidationError(errors)


class Charge(models.Model):
    """An offence the detaining state accuses people of. No detainees chosen: the whole case."""

    case = models.ForeignKey(
        Case, verbose_name=_("case"), on_delete=models.CASCADE, related_name="charges"
    )
    offence = models.CharField(_("offence"), max_length=200)
    legal_article = models.CharField(
        _("legal article"), max_length=200, blank=True, help_text=_("Blank where not known.")
    )
    detainees = models.ManyToManyField(
        Detainee, verbose_name=_("detainees"), blank=True, related_name="charges"
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("charge")
        verbose_name_plural = _("charges")
        ordering = ["case", "offence"]

    def __str__(self) -> str:
        return f"{self.offence} ({self.legal_article})" if self.legal_article else self.offence
