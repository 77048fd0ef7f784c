"""The staff name search: every spelling, full names, relatives too; limited, like every staff
read, to the cases the staff member may see (`cases_for_staff`). Institutions, officials and
facilities are shared by all cases, so staff search all of them."""

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Prefetch, QuerySet
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from campaigns.models import Kinship, Relative
from campaigns.staff_access import cases_for_staff
from detentions.forms import SearchForm
from detentions.models import Case, Detainee, Event, Facility, Institution, Official
from detentions.public_search import Group, groups, hit, listed_cases
from detentions.search import find


def staff_cases(user: AbstractBaseUser) -> QuerySet[Case]:
    return cases_for_staff(user).with_status(public_only=False)


def search_form(user: AbstractBaseUser, data: QueryDict | None) -> SearchForm:
    return SearchForm(
        data,
        cases=staff_cases(user),
        facilities=Facility.objects.all(),
        events=Event.objects.current(),
    )


def detainee_name(detainee: Detainee) -> str:
    return detainee.name_latin or detainee.name_original or str(_("identity not yet known"))


def relatives_of(cases: QuerySet[Case]) -> QuerySet[Relative]:
    """Relatives linked to `cases`, each with their kinships to those cases only: another
    organisation's case is not named, even beside a relative this staff member may see."""
    kinships = Kinship.objects.filter(case__in=cases.values("pk"))
    return Relative.objects.filter(pk__in=kinships.values("relative")).prefetch_related(
        Prefetch(
            "kinships",
            queryset=kinships.select_related("case", "detainee").order_by("case__title", "pk"),
        )
    )


def results(user: AbstractBaseUser, form: SearchForm) -> list[Group]:
    """What the staff search finds, by kind. Filters narrow cases, people and relatives (through
    their cases); with filters and no name, the cases that match the filters."""
    query, cases = form.query, staff_cases(user)
    if not query:
        return listed_cases(form.filter_cases(cases)) if form.filters() else []
    filtered = form.filter_cases(cases)
    people = form.filter_people(
        Detainee.objects.current()
        .filter(case__in=cases.values("pk"))
        .select_related("case", "facility"),
        cases,
    )
    return groups(
        ("cases", _("Cases"), [hit(m, m.record.title) for m in find(filtered, query)]),
        ("people", _("People"), [hit(m, detainee_name(m.record)) for m in find(people, query)]),
        (
            "relatives",
            _("Relatives"),
            [hit(m, m.record.full_name) for m in find(relatives_of(filtered), query)],
        ),
        (
            "institutions",
            _("Institutions"),
            [hit(m, m.record.name) for m in find(Institution.objects.all(), query)],
        ),
        (
            "officials",
            _("Officials"),
            [
                hit(m, m.record.name)
                for m in find(Official.objects.select_related("institution"), query)
            ],
        ),
        (
            "facilities",
            _("Places of detention"),
            [hit(m, str(m.record)) for m in find(Facility.objects.all(), query)],
        ),
    )
