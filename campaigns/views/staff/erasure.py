"""Erasing a relative's personal data on their request (`campaigns.erasure`): a page that says
what goes and what stays, confirmed with a POST. Only for staff with the permission to erase;
for anyone else, and for relatives of cases they may not see, the page does not exist (404)."""

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from campaigns import erasure
from campaigns.models import Relative
from campaigns.staff_access import staff_required
from campaigns.views.staff.merge import records_for_staff


class ErasureForm(forms.Form):
    confirm = forms.BooleanField(
        label=gettext_lazy("The relative asked for their personal data to be erased"),
        help_text=gettext_lazy("This cannot be undone."),
    )


@require_http_methods(["GET", "HEAD", "POST"])
@staff_required
def erase_relative(request: HttpRequest, pk: int) -> HttpResponse:
    if not erasure.may_erase(request.user):
        raise Http404
    relatives = records_for_staff(request.user, Relative).filter(erased_at__isnull=True)
    relative = relatives.filter(pk=pk).first()
    if relative is None:
        raise Http404
    form = ErasureForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        erasure.erase_relative(relative=relative, user=request.user)
        messages.success(
            request,
            _("The relative's personal data was erased. Their entries stay, by “a relative”."),
        )
        return redirect("staff:home")
    context = {
        "relative": relative,
        "form": form,
        "entries": relative.entries.count(),
        "cases": sorted({case.title for case in relative.cases.all()}),
    }
    return render(request, "staff/erase_relative.html", context, status=422 if form.errors else 200)
