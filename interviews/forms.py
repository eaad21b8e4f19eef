from crispy_forms.bootstrap import FieldWithButtons, StrictButton
from crispy_forms.helper import FormHelper
from crispy_forms.layout import HTML, Column, Fieldset, Layout, Row, Submit
from django import forms
from django.core.exceptions import ValidationError
from django.urls import reverse

from config import limits
from config.forms import AsciiIntegerField, bounded_text_field
from questions.models import Question, QuestionSet

from . import services
from .models import Candidate


class CandidateForm(forms.ModelForm):
    class Meta:
        model = Candidate
        fields = ["name", "email", "role_applied_for", "notes"]
        widgets = {"notes": forms.Textarea(attrs={"rows": 4})}
        help_texts = {"notes": "Visible to hiring managers only."}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].required = True
        for name in ("name", "email", "role_applied_for"):
            bounded_text_field(self.fields[name])  # their columns bound their length
        bounded_text_field(self.fields["notes"], limit=limits.CANDIDATE_NOTES)
        self.helper = FormHelper()
        self.helper.layout = Layout(
            "name",
            "email",
            "role_applied_for",
            "notes",
        )
        self.helper.add_input(Submit("submit", "Save candidate"))

    def clean_email(self):
        email = self.cleaned_data["email"]
        others = Candidate.objects.filter(email__iexact=email).exclude(pk=self.instance.pk)
        if others.exists():
            raise ValidationError(
                "Another candidate has this email address: find them in the list instead."
            )
        return email


class InterviewerField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return obj.get_full_name() or obj.username


def anonymised_field():
    return forms.BooleanField(
        label="Anonymised",
        required=False,
        help_text="The panel sees a code, never the candidate's name, email, role or notes. "
        "Always on for a question set marked anonymised.",
    )


class ScheduleInterviewForm(forms.Form):
    """Who, when, and what to ask: the chosen set's active questions each come with a
    checkbox and an order number, so the plan can skip and reorder questions."""

    candidate = forms.ModelChoiceField(
        queryset=Candidate.objects.all(), empty_label="Choose a candidate"
    )
    stage = forms.CharField(max_length=200, initial="Technical interview")
    scheduled_at = forms.DateTimeField(
        label="Date and time",
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    interviewers = InterviewerField(queryset=None, widget=forms.CheckboxSelectMultiple)
    question_set = forms.ModelChoiceField(
        queryset=QuestionSet.objects.all(), empty_label="Choose a question set"
    )
    # Any question is accepted here: schedule_interview() refuses those not active in the set,
    # and says which.
    questions = forms.ModelMultipleChoiceField(queryset=Question.objects.all(), required=False)
    anonymised = anonymised_field()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["interviewers"].queryset = services.interviewer_pool()
        bounded_text_field(self.fields["stage"])
        self.chosen_set = self.chosen_question_set()
        self.set_questions = (
            list(
                self.chosen_set.questions.filter(is_active=True)
                .select_related("topic")
                .order_by("position")
            )
            if self.chosen_set
            else []
        )
        for question in self.set_questions:
            self.fields[self.order_name(question)] = AsciiIntegerField(
                label=f"Order of question {question.position}",
                min_value=1,
                max_value=999,
                required=False,
                initial=question.position,
                widget=forms.NumberInput(attrs={"class": "form-control form-control-sm"}),
            )

        schedule_url = reverse("schedule_interview")
        self.fields["question_set"].widget.attrs.update(
            {
                "hx-get": schedule_url,
                "hx-trigger": "change",
                "hx-target": "#question-choice",
                "hx-swap": "outerHTML",
            }
        )
        self.helper = FormHelper()
        self.helper.form_action = schedule_url
        self.helper.layout = Layout(
            Fieldset(
                "Candidate and time",
                Row(
                    Column("candidate", css_class="col-md-6"),
                    Column("stage", css_class="col-md-6"),
                ),
                Row(Column("scheduled_at", css_class="col-md-6")),
            ),
            Fieldset("Panel", "interviewers", "anonymised"),
            Fieldset(
                "Questions",
                FieldWithButtons(
                    "question_set",
                    StrictButton(
                        "Show questions",
                        type="submit",
                        name="show_questions",
                        value="1",
                        css_class="btn-outline-secondary",
                    ),
                ),
                HTML('{% include "interviews/schedule_interview.html#question-choice" %}'),
            ),
        )
        self.helper.add_input(Submit("schedule", "Schedule interview"))

    def chosen_question_set(self):
        """The set from the submitted data or the initial values; None if there is none or
        it is not a set."""
        value = (
            self.data.get("question_set") if self.is_bound else self.initial.get("question_set")
        )
        try:
            return self.fields["question_set"].clean(value) if value else None
        except ValidationError:
            return None

    @staticmethod
    def order_name(question):
        return f"order_{question.pk}"

    def question_rows(self):
        """Each active question of the set with whether it is chosen and its order field:
        all chosen, in set order, until the form says otherwise."""
        chosen = {str(pk) for pk in self.data.getlist("questions")} if self.is_bound else None
        for question in self.set_questions:
            yield {
                "question": question,
                "checked": chosen is None or str(question.pk) in chosen,
                "order": self[self.order_name(question)],
            }

    def clean(self):
        cleaned_data = super().clean()
        if cleaned_data.get("questions") is not None:
            # In the order given, ties (and blanks) broken by the set's order.
            cleaned_data["questions"] = sorted(
                cleaned_data["questions"],
                key=lambda q: (cleaned_data.get(self.order_name(q)) or q.position, q.position),
            )
        return cleaned_data


class RescheduleInterviewForm(forms.Form):
    """A new time or panel for an interview that has not started."""

    scheduled_at = forms.DateTimeField(
        label="Date and time",
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    interviewers = InterviewerField(queryset=None, widget=forms.CheckboxSelectMultiple)
    anonymised = anonymised_field()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["interviewers"].queryset = services.interviewer_pool()
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", "Save and notify the panel"))
