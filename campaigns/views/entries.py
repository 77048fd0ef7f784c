"""Placeholder while this module is being written; every view here answers 404."""

from django.http import Http404


def _missing(*args, **kwargs):
    raise Http404


log_entry = edit_entry = withdraw_entry = request_correction = attachment = _missing
