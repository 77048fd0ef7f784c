"""Who may do what on the staff side. Every staff view goes through `staff_required` and reads
cases only through `cases_for_staff`, so a case worker limited to their organisation gets 404 for
any other case (its existence is not revealed)."""

from collections.abc import Callable
from functools import wraps

from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import AbstractBaseUser
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect

from campaigns import two_factor
from detentions.models import Case


def is_staff(user: AbstractBaseUser) -> bool:
    return user.is_authenticated and user.is_active and user.is_staff


def staff_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Log in first; then anyone who is not staff gets 404, as for a page that does not exist;
    staff whose session did not give its second factor give it (or set up an app) first."""

    @login_required
    @wraps(view)
    def guarded(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not is_staff(request.user):
            raise Http404
        if not two_factor.is_verified(request.user):
            return redirect(two_factor.step_url(request.user, request.get_full_path()))
        return view(request, *args, **kwargs)

    return guarded


def cases_for_staff(user: AbstractBaseUser, *, with_archived: bool = False) -> QuerySet[Case]:
    """Every case for superusers and unlimited staff; a limited case worker's organisation's.

    Archived cases only `with_archived`: the pages that show them to be restored, and their
    history. Every list and every page that works on a case leaves them out.
    """
    cases = Case.objects.all() if with_archived else Case.objects.current()
    if user.is_superuser:
        return cases
    member = getattr(user, "staff_member", None)
    if member is not None and member.only_own_cases:
        return cases.filter(organisations=member.organisation_id)
    return cases


def case_for_staff(user: AbstractBaseUser, slug: str, *, with_archived: bool = False) -> Case:
    case = cases_for_staff(user, with_archived=with_archived).filter(slug=slug).first()
    if case is None:
        raise Http404
    return case
