"""Comparing candidates who ran the same question set: the sortable table, the side-by-side
grid with its chart of topic means, and CSV exports. Hiring managers only. The data comes
from scoring/comparison.py, the CSVs from scoring/exports.py."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse

from interviews.models import Interview

from .. import exports
from ..comparison import (
    Comparison,
    grid_rows,
    interviewer_initials,
    next_sort,
    selected_candidates,
    topic_chart,
)
from ..jinja import render_partial
from .results import manager_only


@manager_only
def compare(request):
    comparison = Comparison.from_request(request)
    page = comparison.page(request)
    columns = [
        ("name", "Candidate"),
        ("scorecards", "Scorecards"),
        ("mean", "Mean"),
        ("median", "Median"),
        ("spread", "Spread"),
        ("tally", "Recommendations"),
        ("coverage", "Coverage"),
        ("decision", "Decision"),
    ] + [(f"topic-{topic.pk}", topic.name) for topic in comparison.shown_topics]
    headers = [
        {
            "key": key,
            "label": label,
            "active": comparison.sort.removeprefix("-") == key,
            "descending": comparison.sort == f"-{key}",
            "query": comparison.query(sort=next_sort(comparison.sort, key)),
            # The decision is read for the shown rows only: filtered by, not sorted by.
            "sortable": key != "decision",
        }
        for key, label in columns
    ]
    # Sorting by a hidden topic column keeps that order; the printed heading names it.
    sort_labels = dict(columns) | {f"topic-{t.pk}": t.name for t in comparison.topics}
    sorted_by = sort_labels[comparison.sort.removeprefix("-")]
    return render(
        request,
        "scoring/compare.html",
        {
            "comparison": comparison,
            "page": page,
            # The rows by Jinja2: Django's engine spent more than the database on their cells.
            "result_rows": render_partial(
                "scoring/result_rows.html", {"page": page, "columns": len(headers)}
            ),
            "headers": headers,
            "sorted_by": sorted_by,
            "statuses": Interview.Status.choices,
            "decisions": Comparison.DECISIONS,
            "query": comparison.query(),
        },
    )


@manager_only
def compare_grid(request):
    comparison = Comparison.from_request(request, choices=False)
    try:
        candidates, interviewers = selected_candidates(
            comparison, request.GET.getlist("candidate")
        )
    except ValidationError as error:
        messages.error(request, error.messages[0])
        return redirect(reverse("compare") + "?" + comparison.query())
    interviewers = interviewer_initials(interviewers)
    rows = grid_rows(comparison.question_set, candidates, interviewers)
    return render(
        request,
        "scoring/compare_grid.html",
        {
            "comparison": comparison,
            "candidates": candidates,
            "rows": rows,
            # By Jinja2, as the compare table's rows, for the same reason.
            "grid_rows": render_partial(
                "scoring/grid_rows.html", {"rows": rows, "candidates": candidates}
            ),
            "interviewers": interviewers.values(),
            "topic_chart": render_partial(
                "scoring/topic_chart.html",
                {"chart": topic_chart(comparison.topics, candidates), "candidates": candidates},
            ),
            "query": comparison.query(),
            "selection": "&".join(f"candidate={c.candidate_id}" for c in candidates),
        },
    )


@manager_only
def compare_csv(request):
    return exports.candidates_csv(Comparison.from_request(request, choices=False))


@manager_only
def compare_detail_csv(request):
    return exports.answers_csv(Comparison.from_request(request, choices=False))
