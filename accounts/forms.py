from allauth.core import context
from allauth.mfa.adapter import get_adapter as get_mfa_adapter
from allauth.mfa.base.forms import AuthenticateForm, ReauthenticateForm
from allauth.mfa.models import Authenticator
from allauth.mfa.webauthn.forms import AddWebAuthnForm, AuthenticateWebAuthnForm
from axes.handlers.proxy import AxesProxyHandler
from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.contrib.auth import password_validation
from django.contrib.auth.forms import PasswordResetForm, UsernameField
from django.contrib.auth.models import User
from django.contrib.auth.signals import user_login_failed
from django.core.exceptions import ValidationError

from config import limits
from config.forms import bounded_text_field

from . import services


class InvitationForm(forms.Form):
    email = forms.EmailField(max_length=254)
    role = forms.ChoiceField()

    def __init__(self, *args, roles, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = [(role, role) for role in roles]
        bounded_text_field(self.fields["email"])
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", "Send invitation"))


class AcceptInvitationForm(forms.Form):
    username = UsernameField(max_length=150, help_text="Letters, digits and @ . + - _ only.")
    password1 = forms.CharField(
        label="Password",
        strip=False,
        max_length=limits.PASSWORD,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=password_validation.password_validators_help_text_html(),
    )
    password2 = forms.CharField(
        label="The same password again",
        strip=False,
        max_length=limits.PASSWORD,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args, invitation, **kwargs):
        super().__init__(*args, **kwargs)
        self.invitation = invitation
        for name in ("username", "password1", "password2"):
            bounded_text_field(self.fields[name])
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", "Create my account", css_class="w-100"))

    def clean_username(self):
        username = self.cleaned_data["username"]
        User.username_validator(username)
        if User.objects.filter(username__iexact=username).exists():
            raise ValidationError("That username is taken: choose another.")
        return username

    def clean(self):
        cleaned = super().clean()
        first, second = cleaned.get("password1"), cleaned.get("password2")
        if first and second and first != second:
            self.add_error("password2", "The two passwords differ.")
        elif first:
            user = User(username=cleaned.get("username", ""), email=self.invitation.email)
            try:
                password_validation.validate_password(first, user)
            except ValidationError as error:
                self.add_error("password1", error)
        return cleaned


class OutboxPasswordResetForm(PasswordResetForm):
    """Django's password reset, its email sent through the notifications outbox."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        bounded_text_field(self.fields["email"])
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", "Email me a link", css_class="w-100"))

    def send_mail(self, subject_template_name, email_template_name, context, *args, **kwargs):
        link = services.password_reset_link(uid=context["uid"], token=context["token"])
        services.queue_password_reset(user=context["user"], link=link)


# Two-factor ---------------------------------------------------------------------------------


def throttled(user, request):
    """django-axes' credentials for `user`, once it has checked that they are not locked out:
    a second-factor code counts as a password does (AXES_LOCKOUT_PARAMETERS)."""
    credentials = {"username": user.get_username()}
    if not AxesProxyHandler.is_allowed(request, credentials):
        request.axes_locked_out = True  # AxesMiddleware answers with the lockout page
        raise ValidationError("Too many failed attempts. Try again later.")
    return credentials


def count_failure(credentials, request):
    user_login_failed.send(sender=__name__, credentials=credentials, request=request)


class ThrottledCodeMixin:
    """A code from the authenticator app, or an unused recovery code (kept hashed, see
    services.make_recovery_codes), throttled by django-axes like a password."""

    def clean_code(self):
        request = context.request
        credentials = throttled(self.user, request)
        code = self.cleaned_data["code"].strip()
        totp = Authenticator.objects.filter(user=self.user, type=Authenticator.Type.TOTP).first()
        if totp is not None and len(code) <= 10 and totp.wrap().validate_code(code):
            self.authenticator = totp
        else:
            self.authenticator = services.use_recovery_code(user=self.user, code=code)
        if self.authenticator is None:
            count_failure(credentials, request)
            raise get_mfa_adapter().validation_error("incorrect_code")
        self.authenticator.user = self.user
        return code


class ThrottledAuthenticateForm(ThrottledCodeMixin, AuthenticateForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["code"].label = "Code from your app, or a recovery code"
        self.fields["code"].max_length = 40
        self.fields["code"].widget.attrs.update(placeholder="", inputmode="text", autofocus=True)


class ThrottledReauthenticateForm(ThrottledCodeMixin, ReauthenticateForm):
    pass


class ThrottledWebAuthnForm(AuthenticateWebAuthnForm):
    """A passkey, checked against the same lockout (a locked-out person cannot use one)."""

    def clean_credential(self):
        credentials = throttled(self.user, context.request)
        try:
            return super().clean_credential()
        except ValidationError:
            count_failure(credentials, context.request)
            raise


class AddPasskeyForm(AddWebAuthnForm):
    """allauth 65.21 checks the browser's answer only when it is truthy: a posted `0` or
    `false` would be stored as a passkey that proves nothing (and would count as enrolled).
    An answer that is not an object is refused before allauth sees it."""

    def clean_credential(self):
        credential = self.cleaned_data["credential"]
        if not isinstance(credential, dict) or not credential:
            raise get_mfa_adapter().validation_error("incorrect_code")
        return credential
