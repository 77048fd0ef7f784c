"""Who may see what on the relatives' side. Each helper answers 404 for anything a user may not
see, so that a record's existence is not revealed."""

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import Q, QuerySet
from django.http import Http404

from campaigns import two_factor
from campaigns.models import Entry, Relative
from campaigns.staff_access import cases_for_staff, is_staff
from detentions.models import Attachment, Case, Event
from detentions.models.timeline import shown_publicly


def relative_of(user: AbstractBaseUser | AnonymousUser) -> Relative:
    """The relative behind a logged-in account; 404 for staff-only or unknown accounts."""
    relative = getattr(user, "relative", None) if user.is_authenticated else None
    if relative is None:
        raise Http404
    return relative


def cases_of(relative: Relative):
    """The cases a relative is linked to through a kinship, published or not; not archived."""
    return Case.objects.current().filter(kinships__relative=relative).distinct()


def case_of(relative: Relative, slug: str) -> Case:
    case = cases_of(relative).filter(slug=slug).first()
    if case is None:
        raise Http404
    return case


def entry_of(relative: Relative, pk: int) -> Entry:
    """One of the relative's own entries, unless staff archived it or its case."""
    entry = entries_visible_to(relative).select_related("event__case").filter(pk=pk).first()
    if entry is None:
        raise Http404
    return entry


def entries_visible_to(relative: Relative) -> QuerySet[Entry]:
    """The relative's own entries; one staff archived (or of an archived case) is gone from
    their workspace."""
    return Entry.objects.filter(
        relative=relative, event__archived_at__isnull=True, event__case__archived_at__isnull=True
    )


def events_visible_to(relative: Relative) -> QuerySet[Event]:
    """The one rule for what a relative may see: of the cases they are linked to, the public
    facts (once the case is published), their own entries, and what staff shared with them;
    never what staff archived."""
    # "Public" is whatever `public()` says it is: one definition for both sides. Tested on the
    # event's own columns: `pk IN (every public event)` inside an OR made the database scan
    # every public event again for each event of the case.
    return (
        Event.objects.current()
        .filter(case__in=cases_of(relative))
        .filter(shown_publicly() | Q(entry__relative=relative) | Q(shared_with_family=True))
    )


def attachment_for(user: AbstractBaseUser, pk: int) -> Attachment:
    """An attachment the user may open, or 404.

    Staff see the files of the cases they may see (`cases_for_staff`), once their session gave
    its second factor. A relative sees the files of their own entries, and those of any event of
    a case they are linked to once staff have shared it with the family or published it.
    """
    attachment = Attachment.objects.select_related("event").filter(pk=pk).first()
    if attachment is None:
        raise Http404
    if (
        is_staff(user)
        and two_factor.is_verified(user)
        and cases_for_staff(user).filter(pk=attachment.event.case_id).exists()
    ):
        return attachment
    if events_visible_to(relative_of(user)).filter(pk=attachment.event_id).exists():
        return attachment
    raise Http404
