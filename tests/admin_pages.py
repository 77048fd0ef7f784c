"""Reading and posting back admin pages as a browser would, for the admin tests of both apps."""

from django.contrib.admin.templatetags.admin_urls import admin_urlname
from django.urls import reverse
from pytest_django.asserts import assertContains


def admin_url(model_or_obj, action: str) -> str:
    """The admin page of a model ("changelist", "add") or of one record ("change")."""
    name = admin_urlname(model_or_obj._meta, action)
    return reverse(name, args=[model_or_obj.pk]) if action == "change" else reverse(name)


def page_data(response) -> dict:
    """What a browser would post back from an admin page: its form and every inline, unchanged."""
    forms = [response.context["adminform"].form]
    for inline in response.context["inline_admin_formsets"]:
        forms += [inline.formset.management_form, *inline.formset.forms]
    data = {}
    for form in forms:
        for field in form:
            value = field.value()
            if value is None or value is False:
                continue
            if value is True:
                data[field.html_name] = "on"
            elif isinstance(value, list | tuple):
                data[field.html_name] = [str(item) for item in value]
            else:
                data[field.html_name] = str(value)
    return data


def prefixes(response) -> dict[type, str]:
    """The form prefix of each inline on the page, by model."""
    return {
        inline.formset.model: inline.formset.prefix
        for inline in response.context["inline_admin_formsets"]
    }


def assert_shows(response, html: str) -> None:
    assertContains(response, html, html=True)
