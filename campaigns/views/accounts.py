"""Relatives arrive through an invitation link and log in on the same page as staff; a forgotten
password is set again through a link sent by e-mail."""

import math

from axes.helpers import get_cool_off
from axes.utils import reset as reset_lockouts
from django.conf import settings
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.contrib.auth import login as log_in
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.views import LoginView, LogoutView
from django.core.cache import cache
from django.core.validators import MaxLengthValidator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse, reverse_lazy, translate_url
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe

from campaigns import languages, services, two_factor
from campaigns.forms import AcceptInvitationForm, PasswordResetForm
from campaigns.models import Invitation, hash_token
from campaigns.views.intake import RATE_WINDOW, address_hash, client_address


class LoginForm(AuthenticationForm):
    """Django's, with the username's length checked before anyone is looked up by it: Django
    sets the field's max_length after creating it, so no validator enforces it, and an oversized
    name would reach the lockout records' column (a database error, not a form error)."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        username = self.fields["username"]
        username.validators.append(MaxLengthValidator(username.max_length))


class AccountLanguageLoginView(LoginView):
    """Django's login, then the language saved on the account: the next page opens in it."""

    authentication_form = LoginForm
    template_name = "campaigns/login.html"
    redirect_authenticated_user = True
    # FormView would treat PUT as POST.
    http_method_names = ["get", "head", "post", "options"]

    def form_valid(self, form):
        user = form.get_user()
        language = languages.account_language(user)
        if two_factor.asks_for_code(user):
            # Not logged in yet: the code comes first, then the page they came for.
            two_factor.hold(self.request, user)
            next_url = self.get_success_url()
            if language:
                next_url = translate_url(next_url, language)
            response = HttpResponseRedirect(two_factor.step_url(user, next_url))
        else:
            response = super().form_valid(form)
        if language:
            response["Location"] = translate_url(response["Location"], language)
            languages.set_language_cookie(response, language)
        return response


login = AccountLanguageLoginView.as_view()


def locked_out(request: HttpRequest, response: HttpResponse, credentials: dict) -> HttpResponse:
    """django-axes' answer once a username failed too often from one address: the login page
    again, saying so, with the username kept. The same whether or not the username exists."""
    username = request.POST.get("username", "")[:150]
    next_url = request.POST.get(REDIRECT_FIELD_NAME, "")
    if not url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        next_url = ""
    cool_off = get_cool_off(request)
    minutes = math.ceil(cool_off.total_seconds() / 60) if cool_off else 0
    context = {
        "form": LoginForm(request, initial={"username": username}),
        "next": next_url,
        "locked_out_minutes": minutes,
    }
    page = render(request, "campaigns/login.html", context, status=429)
    if cool_off:
        page["Retry-After"] = str(int(cool_off.total_seconds()))
    return page


# POST only (Django's LogoutView refuses GET): a link or a prefetch cannot log anyone out.
logout = LogoutView.as_view()


# Links asked for from one address in RATE_WINDOW: enough for a typo or two, too few to fill
# someone's inbox with them.
PASSWORD_RESETS_PER_HOUR = 5


def counted_password_reset(request: HttpRequest) -> int:
    """Count one more link asked for from the request's address; the count in this window.

    Counted in the cache, by a keyed hash of the address: a count lost with the cache only lifts
    the limit early, and nothing else is kept of the request.
    """
    key = f"password-reset:{address_hash(client_address(request))}"
    window = int(RATE_WINDOW.total_seconds())
    cache.add(key, 0, timeout=window)
    try:
        return cache.incr(key)
    except ValueError:  # the window ended between the two calls
        cache.set(key, 1, timeout=window)
        return 1


class PasswordResetView(auth_views.PasswordResetView):
    """Ask for a link to set a new password. The next page is the same whether or not an account
    has that address, so the form cannot be used to find out who has an account. Each address
    (of the sender, as for the report form) may ask a few times an hour."""

    template_name = "campaigns/password_reset.html"
    form_class = PasswordResetForm
    subject_template_name = "campaigns/email/password_reset_subject.txt"
    email_template_name = "campaigns/email/password_reset_body.txt"
    success_url = reverse_lazy("campaigns:password-reset-sent")
    http_method_names = ["get", "head", "post", "options"]

    def form_valid(self, form):
        if counted_password_reset(self.request) > PASSWORD_RESETS_PER_HOUR:
            form.add_error(
                None,
                _(
                    "Too many links have been asked for from your connection in the last hour, "
                    "so no e-mail was sent. Please try again in an hour."
                ),
            )
            response = self.form_invalid(form)
            response.status_code = 429
            response["Retry-After"] = str(int(RATE_WINDOW.total_seconds()))
            return response
        return super().form_valid(form)


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    """The e-mailed link: choose a new password (Django's validators apply)."""

    template_name = "campaigns/password_reset_confirm.html"
    success_url = reverse_lazy("campaigns:password-reset-complete")

    def form_valid(self, form):
        response = super().form_valid(form)
        # Whoever can read the account's e-mail chose a new password: lift any lockout.
        reset_lockouts(username=form.user.get_username())
        return response


password_reset = PasswordResetView.as_view()
password_reset_sent = auth_views.PasswordResetDoneView.as_view(
    template_name="campaigns/password_reset_sent.html"
)
# Before Django's view, which answers a link it cannot use without looking at the method.
password_reset_confirm = require_http_methods(["GET", "HEAD", "POST"])(
    PasswordResetConfirmView.as_view()
)
password_reset_complete = auth_views.PasswordResetCompleteView.as_view(
    template_name="campaigns/password_reset_complete.html"
)


# The link carries the only copy of the token: no cache may keep the page.
@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def accept_invitation(request: HttpRequest, token: str) -> HttpResponse:
    invitation = get_object_or_404(
        Invitation.objects.select_related("relative", "case"), token_hash=hash_token(token)
    )
    # Opening the link changes nothing: messengers fetch links for their previews.
    if (page := unusable_invitation_page(request, invitation)) is not None:
        return page
    data = request.POST if request.method == "POST" else None
    form = AcceptInvitationForm(data, relative=invitation.relative)
    if form.is_valid():
        try:
            user = services.accept_invitation(invitation=invitation, user=form.save(commit=False))
        except services.InvitationUnusable:
            invitation.refresh_from_db()
            invitation.relative.refresh_from_db()
            return unusable_invitation_page(request, invitation)
        # The password was just chosen, not checked: name the backend that will check it next time.
        log_in(request, user, backend="django.contrib.auth.backends.ModelBackend")
        return redirect("campaigns:relative-case", slug=invitation.case.slug)
    return render(
        request, "campaigns/invitation_accept.html", {"invitation": invitation, "form": form}
    )


def unusable_invitation_page(request: HttpRequest, invitation: Invitation) -> HttpResponse | None:
    """The page for a link that can no longer create an account; None while it still can."""
    if invitation.is_used:
        template, status = "campaigns/invitation_used.html", 410
    elif invitation.relative.user_id is not None:
        # Invited again, to another case say: their account already opens it.
        template, status = "campaigns/invitation_account_exists.html", 200
    elif invitation.is_expired:
        template, status = "campaigns/invitation_expired.html", 410
    else:
        return None
    return render(request, template, {"invitation": invitation}, status=status)


# A plain link (GET), so that public pages carry no form and no CSRF cookie and stay cacheable.
# The worst a forged link can do is switch someone's interface language.
@require_safe
def switch_language(request: HttpRequest, language: str) -> HttpResponse:
    """Show the page at `next` in another language, and keep that choice for later visits."""
    if language not in dict(settings.LANGUAGES):
        raise Http404
    next_url = request.GET.get("next", "")
    if not url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        next_url = reverse("detentions:case-list")
    response = HttpResponseRedirect(translate_url(next_url, language))
    languages.set_language_cookie(response, language)
    languages.remember_language(request.user, language)
    return response
