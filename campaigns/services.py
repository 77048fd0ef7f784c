"""Writes on the relatives' side that span several models: inviting a relative, and accepting."""

from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from campaigns.models import Invitation, Relative
from detentions.models import Case


def invite_relative(
    *, relative: Relative, case: Case, invited_by: AbstractBaseUser, request: HttpRequest
) -> str:
    """Issue a single-use invitation to `case` and return its absolute URL.

    The URL is e-mailed when the relative has an address; staff may also paste it into a
    messenger. A new invitation replaces any earlier one still open for the same relative and
    case, so that only the latest link sent works.
    """
    if not relative.kinships.filter(case=case).exists():
        # Access to a case goes through a kinship: without one the link would open on a 404.
        raise ValidationError(
            _("%(relative)s is not linked to “%(case)s”; add their kinship first.")
            % {"relative": relative, "case": case}
        )
    # One transaction: if the e-mail cannot be sent, no new link exists and earlier ones still work.
    with transaction.atomic():
        Invitation.objects.usable().filter(relative=relative, case=case).update(
            expires_at=timezone.now()
        )
        invitation, token = Invitation.issue(relative=relative, case=case, created_by=invited_by)
        url = request.build_absolute_uri(
            reverse("campaigns:accept-invitation", kwargs={"token": token})
        )
        if relative.email:
            send_invitation_email(invitation, url)
    return url


def send_invitation_email(invitation: Invitation, url: str) -> None:
    """The invitation in the relative's own language: the link, the case, how long it works."""
    relative = invitation.relative
    context = {"relative": relative, "case": invitation.case, "invitation": invitation, "url": url}
    with translation.override(relative.preferred_language):
        subject = render_to_string("campaigns/email/invitation_subject.txt", context)
        body = render_to_string("campaigns/email/invitation_body.txt", context)
    send_mail(" ".join(subject.split()), body, None, [relative.email])


class InvitationUnusable(Exception):
    """The invitation was used or expired, or its relative got an account, while the form was
    being filled in (another tab, another invitation)."""


def accept_invitation(*, invitation: Invitation, user: AbstractBaseUser) -> AbstractBaseUser:
    """Save the new account `user` (unsaved, password set), link it to the invited relative and
    use the invitation up: all or nothing.

    The invitation and the relative are locked, so two tabs submitting the same link cannot both
    create an account.
    """
    with transaction.atomic():
        invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
        relative = Relative.objects.select_for_update().get(pk=invitation.relative_id)
        if invitation.is_used or invitation.is_expired or relative.user_id is not None:
            raise InvitationUnusable
        user.is_staff = False
        user.is_superuser = False
        user.save()
        relative.user = user
        relative.save(update_fields=["user"])
        invitation.used_at = timezone.now()
        invitation.save(update_fields=["used_at"])
    return user
