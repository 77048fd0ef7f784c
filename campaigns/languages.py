"""Which language a person reads the site in.

A reader's choice lives in the language cookie; a logged-in person's also on their account (a
relative's `preferred_language`, which their e-mails use too, or a staff member's), so that it
follows them to another phone or computer when they log in.
"""

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.http import HttpResponse

from campaigns.models import Relative, StaffMember


def account_language(user: AbstractBaseUser | AnonymousUser) -> str:
    """The language saved on the account; empty when none was chosen or there is no account."""
    if not user.is_authenticated:
        return ""
    relative = Relative.objects.filter(user=user).only("preferred_language").first()
    if relative is not None:
        return relative.preferred_language
    member = StaffMember.objects.filter(user=user).only("preferred_language").first()
    return member.preferred_language if member is not None else ""


def remember_language(user: AbstractBaseUser | AnonymousUser, language: str) -> None:
    """Save a logged-in person's choice on their account. Staff without a staff record get one:
    it holds no limits of its own (a record without an organisation sees what staff see)."""
    if not user.is_authenticated:
        return
    if Relative.objects.filter(user=user).update(preferred_language=language):
        return
    if user.is_staff:
        StaffMember.objects.update_or_create(user=user, defaults={"preferred_language": language})


def set_language_cookie(response: HttpResponse, language: str) -> None:
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        domain=settings.LANGUAGE_COOKIE_DOMAIN,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
    )
