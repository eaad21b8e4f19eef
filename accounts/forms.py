from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.contrib.auth import password_validation
from django.contrib.auth.forms import PasswordResetForm, UsernameField
from django.contrib.auth.models import User
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
