"""Relatives arrive through an invitation link and log in on the same page as staff."""

from django.contrib.auth import login as log_in
from django.contrib.auth.views import LoginView, LogoutView
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from campaigns import services
from campaigns.forms import AcceptInvitationForm
from campaigns.models import Invitation, hash_token

login = LoginView.as_view(
    template_name="campaigns/login.html",
    redirect_authenticated_user=True,
    # FormView would treat PUT as POST.
    http_method_names=["get", "head", "post", "options"],
)
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
