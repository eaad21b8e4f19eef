from crispy_forms.bootstrap import InlineRadios
from crispy_forms.helper import FormHelper
from crispy_forms.layout import Layout, Submit
from django import forms

from .models import Recommendation, Scorecard


class FinishScorecardForm(forms.ModelForm):
    recommendation = forms.TypedChoiceField(
        choices=Recommendation.choices,
        coerce=int,
        widget=forms.RadioSelect,
        label="Overall recommendation",
        error_messages={"required": "Choose a recommendation: there is no neutral option."},
    )

    class Meta:
        model = Scorecard
        fields = ["recommendation", "summary"]
        widgets = {"summary": forms.Textarea(attrs={"rows": 5})}
        help_texts = {"summary": "What decided it: strengths, concerns, anything to follow up."}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.layout = Layout(
            InlineRadios("recommendation"),
            "summary",
        )
        self.helper.add_input(Submit("submit", "Submit scorecard", css_class="btn-lg"))
