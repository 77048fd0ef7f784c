"""Two-factor sign-in: the code after the password, setting up an authenticator app, and turning
it on or off in the relatives' workspace. Who must give a code is decided in
campaigns/two_factor.py."""

from base64 import b32encode

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render, resolve_url
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from campaigns import two_factor
from campaigns.forms import AppCodeForm, TwoFactorCodeForm, TwoFactorSetupForm


def next_url(request: HttpRequest) -> str:
    """Where to go once the code is given: `next` if it is a page of this site. (An address:
    redirect() would take a word such as "home" for a URL name, and fail.)"""
    url = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return url
    return resolve_url(settings.LOGIN_REDIRECT_URL)


def back_to_login(request: HttpRequest) -> HttpResponse:
    """Nobody is on their way through the second step (or they took too long)."""
    messages.info(request, _("Please log in again."))
    return redirect_to_login(next_url(request), reverse("campaigns:login"))


# The pages hold or show a secret, or answer a code: no cache may keep them.
@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def verify(request: HttpRequest) -> HttpResponse:
    user = two_factor.held_user(request)
    if user is None:
        return back_to_login(request)
    goal = next_url(request)
    if not two_factor.is_on(user):
        # No app yet: staff set one up now; for anyone else there is nothing to give.
        if two_factor.is_required(user):
            return HttpResponseRedirect(two_factor.step_url(user, goal))
        return HttpResponseRedirect(goal)
    if two_factor.is_verified(request.user):
        return HttpResponseRedirect(goal)
    form = TwoFactorCodeForm(request.POST if request.method == "POST" else None, user=user)
    if form.is_valid():
        two_factor.finish_login(request, user, form.device)
        return HttpResponseRedirect(goal)
    return render(request, "campaigns/two_factor_verify.html", {"form": form, "next": goal})


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def set_up(request: HttpRequest) -> HttpResponse:
    user = two_factor.held_user(request)
    if user is None:
        return back_to_login(request)
    goal = next_url(request)
    if two_factor.is_on(user):
        # One app at a time. A new phone: a relative turns it off and on again; staff ask a
        # superuser to delete the old app in the admin.
        if two_factor.is_verified(request.user):
            return HttpResponseRedirect(goal)
        return HttpResponseRedirect(two_factor.step_url(user, goal))
    key = two_factor.setup_key(request, user)
    form = TwoFactorSetupForm(request.POST if request.method == "POST" else None, key=key)
    if form.is_valid():
        device, codes = two_factor.add_authenticator(user, key=key, accepted=form.accepted)
        two_factor.finish_login(request, user, device)
        two_factor.end_other_sessions(request, user)
        # Shown once, here: no page shows them again.
        return render(
            request, "campaigns/two_factor_backup_codes.html", {"codes": codes, "next": goal}
        )
    device = two_factor.new_authenticator(user, key)
    secret = b32encode(device.bin_key).decode()
    context = {
        "form": form,
        "next": goal,
        "required": two_factor.is_required(user),
        "secret": " ".join(secret[i : i + 4] for i in range(0, len(secret), 4)),
        "uri": device.config_url,
        # Drawn here as SVG: the secret never leaves for a QR code service.
        "qr_code": mark_safe(  # noqa: S308 (segno's markup of our own link, no user text)
            segno.make(device.config_url, error="m").svg_inline(
                omitsize=True, dark="#000", light="#fff", svgclass="qr-code", title=_("QR code")
            )
        ),
    }
    return render(request, "campaigns/two_factor_setup.html", context)


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def settings_page(request: HttpRequest) -> HttpResponse:
    """A relative turns two-step login on (through the set-up page) or off (with a code); anyone
    who has it makes new backup codes (with a code from the app)."""
    user = request.user
    is_on = two_factor.is_on(user)
    required = two_factor.is_required(user)
    may_turn_off = is_on and not required
    here = reverse("campaigns:two-factor-settings")
    posted = request.POST if request.method == "POST" else None
    making_codes = posted is not None and "codes-code" in posted
    form = TwoFactorCodeForm(None if making_codes else posted, user=user)
    codes_form = AppCodeForm(posted if making_codes else None, user=user, prefix="codes")
    if making_codes and is_on and codes_form.is_valid():
        # Shown once, here, like the first ones.
        context = {"codes": two_factor.new_backup_codes(user), "next": here, "renewed": True}
        return render(request, "campaigns/two_factor_backup_codes.html", context)
    if posted is not None and not making_codes and may_turn_off and form.is_valid():
        two_factor.turn_off(user)
        messages.success(request, _("Two-step login is off. Your password is enough to log in."))
        return redirect("campaigns:two-factor-settings")
    context = {
        "is_on": is_on,
        "required": required,
        "form": form if may_turn_off else None,
        "codes_form": codes_form,
        "backup_codes_left": two_factor.backup_codes_left(user) if is_on else 0,
        "setup_url": f"{reverse('campaigns:two-factor-setup')}?next={here}",
    }
    return render(request, "campaigns/two_factor_settings.html", context)
