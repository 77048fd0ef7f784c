"""Placeholder while this module is being written; every view here answers 404."""

from django.http import Http404


def _missing(*args, **kwargs):
    raise Http404


accept_invitation = login = logout = _missing
