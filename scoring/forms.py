from crispy_forms.bootstrap import InlineRadios
from crispy_forms.helper import FormHelper
from crispy_forms.layout import Layout, Submit
from django import forms

from .models import Recommendation, Score, Scorecard


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


class AmendScorecardForm(forms.Form):
    """Change a submitted scorecard; every field starts at its current value."""

    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Kept with the change, for the hiring managers.",
        error_messages={"required": "Say why the scorecard changes."},
    )
    recommendation = forms.TypedChoiceField(
        choices=Recommendation.choices, coerce=int, widget=forms.RadioSelect
    )
    summary = forms.CharField(widget=forms.Textarea(attrs={"rows": 4}), required=False)

    def __init__(self, *args, scorecard, questions, ratings, **kwargs):
        super().__init__(*args, **kwargs)
        self.questions = questions
        self.fields["recommendation"].initial = scorecard.recommendation
        self.fields["summary"].initial = scorecard.summary
        layout = [InlineRadios("recommendation"), "summary"]
        for question in questions:
            rating = ratings.get(question.pk)
            number = (
                f"{question.position}.{question.follow_up_number}"
                if question.is_follow_up
                else question.position
            )
            self.fields[f"score_{question.pk}"] = forms.TypedChoiceField(
                label=f"{number}. {question.prompt}",
                choices=[("", "Not rated"), *Score.choices],
                coerce=int,
                empty_value=None,
                required=False,
                initial=rating.score if rating else None,
            )
            self.fields[f"notes_{question.pk}"] = forms.CharField(
                label="Notes",
                widget=forms.Textarea(attrs={"rows": 2}),
                required=False,
                initial=rating.notes if rating else "",
            )
            layout += [f"score_{question.pk}", f"notes_{question.pk}"]
        self.helper = FormHelper()
        self.helper.layout = Layout(*layout, "reason")
        self.helper.add_input(Submit("submit", "Amend scorecard"))

    def answers(self):
        return {
            question.pk: (
                self.cleaned_data[f"score_{question.pk}"],
                self.cleaned_data[f"notes_{question.pk}"],
            )
            for question in self.questions
        }
