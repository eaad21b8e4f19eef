"""Calibration (hiring managers) and question analytics (curators and hiring managers).
The figures are read from the stored sums (scoring/calibration_sums.py, question_sums.py),
which scoring/calibration.py's functions compute afresh; interviewers see neither page."""

from urllib.parse import urlencode

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, render
from django.urls import reverse

from questions.models import QuestionSet

from .. import calibration, calibration_sums, exports, figures, question_sums, training
from ..calibration import RECOMMENDATION_COLOURS, SCORE_COLOURS
from ..forms import CalibrationFilters
from ..jinja import render_partial
from ..models import Recommendation, Score
from .results import MANAGER_PERMISSION, manager_only

CURATOR_PERMISSION = "questions.change_question"


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


def _calibration_figures(form):
    """The interviewers' and the agreement's figures for the valid filters, with the
    agreement's rows rendered: kept in the cache under the figures revisions of the sets
    they read (scoring/figures.py). The interviewers' names are read afresh."""
    filters = form.filters()

    def compute():
        interviewers = calibration_sums.interviewer_figures(**filters)
        recommendation_labels = Recommendation.labels
        for row in interviewers:
            row.rating_bar = bar(row.rating_shares, Score.labels, SCORE_COLOURS)
            total = sum(row.recommendations)
            row.recommendation_bar = bar(
                [count / total if total else 0 for count in row.recommendations],
                recommendation_labels,
                RECOMMENDATION_COLOURS,
            )
        agreement = calibration_sums.agreement_figures(**filters)
        rendered = {
            f"{name}_rows": render_partial(
                "scoring/agreement_rows.html",
                {"rows": rows, "tentative": calibration.ALPHA_TENTATIVE},
            )
            for name, rows in (("topic", agreement.topics), ("question", agreement.questions))
        }
        return {"interviewers": interviewers, "agreement": agreement, **rendered}

    found = figures.cached(
        "calibration",
        form.revisions(filters["question_set"]),
        {name: value for name, value in filters.items() if name != "question_set"},
        compute,
    )
    calibration_sums.name_interviewers(found["interviewers"])
    return found


def _trainee_progress(form):
    """The trainees' progress, with their shadow scorecards compared with their panels kept
    in the cache as the figures are (a shadow scorecard submitted or amended gives its set
    a new revision, as any): the trainees' names and qualifications are read afresh."""
    question_set = form.cleaned_data["set"]
    compared = figures.cached(
        "trainees",
        form.revisions(question_set),
        question_set.pk if question_set else None,
        lambda: training.compared_shadows(question_set),
    )
    return training.trainee_progress(question_set=question_set, compared=compared)


@manager_only
def calibration_page(request):
    form, valid = _filters(request)
    found = {"interviewers": [], "agreement": None, "topic_rows": "", "question_rows": ""}
    trainees = []
    if valid:
        found = _calibration_figures(form)
        trainees = _trainee_progress(form)
    return render(
        request,
        "scoring/calibration.html",
        {
            "form": form,
            "query": form.query() if valid else "",
            **found,
            "trainees": trainees,
            # By Jinja2, as the compare table's rows: a set has dozens of questions, a team
            # dozens of interviewers.
            "interviewer_rows": render_partial(
                "scoring/interviewer_rows.html", {"interviewers": found["interviewers"]}
            ),
            "thresholds": {
                "qualify_difference": settings.QUALIFY_MAX_DIFFERENCE,
                "reliable": calibration.ALPHA_RELIABLE,
                "tentative": calibration.ALPHA_TENTATIVE,
                "min_scorecards": calibration.LENIENCY_MIN_SCORECARDS,
            },
        },
    )


@manager_only
def calibration_interviewers_csv(request):
    form, valid = _filters(request)
    rows = _calibration_figures(form)["interviewers"] if valid else []
    return exports.calibration_interviewers_csv(rows)


@manager_only
def calibration_agreement_csv(request):
    form, valid = _filters(request)
    agreement = _calibration_figures(form)["agreement"] if valid else None
    return exports.calibration_agreement_csv(agreement)


# Question analytics ------------------------------------------------------------------------

SORTS = {
    "position": lambda row: row.question.position,
    "topic": lambda row: (row.question.topic.name, row.question.position),
    "asked": lambda row: row.times_asked,
    "share": lambda row: row.interviews_share,
    "exposure_30": lambda row: row.exposure.candidates_30,
    "exposure": lambda row: row.exposure.candidates_90,
    "exposure_365": lambda row: row.exposure.candidates_365,
    "exposure_all": lambda row: row.exposure.candidates_all,
    "first_asked": lambda row: row.exposure.first_asked,
    "last_asked": lambda row: row.exposure.last_asked,
    "skipped": lambda row: row.skip_rate,
    "mean": lambda row: row.mean,
    "discrimination": lambda row: row.discrimination,
    "leak": lambda row: row.leak.shift if row.leak else None,
    "flags": lambda row: len(row.flags),
}
# What keeps the bank fresh is the curators' (issue 25): exposure, its flags and the figures
# by version show to curators and superusers; hiring managers read the rest.
UPKEEP_SORTS = {
    *("share", "exposure_30", "exposure", "exposure_365", "exposure_all"),
    *("first_asked", "last_asked", "leak"),
}
UPKEEP_FLAGS = {calibration.OVER_EXPOSED, calibration.PROBABLE_LEAK}


def _sorted(rows, sort):
    descending = sort.startswith("-")
    key = SORTS.get(sort.lstrip("-"), SORTS["position"])
    present = [row for row in rows if key(row) is not None]
    # Rows without the figure go last, whichever way the column is sorted.
    return sorted(present, key=key, reverse=descending) + [r for r in rows if key(r) is None]


def _headers(columns, sort):
    headers = []
    for name, label in columns:
        active = sort.lstrip("-") == name
        next_sort = name if (not active or sort.startswith("-")) else f"-{name}"
        headers.append(
            {
                "name": name,
                "label": label,
                "query": urlencode({"sort": next_sort}),
                "active": active,
                "descending": sort.startswith("-"),
            }
        )
    return headers


def question_analytics(request, slug):
    user = request.user
    if not (user.has_perm(MANAGER_PERMISSION) or user.has_perm(CURATOR_PERMISSION)):
        raise PermissionDenied("Question analytics are for hiring managers and curators.")
    question_set = get_object_or_404(QuestionSet, slug=slug)
    curates = user.has_perm(CURATOR_PERMISSION)
    sort = request.GET.get("sort", "position")
    if sort.lstrip("-") not in SORTS or (sort.lstrip("-") in UPKEEP_SORTS and not curates):
        sort = "position"
    can_edit = user.has_perm("questions.view_question") and user.is_staff

    def compute():
        rows = question_sums.question_analytics(question_set)
        if not curates:
            for row in rows:
                row.flags = [flag for flag in row.flags if flag not in UPKEEP_FLAGS]
                row.versions = []
        rows = _sorted(rows, sort)
        # One reverse for every row's link to the admin: /admin/questions/question/<pk>/change/.
        change_url = reverse("admin:questions_question_change", args=[0]).replace("/0/", "/{}/")
        for row in rows:
            row.rating_bar = bar(row.rating_shares, Score.labels, SCORE_COLOURS)
            row.admin_url = change_url.format(row.question.pk) if can_edit else ""
        # By Jinja2, as the compare table's rows: each question carries its points.
        return {
            "rows": rows,
            "analytics_rows": render_partial("scoring/analytics_rows.html", {"rows": rows}),
            "freshness_rows": (
                render_partial("scoring/freshness_rows.html", {"rows": rows}) if curates else ""
            ),
        }

    rendered = figures.cached(
        "analytics",
        [(question_set.pk, question_set.figures_revision)],
        (question_set.exposure_threshold, curates, can_edit, sort),
        compute,
    )
    headers = _headers(
        [
            ("position", "#"),
            ("topic", "Topic"),
            ("asked", "Times asked"),
            ("skipped", "Skip rate"),
            ("mean", "Mean rating"),
            ("discrimination", "Discrimination (r)"),
            ("flags", "Flags"),
        ],
        sort,
    )
    freshness_headers = _headers(
        [
            ("exposure_30", "30 days"),
            ("exposure", "90 days"),
            ("exposure_365", "365 days"),
            ("exposure_all", "All"),
            ("first_asked", "First asked"),
            ("last_asked", "Last asked"),
            ("share", "Share of interviews"),
            ("leak", "Recent shift (95 %)"),
        ],
        sort,
    )
    return render(
        request,
        "scoring/question_analytics.html",
        {
            "question_set": question_set,
            **rendered,
            "curates": curates,
            "headers": headers,
            "freshness_headers": freshness_headers,
            "limits": {
                "min_answers": calibration.MIN_ANSWERS,
                "rarely": calibration.RARELY_ASKED_SHARE,
                "skipped": calibration.USUALLY_SKIPPED_SHARE,
                "discrimination": calibration.DISCRIMINATION_BELOW,
                "exposure_threshold": question_set.exposure_threshold,
                "exposure_window": calibration.EXPOSURE_FLAG_WINDOW,
                "leak_window": calibration.LEAK_WINDOW_DAYS,
                "leak_answers": calibration.LEAK_MIN_ANSWERS,
            },
            "windows": calibration.EXPOSURE_WINDOWS,
        },
    )
