"""Calibration (hiring managers) and question analytics (curators and hiring managers).
The figures come from scoring/calibration.py; interviewers see neither page."""

import csv
from urllib.parse import urlencode

from django import forms
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse

from interviews.models import Interview
from questions.models import QuestionSet

from .. import calibration
from ..models import Recommendation, Score
from .results import MANAGER_PERMISSION, manager_only

CURATOR_PERMISSION = "questions.change_question"
# Bar colours as SVG fill attributes (the CSP allows no inline styles), as the score bands.
SCORE_COLOURS = ["#dc3545", "#ffc107", "#75b798", "#198754"]
RECOMMENDATION_COLOURS = ["#dc3545", "#f1aeb5", "#a3cfbb", "#198754"]


class CalibrationFilters(forms.Form):
    set = forms.ModelChoiceField(
        queryset=QuestionSet.objects.all(),
        to_field_name="slug",
        required=False,
        empty_label="Any question set",
        label="Question set",
    )
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
        stages = Interview.objects.order_by("stage").values_list("stage", flat=True).distinct()
        self.fields["stage"].choices = [("", "Any stage")] + [(s, s) for s in stages]
        for name, field in self.fields.items():
            field.widget.attrs["class"] = (
                "form-select" if name in ("set", "stage") else "form-control"
            )

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end and start > end:
            raise forms.ValidationError("The first date must not be after the second.")
        return cleaned

    def scorecards(self):
        data = self.cleaned_data
        return calibration.counted_scorecards(
            question_set=data["set"],
            date_from=data["start"],
            date_to=data["end"],
            stage=data["stage"],
        )

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


def bar(shares, labels, colours):
    """Segments of a 100-wide horizontal bar: (x, width, colour, title)."""
    segments, x = [], 0.0
    for share, label, colour in zip(shares, labels, colours, strict=True):
        if share:
            segments.append((round(x, 2), round(share * 100, 2), colour, f"{label}: {share:.0%}"))
        x += share * 100
    return segments


def _filters(request):
    form = CalibrationFilters(request.GET)
    return form, form.is_valid()


@manager_only
def calibration_page(request):
    form, valid = _filters(request)
    interviewers, agreement = [], None
    if valid:
        scorecards = form.scorecards()
        interviewers = calibration.interviewer_calibration(scorecards)
        agreement = calibration.panel_agreement(scorecards)
        recommendation_labels = Recommendation.labels
        for row in interviewers:
            row.rating_bar = bar(row.rating_shares, Score.labels, SCORE_COLOURS)
            total = sum(row.recommendations)
            row.recommendation_bar = bar(
                [count / total if total else 0 for count in row.recommendations],
                recommendation_labels,
                RECOMMENDATION_COLOURS,
            )
    return render(
        request,
        "scoring/calibration.html",
        {
            "form": form,
            "query": form.query() if valid else "",
            "interviewers": interviewers,
            "agreement": agreement,
            "thresholds": {
                "reliable": calibration.ALPHA_RELIABLE,
                "tentative": calibration.ALPHA_TENTATIVE,
                "min_scorecards": calibration.LENIENCY_MIN_SCORECARDS,
            },
        },
    )


def _number(value, digits=2):
    return "" if value is None else round(value, digits)


def _csv(filename):
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response, csv.writer(response)


@manager_only
def calibration_interviewers_csv(request):
    form, valid = _filters(request)
    response, writer = _csv("calibration-interviewers.csv")
    writer.writerow(
        [
            "Interviewer",
            "Scorecards",
            "Median hours to submit",
            "Submitted within 24 h",
            *(f"Rated {value} {label}" for value, label in Score.choices),
            *(f"Recommended {label}" for label in Recommendation.labels),
            "Points marked",
            "Questions rated",
            "Leniency",
            "Leniency scorecards",
            "Leniency 95% low",
            "Leniency 95% high",
            "Flag",
        ]
    )
    if not valid:
        return response
    for row in calibration.interviewer_calibration(form.scorecards()):
        low, high = row.leniency_interval or (None, None)
        writer.writerow(
            [
                row.name,
                row.scorecards,
                _number(row.median_hours, 1),
                _number(row.within_24h),
                *row.ratings,
                *row.recommendations,
                _number(row.marked_share),
                _number(row.rated_share),
                _number(row.leniency, 3),
                row.leniency_n,
                _number(low, 3),
                _number(high, 3),
                row.leniency_flag,
            ]
        )
    return response


@manager_only
def calibration_agreement_csv(request):
    form, valid = _filters(request)
    response, writer = _csv("calibration-agreement.csv")
    writer.writerow(["Scope", "Name", "Units", "Alpha (ordinal)", "95% low", "95% high"])
    if not valid:
        return response
    agreement = calibration.panel_agreement(form.scorecards())
    rows = [("Overall", agreement.overall)]
    rows += [("Topic", row) for row in agreement.topics]
    rows += [("Question", row) for row in agreement.questions]
    for scope, row in rows:
        low, high = row.interval or (None, None)
        writer.writerow(
            [scope, row.label, row.units, _number(row.alpha, 3), _number(low, 3), _number(high, 3)]
        )
    return response


# Question analytics ------------------------------------------------------------------------

SORTS = {
    "position": lambda row: row.question.position,
    "topic": lambda row: (row.question.topic.name, row.question.position),
    "asked": lambda row: row.times_asked,
    "skipped": lambda row: row.skip_rate,
    "mean": lambda row: row.mean,
    "discrimination": lambda row: row.discrimination,
    "flags": lambda row: len(row.flags),
}


def _sorted(rows, sort):
    descending = sort.startswith("-")
    key = SORTS.get(sort.lstrip("-"), SORTS["position"])
    present = [row for row in rows if key(row) is not None]
    # Rows without the figure go last, whichever way the column is sorted.
    return sorted(present, key=key, reverse=descending) + [r for r in rows if key(r) is None]


def question_analytics(request, slug):
    user = request.user
    if not (user.has_perm(MANAGER_PERMISSION) or user.has_perm(CURATOR_PERMISSION)):
        raise PermissionDenied("Question analytics are for hiring managers and curators.")
    question_set = get_object_or_404(QuestionSet, slug=slug)
    sort = request.GET.get("sort", "position")
    if sort.lstrip("-") not in SORTS:
        sort = "position"
    rows = _sorted(calibration.question_analytics(question_set), sort)
    can_edit = user.has_perm("questions.view_question") and user.is_staff
    for row in rows:
        row.rating_bar = bar(row.rating_shares, Score.labels, SCORE_COLOURS)
        row.admin_url = (
            reverse("admin:questions_question_change", args=[row.question.pk]) if can_edit else ""
        )
    headers = []
    for name, label in [
        ("position", "#"),
        ("topic", "Topic"),
        ("asked", "Times asked"),
        ("skipped", "Skip rate"),
        ("mean", "Mean rating"),
        ("discrimination", "Discrimination (r)"),
        ("flags", "Flags"),
    ]:
        active = sort.lstrip("-") == name
        next_sort = name if (not active or sort.startswith("-")) else f"-{name}"
        headers.append(
            {
                "label": label,
                "query": urlencode({"sort": next_sort}),
                "active": active,
                "descending": sort.startswith("-"),
            }
        )
    return render(
        request,
        "scoring/question_analytics.html",
        {
            "question_set": question_set,
            "rows": rows,
            "headers": headers,
            "limits": {
                "min_answers": calibration.MIN_ANSWERS,
                "rarely": calibration.RARELY_ASKED_SHARE,
                "skipped": calibration.USUALLY_SKIPPED_SHARE,
                "discrimination": calibration.DISCRIMINATION_BELOW,
            },
        },
    )
