"""The public name search. Like every public read (`detentions/selectors.py`), it starts from
querysets that already leave out what is not public: published cases, people only by the spellings
their display rule lets public pages print, institutions that have a public page, and officials
and facilities that a public page names. Relatives are never searched here.
"""

import datetime
import functools
from dataclasses import dataclass

from django.db.models import Exists, Model, OuterRef, QuerySet
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from detentions.forms import SearchChoices, SearchForm
from detentions.models import (
    AccessAttempt,
    Case,
    ConsularVisit,
    Detainee,
    Event,
    Facility,
    Institution,
    Official,
    OfficialContact,
)
from detentions.models.timeline import shown_publicly
from detentions.search import SHOWN, Match, find
from detentions.selectors import public_institutions


@dataclass(frozen=True)
class Hit:
    record: Model
    name: str  # the name as the page shows it
    matched: str  # the spelling that matched, where the name shown does not already say it


@dataclass(frozen=True)
class Group:
    """One kind of record found, best match first."""

    kind: str  # names the section (its anchor) and how the template shows each hit
    heading: str
    hits: list[Hit]
    searched: bool = True  # found by name, rather than listed by the filters alone

    @property
    def is_cut(self) -> bool:
        """More may have matched than are shown."""
        return self.searched and len(self.hits) >= SHOWN


def hit(match: Match, name: str) -> Hit:
    spelling = match.spelling.strip()
    shown = spelling if spelling and spelling.casefold() not in name.casefold() else ""
    return Hit(match.record, name, shown)


def groups(*candidates: tuple[str, str, list[Hit]]) -> list[Group]:
    """The kinds that found something, in the order given."""
    return [Group(kind, str(heading), hits) for kind, heading, hits in candidates if hits]


def listed_cases(cases: QuerySet[Case]) -> list[Group]:
    """Cases listed by the filters alone, without a name to match."""
    hits = [Hit(case, case.title, "") for case in cases]
    return [Group("cases", str(_("Cases")), hits, searched=False)] if hits else []


# What public pages show, to search in.


def searchable_cases() -> QuerySet[Case]:
    return Case.objects.published().with_status(public_only=True)


def searchable_people() -> QuerySet[Detainee]:
    return (
        Detainee.objects.current()
        .filter(case__in=Case.objects.published())
        .select_related("case", "facility")
    )


def searchable_officials() -> QuerySet[Official]:
    """Officials a public event names (a contact's addressee, a visiting consul)."""
    shown = shown_publicly("event__")
    return Official.objects.filter(
        Exists(OfficialContact.objects.filter(shown, official=OuterRef("pk")))
        | Exists(ConsularVisit.objects.filter(shown, consul=OuterRef("pk")))
    ).select_related("institution")


def official_hits(matches: list[Match], institutions: QuerySet[Institution]) -> list[Hit]:
    """The officials found, each marked with whether their institution is one of
    `institutions`, which have a public page to link to. Asked of the few officials found, not
    of every candidate inside the search's query: there it doubled the time PostgreSQL took to
    plan the query."""
    named = {match.record.institution_id for match in matches}
    with_page = (
        set(institutions.filter(pk__in=named).values_list("pk", flat=True)) if named else set()
    )
    for match in matches:
        match.record.institution_has_page = match.record.institution_id in with_page
    return [hit(match, match.record.name) for match in matches]


def searchable_facilities() -> QuerySet[Facility]:
    """Where someone of a published case is held, or where a public event took place."""
    shown = shown_publicly("event__")
    return Facility.objects.filter(
        Exists(searchable_people().filter(facility=OuterRef("pk")))
        | Exists(ConsularVisit.objects.filter(shown, facility=OuterRef("pk")))
        | Exists(AccessAttempt.objects.filter(shown, facility=OuterRef("pk")))
    )


def search_form(data: QueryDict | None, *, content_version: datetime.datetime) -> SearchForm:
    """The search's form, its filters offering the choices of that version of public content
    (the page cache's, which has just read it)."""
    return SearchForm(data, choices=filter_choices(content_version), events=Event.objects.public())


def filter_choices(content_version: datetime.datetime) -> SearchChoices:
    """The filters' choices: every country and facility public pages show. They change only
    with public content, so they are read once for each version of it rather than on every
    search (two queries over every case and facility, and hundreds of records)."""
    return _choices_of_version(content_version)


@functools.lru_cache(maxsize=1)
def _choices_of_version(version: datetime.datetime) -> SearchChoices:
    return SearchChoices.of(searchable_cases(), searchable_facilities())


def forget_filter_choices() -> None:
    """For tests: a rolled-back test leaves the content version as it found it, so the next
    test may meet the same version with other content."""
    _choices_of_version.cache_clear()


def results(form: SearchForm) -> list[Group]:
    """What the public search finds, by kind. Filters narrow cases and people; with filters and
    no name, the cases that match the filters."""
    query, cases = form.query, searchable_cases()
    if not query:
        return listed_cases(form.filter_cases(cases)) if form.filters() else []
    people = find(
        form.filter_people(searchable_people(), cases),
        query,
        key_field="public_search_key",
        spellings=Detainee.public_spellings,
    )
    institutions = public_institutions()
    return groups(
        (
            "cases",
            _("Cases"),
            [hit(m, m.record.title) for m in find(form.filter_cases(cases), query)],
        ),
        ("people", _("People"), [hit(m, m.record.public_name) for m in people]),
        (
            "institutions",
            _("Institutions"),
            [hit(m, m.record.name) for m in find(institutions, query)],
        ),
        (
            "officials",
            _("Officials"),
            official_hits(find(searchable_officials(), query), institutions),
        ),
        (
            "facilities",
            _("Places of detention"),
            [hit(m, str(m.record)) for m in find(searchable_facilities(), query)],
        ),
    )
