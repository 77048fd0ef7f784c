import re

from django.contrib.auth import get_user_model
from django.contrib.auth.forms import SetPasswordMixin, UserCreationForm
from django.utils.translation import gettext_lazy as _

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
