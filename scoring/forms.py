from urllib.parse import urlencode

from crispy_forms.bootstrap import InlineRadios
from crispy_forms.helper import FormHelper
from crispy_forms.layout import Layout, Submit
from django import forms
from django.core.exceptions import ValidationError
from django.forms.renderers import Jinja2 as Jinja2Renderer

from config import limits
from config.forms import ascii_integer, bounded_text_field
from questions.models import QuestionSet

from . import calibration_sums, figures
from .models import Decision, Mark, Recommendation, Score, Scorecard


class FinishScorecardForm(forms.ModelForm):
    recommendation = forms.TypedChoiceField(
        choices=Recommendation.choices,
        coerce=int,
        widget=forms.RadioSelect,
        label="Overall recommendation",
        error_messages={"required": "Choose a recommendation: there is no neutral option."},
    )

    summary = bounded_text_field(
        forms.CharField(
            required=False,
            widget=forms.Textarea(attrs={"rows": 5, "dir": "auto"}),
            help_text="What decided it: strengths, concerns, anything to follow up.",
        ),
        limit=limits.SUMMARY,
    )

    class Meta:
        model = Scorecard
        fields = ["recommendation", "summary"]

    # The template lays it out: the recommendation as four large buttons, for touch.


class AmendScorecardForm(forms.Form):
    """Change a submitted scorecard; every field starts at its current value."""

    reason = bounded_text_field(
        forms.CharField(
            widget=forms.Textarea(attrs={"rows": 2, "dir": "auto"}),
            help_text="Kept with the change, for the hiring managers.",
            error_messages={"required": "Say why the scorecard changes."},
        ),
        limit=limits.SUMMARY,
    )
    recommendation = forms.TypedChoiceField(
        choices=Recommendation.choices, coerce=int, widget=forms.RadioSelect
    )
    summary = bounded_text_field(
        forms.CharField(widget=forms.Textarea(attrs={"rows": 4, "dir": "auto"}), required=False),
        limit=limits.SUMMARY,
    )

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
            self.fields[f"notes_{question.pk}"] = bounded_text_field(
                forms.CharField(
                    label="Notes",
                    widget=forms.Textarea(attrs={"rows": 2, "dir": "auto"}),
                    required=False,
                    initial=rating.notes if rating else "",
                ),
                limit=limits.NOTES,
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


def ascii_number(value: str, *, what: str) -> int:
    number = ascii_integer(value, signed=False, max_digits=15)
    if number is None:
        raise ValidationError(f"{what} must be a number, not {value!r}.")
    return number


class AnswerChangeForm(forms.Form):
    """One change to an answer from the live page, whole: any of `score` ('' clears),
    `skipped` ('0' or '1'; the plain form sends a hidden '0' before the checkbox, so the last
    value counts), `notes`, and `mark-<point id>` ('' clears); `version` is when the change was
    made (see Rating). Only the fields sent are changed; `changes()` has them for
    services.save_answer."""

    notes = bounded_text_field(forms.CharField(required=False, strip=False), limit=limits.NOTES)

    def clean(self):
        data, changes, self.problems = self.data, {}, []
        if data.get("version", "") != "":
            changes["version"] = self._number("version", data["version"], "A version")
        if "score" in data:
            changes["score"] = self._choice("score", data["score"], Score.values, "A rating")
        if "skipped" in data:
            value = data.getlist("skipped")[-1]
            if value not in ("0", "1"):
                self.problems.append(("skipped", f"Skipped is 0 or 1, not {value!r}."))
            changes["skipped"] = value == "1"
        if changes.get("skipped") and changes.get("score") is not None:
            self.problems.append(
                ("skipped", "A skipped question has no rating: send one or the other.")
            )
        if "notes" in data and "notes" in self.cleaned_data:
            changes["notes"] = self.cleaned_data["notes"]
        marks = {}
        for key in data:
            if key.startswith("mark-"):
                point = self._number(key, key.removeprefix("mark-"), "A point's id")
                marks[point] = self._choice(key, data[key], Mark.values, "A mark")
        if marks:
            changes["marks"] = marks
        for _, message in self.problems:
            self.add_error(None, message)
        self.changes = changes
        return self.cleaned_data

    def _number(self, key, value, what):
        try:
            return ascii_number(value, what=what)
        except ValidationError as error:
            self.problems.append((key, error.messages[0]))

    def _choice(self, key, value, allowed, what):
        """'' clears, otherwise one of `allowed`."""
        if value == "":
            return None
        number = self._number(key, value, what)
        if number is not None and number not in allowed:
            self.problems.append((key, f"{what} must be one of {', '.join(map(str, allowed))}."))
        return number

    def first_error(self) -> tuple[str, str]:
        """(field, message) of the first thing wrong, for the page to say which change was
        refused and why."""
        if "notes" in self.errors:
            return "notes", "Notes: " + " ".join(self.errors["notes"])
        return self.problems[0]


class CalibrationFilters(forms.Form):
    set = forms.ChoiceField(required=False, label="Question set")
    start = forms.DateField(
        required=False, label="Interviews from", widget=forms.DateInput(attrs={"type": "date"})
    )
    end = forms.DateField(
        required=False, label="to", widget=forms.DateInput(attrs={"type": "date"})
    )
    stage = forms.ChoiceField(required=False, label="Stage")

    def __init__(self, data, *args, **kwargs):
        # The query string calls the dates from and to, which are not Python names.
        data = data.copy()
        for name, field in (("from", "start"), ("to", "end")):
            if name in data:
                data[field] = data[name]
        super().__init__(data, *args, **kwargs)
        # The sets, read once: the choices, the chosen one and the figures revisions
        # (scoring/figures.py) all come from this list.
        self.question_sets = {
            question_set.slug: question_set for question_set in QuestionSet.objects.all()
        }
        self.fields["set"].choices = [("", "Any question set")] + [
            (slug, question_set.title) for slug, question_set in self.question_sets.items()
        ]
        stages = figures.cached("stages", self.revisions(None), None, calibration_sums.stages)
        self.fields["stage"].choices = [("", "Any stage")] + [(s, s) for s in stages]
        for name, field in self.fields.items():
            field.widget.attrs["class"] = (
                "form-select" if name in ("set", "stage") else "form-control"
            )

    def clean_set(self):
        return self.question_sets.get(self.cleaned_data["set"])

    def revisions(self, question_set) -> list[tuple[int, int]]:
        """The figures revisions of `question_set`, or of every set when it is None."""
        chosen = [question_set] if question_set else self.question_sets.values()
        return [(item.pk, item.figures_revision) for item in chosen]

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end and start > end:
            raise forms.ValidationError("The first date must not be after the second.")
        return cleaned

    def filters(self):
        data = self.cleaned_data
        return {
            "question_set": data["set"],
            "date_from": data["start"],
            "date_to": data["end"],
            "stage": data["stage"],
        }

    def query(self):
        """The valid filters as a query string, for the CSV links."""
        data = self.cleaned_data
        values = {
            "set": data["set"].slug if data["set"] else "",
            "from": data["start"] or "",
            "to": data["end"] or "",
            "stage": data["stage"],
        }
        return urlencode({name: value for name, value in values.items() if value})


# The debrief's forms render their widgets with Django's own Jinja2 templates for widgets
# (the same HTML): Django's engine took a third of the page's time on seven widgets. One
# instance, so its environment is built once.
QUICK_WIDGETS = Jinja2Renderer()


class DecisionForm(forms.Form):
    """A hiring manager's decision on a candidate. `replaces` carries the decision standing
    when the page was read, so that one recorded meanwhile is not silently replaced. The
    debrief template lays it out (a page that must stay quick: no crispy layout)."""

    default_renderer = QUICK_WIDGETS

    outcome = forms.ChoiceField(
        choices=Decision.Outcome.choices,
        widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
        error_messages={"required": "Choose hire, no hire or hold."},
    )
    rationale = bounded_text_field(
        forms.CharField(
            widget=forms.Textarea(attrs={"rows": 4, "dir": "auto", "class": "form-control"}),
            help_text="Why: kept with the decision and shown in its history.",
            error_messages={"required": "Write why: the rationale is kept with the decision."},
        ),
        limit=limits.RATIONALE,
    )
    level = bounded_text_field(
        forms.CharField(
            required=False,
            label="Level offered (optional)",
            widget=forms.TextInput(attrs={"class": "form-control"}),
        ),
        limit=limits.LEVEL,
    )
    early_reason = bounded_text_field(
        forms.CharField(
            required=False,
            label="Why decide before the loop is ready",
            widget=forms.Textarea(attrs={"rows": 2, "dir": "auto", "class": "form-control"}),
            help_text="Required until every scorecard of the loop is in; shown with the decision.",
        ),
        limit=limits.RATIONALE,
    )
    replaces = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, ready, standing, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["replaces"].initial = standing.pk if standing else ""
        if ready:
            del self.fields["early_reason"]

    def clean_replaces(self) -> int | None:
        """The id of the decision the manager read as standing, None if none was."""
        value = self.cleaned_data["replaces"]
        if not value:
            return None
        read = ascii_integer(value, signed=False, max_digits=18)
        if read is None:
            raise ValidationError("Reload the page and decide again.")
        return read


class ReopenDecisionForm(forms.Form):
    default_renderer = QUICK_WIDGETS

    reason = bounded_text_field(
        forms.CharField(
            widget=forms.Textarea(attrs={"rows": 2, "dir": "auto", "class": "form-control"}),
            help_text="Reopening lets the panel amend their scorecards again.",
            error_messages={"required": "Say why the decision is reopened."},
        ),
        limit=limits.RATIONALE,
    )
