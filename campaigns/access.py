"""Who may see what on the relatives' side. Each helper answers 404 for anything a user may not
see, so that a record's existence is not revealed."""

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.http import Http404

from campaigns.models import Entry, Relative
from detentions.models import Case


def relative_of(user: AbstractBaseUser | AnonymousUser) -> Relative:
    """The relative behind a logged-in account; 404 for staff-only or unknown accounts."""
    relative = getattr(user, "relative", None) if user.is_authenticated else None
    if relative is None:
        raise Http404
    return relative


def cases_of(relative: Relative):
    """The cases a relative is linked to through a kinship, published or not."""
    return Case.objects.filter(kinships__relative=relative).distinct()


def case_of(relative: Relative, slug: str) -> Case:
    case = cases_of(relative).filter(slug=slug).first()
    if case is None:
        raise Http404
    return case


def entry_of(relative: Relative, pk: int) -> Entry:
    """One of the relative's own entries."""
    entry = Entry.objects.select_related("event__case").filter(relative=relative, pk=pk).first()
    if entry is None:
        raise Http404
    return entry
