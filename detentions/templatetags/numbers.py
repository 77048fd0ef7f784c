"""Numbers in the reader's language: 6,520 in English, 6 520 in Russian and Kazakh.

Grouping is asked for number by number rather than switched on for the whole site, because a
site-wide switch would also group the ids written into links and anchors (#event-1,204)."""

from django import template
from django.utils import formats

register = template.Library()


@register.filter
def grouped(value: int | float | None) -> str:
    if value is None:
        return ""
    return formats.number_format(value, force_grouping=True)
