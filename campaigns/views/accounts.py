"""Relatives arrive through an invitation link and log in on the same page as staff."""

from django.conf import settings
from django.contrib.auth import login as log_in
from django.contrib.auth.views import LoginView, LogoutView
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse, translate_url
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe

from campaigns import languages, services
from campaigns.forms import AcceptInvitationForm
from campaigns.models import Invitation, hash_token


class AccountLanguageLoginView(LoginView):
    """Django's login, then the language saved on the account: the next page opens in it."""

    template_name = "campaigns/login.html"
    redirect_authenticated_user = True
    # FormView would treat PUT as POST.
    http_method_names = ["get", "head", "post", "options"]

    def form_valid(self, form):
        response = super().form_valid(form)
        if language := languages.account_language(self.request.user):
            response["Location"] = translate_url(response["Location"], language)
            languages.set_language_cookie(response, language)
        return response


login = AccountLanguageLoginView.as_view()
# POST only (Django's LogoutView refuses GET): a link or a prefetch cannot log anyone out.
logout = LogoutView.as_view()


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
        log_in(request, user)
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
