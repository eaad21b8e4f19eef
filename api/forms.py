from datetime import timedelta

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.utils import timezone

from config.forms import bounded_text_field

from .models import ApiToken

EXPIRY_CHOICES = [("30", "In 30 days"), ("90", "In 90 days"), ("365", "In a year"), ("", "Never")]


class ApiTokenForm(forms.ModelForm):
    can_write = forms.BooleanField(
        required=False,
        label="Allow writes",
        help_text="Without it the token only reads: a dashboard or a spreadsheet needs no more.",
    )
    expires_in = forms.TypedChoiceField(
        choices=EXPIRY_CHOICES, coerce=int, empty_value=None, required=False, label="Expires"
    )

    class Meta:
        model = ApiToken
        fields = ["name", "can_write"]
        help_texts = {"name": "What uses it, for example “ATS sync”."}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        bounded_text_field(self.fields["name"])
        self.fields["expires_in"].initial = "90"
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", "Create token"))

    def expires_at(self):
        days = self.cleaned_data["expires_in"]
        return timezone.now() + timedelta(days=days) if days else None
