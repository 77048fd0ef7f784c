"""`get_FOO_display()` without Django's cost on every call.

Django's own rebuilds a dict of the field's choices on each call, hashing every label, which
translates each lazy label in turn: a timeline page asks for a few labels per event and spent
much of its time in gettext. Here the dict is built once per field and only the label shown is
translated.
"""

from functools import cache

from django.db import models
from django.db.models import Field
from django.utils.encoding import force_str


@cache
def _labels(field: Field) -> dict:
    return dict(field.flatchoices)


class QuickChoiceLabels(models.Model):
    class Meta:
        abstract = True

    def _get_FIELD_display(self, field: Field) -> str:
        value = getattr(self, field.attname)
        try:
            label = _labels(field).get(value, value)
        except TypeError:  # a value that cannot be a dict key: Django's way handles it
            return super()._get_FIELD_display(field)
        return force_str(label, strings_only=True)
