"""The admin site: staff only, and only once their session gave its second factor."""

from django.contrib.auth import REDIRECT_FIELD_NAME
from django.contrib.auth.models import AbstractBaseUser
from django.contrib.auth.views import redirect_to_login
from django.contrib.contenttypes import views as contenttype_views
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django_otp.admin import OTPAdminSite

from campaigns import two_factor
from campaigns.staff_access import cases_for_staff
from campaigns.staff_selectors import sees_all_cases
from detentions.models import Case


class AdminSite(OTPAdminSite):
    """django-otp's admin site (staff whose session is not verified are refused), under the
    admin's usual name, and with one login for the whole site: ours, which asks for the code
    and sets up an authenticator app when a staff member has none."""

    def __init__(self, name: str = "admin") -> None:
        super().__init__(name)

    def cases_limit(self, user: AbstractBaseUser) -> QuerySet[Case] | None:
        """The cases a case worker limited to their organisation's may see here, archived ones
        too (the admin lists them); None for whoever sees every case. The admin pages of a
        case's records ask this (detentions.admin.CaseBoundAdmin): the site knows both apps,
        the case records' pages know nothing of organisations."""
        if sees_all_cases(user):
            return None
        return cases_for_staff(user, with_archived=True)

    def case_added(self, user: AbstractBaseUser, case: Case) -> None:
        """A case that a limited case worker adds becomes their organisation's; otherwise it
        would leave their sight as soon as it was saved."""
        if not sees_all_cases(user):
            user.staff_member.organisation.cases.add(case)

    def login(self, request: HttpRequest, extra_context=None) -> HttpResponse:
        next_url = request.GET.get(REDIRECT_FIELD_NAME, "")
        if not url_has_allowed_host_and_scheme(
            next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            next_url = reverse("admin:index", current_app=self.name)
        user = request.user
        if not user.is_authenticated:
            return redirect_to_login(next_url, reverse("campaigns:login"))
        if not (user.is_active and user.is_staff):
            # As on the staff pages: nothing here for anyone else.
            raise Http404
        if not two_factor.is_verified(user):
            return redirect(two_factor.step_url(user, next_url))
        # An address, never a URL name: redirect() would look up a word such as "home" and fail.
        return HttpResponseRedirect(next_url)

    def get_urls(self) -> list:
        # Ours first: the admin's "view on site" address, which for Django's own view leads to
        # any record's public address by its id, a draft case's slug included.
        own = [
            path(
                "r/<path:content_type_id>/<path:object_id>/",
                self.admin_view(self.view_on_site),
                name="view_on_site",
            )
        ]
        return own + super().get_urls()

    def view_on_site(
        self, request: HttpRequest, content_type_id: str, object_id: str
    ) -> HttpResponse:
        """A record's public address, for records this user may see in the admin."""
        try:
            model = ContentType.objects.get_for_id(int(content_type_id)).model_class()
            model_admin = self._registry[model]
            visible = model_admin.has_view_or_change_permission(request) and (
                model_admin.get_queryset(request).filter(pk=object_id).exists()
            )
        except (ValueError, ValidationError, ContentType.DoesNotExist, KeyError):
            visible = False
        if not visible:
            raise Http404
        return contenttype_views.shortcut(request, content_type_id, object_id)
