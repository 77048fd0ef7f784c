import re

from django import forms
from django.contrib.auth import forms as auth_forms
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import SetPasswordMixin, UserCreationForm
from django.contrib.auth.models import AbstractBaseUser
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from campaigns import languages, two_factor
from campaigns.models import Relative

# Accounts


def suggested_username(relative: Relative) -> str:
    """Their e-mail address, which they will remember, unless someone already uses it as a
    username; then their name, which they may change."""
    if relative.email and not (
        get_user_model().objects.filter(username__iexact=relative.email).exists()
    ):
        return relative.email
    # Only what Django's username validator accepts; it accepts Cyrillic letters.
    return re.sub(r"[^\w.@+-]", "", ".".join(relative.full_name.lower().split()))[:150]


class AcceptInvitationForm(UserCreationForm):
    """The account an invitation offers: a username and a password, typed twice."""

    password1, password2 = SetPasswordMixin.create_password_fields(
        label1=_("Password"), label2=_("The same password again")
    )

    def __init__(self, data=None, *args, relative: Relative, **kwargs) -> None:
        if data is None:
            kwargs.setdefault("initial", {"username": suggested_username(relative)})
        super().__init__(data, *args, **kwargs)
        # The password validators compare the password with these, so that it is not their name.
        self.instance.email = relative.email
        self.instance.first_name = relative.given_name[:150]
        self.instance.last_name = relative.family_name[:150]
        username = self.fields["username"]
        username.help_text = _("You will log in with it. Letters, digits and @ . + - _ only.")
        # A phone keyboard must not capitalise or "correct" what they type; and it should not
        # open over the line that says which case they are invited to.
        username.widget.attrs.update({"autocapitalize": "none", "spellcheck": "false"})
        username.widget.attrs.pop("autofocus", None)


class PasswordResetForm(auth_forms.PasswordResetForm):
    """Django's: the same answer whether or not the address belongs to an account; the e-mail
    is written (and its link made) in the language saved on the account."""

    def send_mail(self, subject_template_name, email_template_name, context, *args, **kwargs):
        language = languages.account_language(context["user"]) or translation.get_language()
        with translation.override(language):
            super().send_mail(subject_template_name, email_template_name, context, *args, **kwargs)


def code_field(help_text: str, label: str = _("Code")) -> forms.CharField:
    return forms.CharField(
        label=label,
        help_text=help_text,
        max_length=32,
        widget=forms.TextInput(
            # Phones offer the code from a text message or the app; nothing to capitalise.
            attrs={"autocomplete": "one-time-code", "autocapitalize": "none", "spellcheck": "false"}
        ),
    )


class TwoFactorCodeForm(forms.Form):
    """The second step of a login, and the check before two-factor sign-in is turned off."""

    code = code_field(
        _("The 6 digits your authenticator app shows now, or one of your backup codes.")
    )

    def __init__(self, *args, user: AbstractBaseUser, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        self.device = None

    def clean_code(self) -> str:
        code = self.cleaned_data["code"]
        try:
            self.device = two_factor.verify_code(self.user, code)
        except two_factor.TooManyTries as wait:
            raise forms.ValidationError(
                ngettext(
                    "Too many wrong codes. Wait %(seconds)d second, then try again.",
                    "Too many wrong codes. Wait %(seconds)d seconds, then try again.",
                    wait.seconds,
                ),
                code="throttled",
                params={"seconds": wait.seconds},
            ) from None
        if self.device is None:
            raise forms.ValidationError(
                _(
                    "This code is not right. Type the 6 digits your app shows now (they change "
                    "every 30 seconds), or one of your backup codes."
                ),
                code="wrong",
            )
        return code


class AppCodeForm(TwoFactorCodeForm):
    """A code from the app itself, to make new backup codes: a backup code may not make more."""

    # Its own label: the same page may also ask for a code to turn two-step login off.
    code = code_field(
        _("The 6 digits your authenticator app shows now."), label=_("Code from the app")
    )

    def clean_code(self) -> str:
        if not two_factor.six_digits("".join(self.cleaned_data["code"].split())):
            raise forms.ValidationError(
                _("Type the 6 digits your app shows now: a backup code cannot make new ones."),
                code="not_the_app",
            )
        return super().clean_code()


class TwoFactorSetupForm(forms.Form):
    """The first code of a new authenticator app: proof that it was set up with this secret."""

    code = code_field(_("The 6 digits the app shows now for this site."))

    def __init__(self, *args, key: str, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.key = key
        self.accepted = None

    def clean_code(self) -> str:
        code = self.cleaned_data["code"]
        self.accepted = two_factor.check_new_authenticator(self.key, code)
        if self.accepted is None:
            raise forms.ValidationError(
                _(
                    "This code is not right. Check that the app shows this site, then type "
                    "the 6 digits it shows now."
                ),
                code="wrong",
            )
        return code
