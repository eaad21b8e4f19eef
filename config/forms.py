import re

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.conf import settings
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator

from . import limits

SIGNED = re.compile(r"[+-]?[0-9]+")
UNSIGNED = re.compile(r"[0-9]+")


def ascii_integer(text: str, *, signed: bool = True, max_digits: int | None = None) -> int | None:
    """The integer `text` writes in ASCII digits (with a sign if `signed`, with at most
    `max_digits` digits if given), or None if it writes none. The one rule for numbers typed
    or sent: int() also reads full-width and other scripts' digits ("３"), which no one types
    into a number box or sends on purpose."""
    if not (SIGNED if signed else UNSIGNED).fullmatch(text):
        return None
    if max_digits is not None and len(text.lstrip("+-")) > max_digits:
        return None
    try:
        return int(text)
    except ValueError:  # over Python's 4,300 digits
        return None


class BoundedLoginMixin:
    """A username and password of bounded length without control characters, checked before
    authenticating: django-axes records every attempted username in a 255-character column,
    and PostgreSQL refuses NUL."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, limit in (("username", limits.USERNAME), ("password", limits.PASSWORD)):
            field = self.fields[name]
            field.max_length = limit
            field.widget.attrs["maxlength"] = str(limit)
            message = f"A {name} is at most {limit:,} characters."
            field.validators = [
                *field.validators,
                MaxLengthValidator(limit, message=message),
                limits.refuse_control_characters,
            ]


class LoginForm(BoundedLoginMixin, AuthenticationForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", "Log in", css_class="w-100"))

    def clean(self):
        # Refused before authenticating: with passwords off, no guess is even tried.
        if not settings.PASSWORD_LOGIN:
            raise ValidationError(
                "Signing in with a password is turned off: use your company's sign-in.",
                code="password_login_off",
            )
        return super().clean()


class AdminLoginForm(BoundedLoginMixin, AdminAuthenticationForm):
    def confirm_login_allowed(self, user):
        super().confirm_login_allowed(user)
        # With passwords off, the admin's login still lets the break-glass superuser in.
        if not settings.PASSWORD_LOGIN and not user.is_superuser:
            raise ValidationError(
                "Signing in with a password is turned off, except for the break-glass superuser.",
                code="password_login_off",
            )


class AsciiIntegerField(forms.IntegerField):
    """An integer written in ASCII digits: Python's int() also reads full-width and other
    scripts' digits, which no one types into a number box on purpose."""

    def to_python(self, value):
        if value not in self.empty_values and ascii_integer(str(value).strip()) is None:
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        return super().to_python(value)


def bounded_text_field(field, *, limit: int | None = None):
    """`field` (a form CharField) refusing control characters and, if given, over `limit`
    characters, with a message that states the limit."""
    if limit is not None and (field.max_length is None or field.max_length > limit):
        field.max_length = limit
        field.widget.attrs["maxlength"] = str(limit)
        field.validators.append(
            MaxLengthValidator(
                limit, message=f"This is at most {limit:,} characters (it has %(show_value)s)."
            )
        )
    field.validators.append(limits.refuse_control_characters)
    return field
