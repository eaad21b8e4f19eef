"""Comparing candidates who ran the same question set: the sortable table, the side-by-side
grid with its chart of topic means, and CSV exports. Hiring managers only."""

import contextlib
import csv
import io
import json
import textwrap
from dataclasses import dataclass
from functools import cached_property
from itertools import batched
from typing import NamedTuple
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import (
    Avg,
    CharField,
    Count,
    Exists,
    F,
    FloatField,
    OuterRef,
    Q,
    StringAgg,
    Value,
)
from django.db.models.fields.json import KeyTextTransform
from django.db.models.functions import Cast, Concat
from django.db.models.sql.constants import MULTI
from django.http import StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.text import Truncator

from config.pagination import paginate
from interviews.models import Interview, InterviewQuestion
from questions.models import Question, QuestionSet, Topic

from .. import selectors
from ..models import CandidateResult, Rating, Recommendation, Score
from ..templatetags.scoring import percent, score, score_band
from .calibration import RECOMMENDATION_COLOURS
from .results import manager_only


@dataclass
class Comparison:
    """The compare page's choices, read from the query string so links keep the view."""

    question_sets: list
    question_set: QuestionSet | None
    role: str
    status: str
    sort: str
    topics: list
    # The topic columns chosen to show (?topic=<pk>, repeated); all of them when none is.
    shown_topics: list

    SORTS = {
        "name": "name",
        "scorecards": "scorecard_count",
        "mean": "mean",
        "median": "median",
        "spread": "spread",
        "tally": "net_votes",
        "coverage": "coverage",
    }

    @classmethod
    def from_request(cls, request, *, choices=True):
        """The view the query string asks for. Without `choices` (for the grid and the
        exports), the list of sets to choose from is read only if the set is unknown."""
        slug = request.GET.get("set")
        question_set = None
        if slug and not choices:
            question_set = QuestionSet.objects.filter(slug=slug).first()
        question_sets = []
        if question_set is None:
            question_sets = list(
                QuestionSet.objects.annotate(interview_count=Count("interviews")).order_by(
                    "-interview_count", "title"
                )
            )
            by_slug = {s.slug: s for s in question_sets}
            question_set = by_slug.get(slug) or (question_sets[0] if question_sets else None)
        # The topics of the set's questions that some interview asked (a follow-up takes its
        # question's topic): one index probe per question, however many interviews there are.
        topics = list(
            Topic.objects.filter(
                pk__in=Question.objects.filter(question_set=question_set)
                .filter(Exists(InterviewQuestion.objects.filter(question=OuterRef("pk"))))
                .values("topic")
            )
        )
        sort = request.GET.get("sort", "name")
        sortable = {*cls.SORTS, *(f"topic-{t.pk}" for t in topics)}
        if sort.removeprefix("-") not in sortable:
            sort = "name"
        statuses = dict(Interview.Status.choices)
        chosen = set(request.GET.getlist("topic"))
        return cls(
            question_sets=question_sets,
            question_set=question_set,
            role=request.GET.get("role", ""),
            status=request.GET.get("status", "") if request.GET.get("status") in statuses else "",
            sort=sort,
            topics=topics,
            shown_topics=[t for t in topics if str(t.pk) in chosen] or topics,
        )

    @cached_property
    def roles(self):
        """The roles the set's candidates applied for, for the filter's choices."""
        if self.question_set is None:
            return []
        return selectors.roles_applied_for(self.question_set)

    def results(self):
        """The stored results of the candidates that pass the filters (the role they applied
        for, and an interview in the set with the chosen status), in the chosen order: the
        page, both CSVs and the API read them. They carry the name and role, so counting,
        filtering and sorting read that one table, each sort (but a topic's, read from each
        row's JSON) in order from an index."""
        if self.question_set is None:
            return CandidateResult.objects.none()
        results = CandidateResult.objects.filter(question_set=self.question_set)
        if self.status:
            # A list of candidates, not a correlated EXISTS: SQLite (no statistics) would
            # probe each candidate's interviews through the index of the whole set.
            interviews = Interview.objects.filter(
                question_set=self.question_set, status=self.status
            )
            results = results.filter(candidate__in=interviews.values("candidate"))
        if self.role:
            # An unknown role matches nobody, as it should.
            results = results.filter(role_applied_for=self.role)
        key = self.sort.removeprefix("-")
        if key.startswith("topic-"):
            column = Cast(KeyTextTransform(key.replace("-", "_"), "topic_means"), FloatField())
            nullable = True
        else:
            column = F(self.SORTS[key])
            nullable = CandidateResult._meta.get_field(self.SORTS[key]).null
        # Empty results come last either way. NULLS LAST only where a column may be empty:
        # PostgreSQL reads an index backwards with NULLs first, so a descending NULLS LAST
        # cannot use the plain index (migration 0006 adds ones in that order for PostgreSQL).
        if self.sort.startswith("-"):
            order = column.desc(nulls_last=True) if nullable else column.desc()
        else:
            order = column.asc(nulls_last=True) if nullable else column.asc()
        # Ties by name, then by the candidate's pk (not the candidate: that would join them).
        then = ["candidate_id"] if key == "name" else ["name", "candidate_id"]
        return results.order_by(order, *then)

    def page(self, request):
        """The requested page of stored results, each with its table row (`row`)."""
        page = paginate(request, self.results())
        columns = [selectors.topic_column(topic) for topic in self.shown_topics]
        # Each candidate's address is this prefix and their pk: one reverse() a page.
        candidates_url = reverse("candidate_detail", args=[0]).removesuffix("0/")
        for result in page:
            result.result_cells = result_cells(
                result, [result.topic_means.get(c) for c in columns]
            )
            result.row = result_row(result, f"{candidates_url}{result.candidate_id}/")
        return page

    def query(self, **changes):
        """The query string of this view with some choices changed."""
        params = {
            "set": self.question_set.slug if self.question_set else "",
            "role": self.role,
            "status": self.status,
            "sort": self.sort,
            "topic": [t.pk for t in self.shown_topics] if self.some_topics_hidden else [],
            **changes,
        }
        return urlencode({k: v for k, v in params.items() if v}, doseq=True)

    @property
    def some_topics_hidden(self):
        return len(self.shown_topics) < len(self.topics)

    @property
    def in_effect(self):
        """The filters as words, printed at the top of the compare page and the grid."""
        status = dict(Interview.Status.choices)[self.status] if self.status else "any"
        words = [
            f"Question set: {self.question_set.title}",
            f"role: {self.role or 'any'}",
            f"interview status: {status}",
        ]
        return " · ".join(words)


def result_row(result, url):
    """A compare row: the candidate's pick box, name (a link to `url`), disagreement badge
    and role, then the result's cells. Written here, like the cells, for the same reason."""
    name = escape(result.name)
    badge = (
        ' <span class="badge text-bg-warning" title="Interviewers disagree">disagree</span>'
        if result.disagreement
        else ""
    )
    role = (
        f'<div class="small text-body-secondary text-nowrap">{escape(result.role_applied_for)}'
        "</div>"
        if result.role_applied_for
        else ""
    )
    return mark_safe(
        f'<tr data-candidate="{result.candidate_id}"><th scope="row" class="sticky-column'
        ' fw-normal"><div class="d-flex align-items-start gap-2"><input class="form-check-input'
        ' flex-shrink-0 no-print" type="checkbox" name="candidate"'
        f' value="{result.candidate_id}" aria-label="Pick {name}"><div><span'
        f' class="text-nowrap"><a href="{url}">{name}</a>{badge}</span>{role}</div></div></th>'
        f"{result.result_cells}</tr>"
    )


def result_cells(candidate, topic_means):
    """A compare row's cells of numbers: a stored result's, then the given topic means.
    Written here rather than in the template: the template engine spent more time on a
    page's 350 cells than the database on its rows. Every value is a number or a fixed
    word, so nothing needs escaping."""
    topics = "".join(
        f'<td class="text-end {score_band(mean)}">{score(mean)}</td>' for mean in topic_means
    )
    return mark_safe(
        f'<td class="text-end" data-column="scorecards">{int(candidate.scorecard_count)}</td>'
        f'<td class="text-end {score_band(candidate.mean)}" data-column="mean">'
        f"{score(candidate.mean)}</td>"
        f'<td class="text-end {score_band(candidate.median)}" data-column="median">'
        f"{score(candidate.median)}</td>"
        f'<td class="text-end" data-column="spread">{score(candidate.spread)}</td>'
        f'<td data-column="tally">{tally_bar(candidate)}</td>'
        f'<td class="text-end" data-column="coverage">{percent(candidate.coverage)}</td>'
        f"{topics}"
    )


# Strong no … Strong yes, as the calibration page's bars, and a text colour that reads on each.
TALLY_TEXT_COLOURS = ["#fff", "#000", "#000", "#fff"]


def tally_bar(candidate):
    """The recommendation tally as a 100-wide stacked bar, Strong no on the left, each part
    labelled with its count; the counts in words are its accessible name and tooltip."""
    counts = [int(candidate.strong_no), int(candidate.no), int(candidate.yes)]
    counts.append(int(candidate.strong_yes))
    words = ", ".join(
        f"{label} {count}" for label, count in zip(Recommendation.labels, counts, strict=True)
    )
    total = sum(counts)
    parts, x = [], 0.0
    for count, fill, text in zip(counts, RECOMMENDATION_COLOURS, TALLY_TEXT_COLOURS, strict=True):
        if count:
            width = count / total * 100
            parts.append(
                f'<rect x="{x:.1f}" y="0" width="{width:.1f}" height="16" fill="{fill}"></rect>'
                f'<text x="{x + width / 2:.1f}" y="12" fill="{text}">{count}</text>'
            )
            x += width
    if not parts:
        parts.append('<text x="50" y="12">–</text>')
    return (
        f'<svg class="tally-bar" width="100" height="16" viewBox="0 0 100 16" role="img"'
        f' aria-label="Recommendations: {words}"><title>{words}</title>{"".join(parts)}</svg>'
    )


def next_sort(current, key):
    """Clicking a column sorts by it (names A–Z, numbers highest first); again reverses."""
    if current == key:
        return f"-{key}"
    if current == f"-{key}":
        return key
    return key if key == "name" else f"-{key}"


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
    ] + [(f"topic-{topic.pk}", topic.name) for topic in comparison.shown_topics]
    headers = [
        {
            "key": key,
            "label": label,
            "active": comparison.sort.removeprefix("-") == key,
            "descending": comparison.sort == f"-{key}",
            "query": comparison.query(sort=next_sort(comparison.sort, key)),
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
            "headers": headers,
            "sorted_by": sorted_by,
            "statuses": Interview.Status.choices,
            "query": comparison.query(),
        },
    )


def selected_candidates(request, comparison):
    """The stored results of the 2–4 candidates picked for the grid, each with an interview
    in the set, in name order; the pks of those interviews; and the interviewers who
    submitted a scorecard in them as (pk, name), in name order."""
    try:
        ids = sorted({int(value) for value in request.GET.getlist("candidate")})
    except ValueError:
        raise ValidationError("Pick candidates from the list.")
    if not 2 <= len(ids) <= 4:
        raise ValidationError("Pick two to four candidates to compare side by side.")
    # Found through the candidates alone and sorted out here: given the set as well,
    # SQLite's planner (which has no statistics) may read the whole set's interviews.
    # The panels come in the same query, one row per scorecard (or one without).
    interviews, panel = {}, {}
    for pk, candidate, question_set, submitted_at, interviewer, *names in Interview.objects.filter(
        candidate__in=ids
    ).values_list(
        "pk",
        "candidate",
        "question_set",
        "scorecards__submitted_at",
        "scorecards__interviewer",
        "scorecards__interviewer__first_name",
        "scorecards__interviewer__last_name",
        "scorecards__interviewer__username",
    ):
        if comparison.question_set and question_set == comparison.question_set.pk:
            interviews[pk] = candidate
            if submitted_at is not None:
                panel[interviewer] = names
    if set(interviews.values()) != set(ids):
        raise ValidationError("Some of those candidates did not run this question set.")
    # Probes of the (question set, candidate) index.
    results = CandidateResult.objects.filter(
        question_set=comparison.question_set, candidate__in=ids
    ).order_by("name", "candidate_id")
    interviewers = [
        (pk, selectors.person_name(*names))
        for pk, names in sorted(panel.items(), key=lambda item: item[1])
    ]
    return list(results), list(interviews), interviewers


@manager_only
def compare_grid(request):
    comparison = Comparison.from_request(request, choices=False)
    try:
        candidates, interviews, interviewers = selected_candidates(request, comparison)
    except ValidationError as error:
        messages.error(request, error.messages[0])
        return redirect(reverse("compare") + "?" + comparison.query())
    ids = [c.candidate_id for c in candidates]
    cells = (
        Rating.objects.filter(
            scorecard__submitted_at__isnull=False,
            scorecard__interview__in=interviews,
            interview_question__question__isnull=False,
        )
        .values("scorecard__interview__candidate", "interview_question__question")
        .annotate(
            mean=Avg("score"),
            # "interviewer:score" pairs, a skipped rating with no score: "7:"; in no order, as
            # SQLite before 3.44 cannot order an aggregate.
            ratings=StringAgg(
                Concat(
                    Cast("scorecard__interviewer", CharField()),
                    Value(":"),
                    Cast("score", CharField()),
                ),
                Value(" "),
            ),
            skipped=Count("pk", filter=Q(skipped=True)),
        )
    )
    interviewers = interviewer_initials(interviewers)
    by_cell = {
        (c["interview_question__question"], c["scorecard__interview__candidate"]): c for c in cells
    }
    # A row per bank question, worded as the first of these interviews asked it: the bank
    # may have changed since, and the interviews keep their own copy.
    asked = {}
    for bank_question, *words in (
        InterviewQuestion.objects.filter(interview__in=interviews, question__isnull=False)
        .order_by("question__position", "interview__scheduled_at", "pk")
        .values_list("question", "question__position", "prompt", "topic__name")
    ):
        asked.setdefault(bank_question, AskedQuestion(*words))
    rating_html = rating_parts(interviewers)
    rows = []
    for bank_question, question in asked.items():
        cells = [by_cell.get((bank_question, c.candidate_id)) for c in candidates]
        html = "".join(grid_cell(cell, rating_html) for cell in cells)
        rows.append((question, cells, mark_safe(grid_question(question) + html)))
    return render(
        request,
        "scoring/compare_grid.html",
        {
            "comparison": comparison,
            "candidates": candidates,
            "rows": rows,
            "interviewers": interviewers.values(),
            "chart": topic_chart(comparison.topics, candidates),
            "query": comparison.query(),
            "selection": "&".join(f"candidate={pk}" for pk in ids),
        },
    )


class AskedQuestion(NamedTuple):
    """A grid row's question, as the first of the interviews asked it."""

    bank_position: int
    prompt: str
    topic_name: str


def interviewer_initials(interviewers):
    """The grid names each rating's interviewer by initials: {pk: (initials, full name)}
    from (pk, full name) pairs, in their order, which is the order of the cells' ratings.
    Two interviewers with the same initials get a number after the second's."""
    initials, taken = {}, set()
    for pk, name in interviewers:
        short = "".join(part[0] for part in name.split()[:3]).upper()
        unique, number = short, 2
        while unique in taken:
            unique, number = f"{short}{number}", number + 1
        taken.add(unique)
        initials[pk] = (unique, name)
    return initials


def rating_parts(interviewers):
    """Each interviewer's part of a grid cell for each score they may have given, written
    once per page rather than once per cell: {interviewer id: {score: html}}, in the
    interviewers' order, a skipped answer's score being ""."""
    said = {str(score): f"{score} {label}" for score, label in Score.choices}
    said[""] = "skipped"
    parts = {}
    for interviewer, (initials, name) in interviewers.items():
        initials, name = escape(initials), escape(name)
        parts[str(interviewer)] = {
            given: (
                f'<span class="rating-by" tabindex="0" title="{name}: {words}"'
                f' data-name="{name}"><span class="rating-initials" aria-hidden="true">'
                f'{initials}</span><span class="rating-name">{name}:</span>'
                f" {given or '–'}</span>"
            )
            for given, words in said.items()
        }
    return parts


def grid_question(question):
    """A grid row's heading: the question's place in the bank, its prompt as asked (cut to
    90 characters) and its topic. Written here like the cells."""
    prompt = escape(Truncator(question.prompt).chars(90))
    return (
        '<th scope="row" class="fw-normal sticky-column"><span class="text-body-secondary">'
        f"{question.bank_position}.</span> {prompt} <span"
        f' class="small text-body-secondary">· {escape(question.topic_name)}</span></th>'
    )


def grid_cell(cell, rating_html):
    """A grid cell: each interviewer's rating of one question (initials, their full name on
    hover, focus and paper; `rating_html` has each interviewer's part for each score, in the
    interviewers' order), the mean and skips. Written here like the compare page's cells."""
    if cell is None:
        return (
            '<td class="text-center"><span class="text-body-secondary small">not asked</span></td>'
        )
    mean = cell["mean"]
    given = dict(pair.split(":") for pair in (cell["ratings"] or "").split())
    ratings = "".join(
        by_score[given[interviewer]]
        for interviewer, by_score in rating_html.items()
        if interviewer in given
    )
    parts = [f'<div class="grid-ratings">{ratings}</div>']
    if mean is not None:
        parts.append(f'<div class="small">mean {score(mean)}</div>')
    if cell["skipped"]:
        parts.append(
            f'<div class="small text-body-secondary">{int(cell["skipped"])} skipped</div>'
        )
    return f'<td class="text-center {score_band(mean)}">{"".join(parts)}</td>'


def topic_chart(topics, candidates):
    """Geometry of a grouped bar chart of the candidates' stored topic means on the 0–4
    scale: the y axis names the levels, and topic names wrap under their group. Each group's
    bars and label come drawn as SVG (`svg`), and its means as table cells (`cells`), written
    here like the compare page's cells."""
    bar, gap, group_gap, plot, top, left = 18, 2, 26, 160, 10, 78
    line_height, char_width = 13, 6  # at the chart's 11 px font
    group_width = len(candidates) * (bar + gap) + group_gap
    label_chars = max(8, (group_width - 6) // char_width)
    groups = []
    for index, topic in enumerate(topics):
        x = left + index * group_width
        bars = []
        for number, candidate in enumerate(candidates):
            mean = candidate.topic_means.get(selectors.topic_column(topic))
            bar_height = 0 if mean is None else (mean / 4) * plot
            bars.append(
                {
                    "x": x + number * (bar + gap),
                    "y": top + plot - bar_height,
                    "height": bar_height,
                    "mean": score(mean),
                    "drawn": mean is not None,
                    "series": number,
                    "title": f"{candidate.name}, {topic.name}: {score(mean)}",
                }
            )
        lines = textwrap.wrap(topic.name, label_chars, break_long_words=False) or [""]
        label_x = x + (group_width - group_gap - gap) / 2
        label_lines = [
            {"text": line, "y": top + plot + 16 + number * line_height}
            for number, line in enumerate(lines)
        ]
        svg = "".join(
            f'<rect fill="url(#series-{b["series"]})" stroke="#212529" stroke-width="0.5"'
            f' x="{b["x"]}" y="{b["y"]:.1f}" width="{bar}" height="{b["height"]:.1f}">'
            f"<title>{escape(b['title'])}</title></rect>"
            for b in bars
            if b["drawn"]
        ) + '<text class="chart-label" text-anchor="middle">{}</text>'.format(
            "".join(
                f'<tspan x="{label_x:.1f}" y="{line["y"]}">{escape(line["text"])}</tspan>'
                for line in label_lines
            )
        )
        groups.append(
            {
                "topic": topic,
                "x": x,
                "label_x": label_x,
                "label_lines": label_lines,
                "bars": bars,
                "svg": mark_safe(svg),
                "cells": mark_safe(
                    "".join(f'<td class="text-end">{b["mean"]}</td>' for b in bars)
                ),
            }
        )
    most_lines = max((len(group["label_lines"]) for group in groups), default=1)
    return {
        "groups": groups,
        "bar": bar,
        "line_x": left - 4,
        "label_x": left - 8,
        "width": left + max(1, len(topics)) * group_width,
        "height": top + plot + 8 + most_lines * line_height,
        "baseline": top + plot,
        "gridlines": [
            {
                "label": f"{value} {Score(value).label}" if value else "0",
                "y": top + plot - value / 4 * plot,
                "label_y": top + plot - value / 4 * plot + 4,
            }
            for value in range(5)
        ],
    }


# Rows fetched from the database at a time by the streaming exports, and the characters
# sent at a time.
CHUNK_SIZE = 2000
CSV_PIECE = 64 * 1024

CSV_DANGEROUS_START = frozenset("=+-@\t\r")


def csv_text(value):
    """Spreadsheets run a cell that starts with = + - or @ as a formula: quote it."""
    return "'" + value if value[:1] in CSV_DANGEROUS_START else value


def csv_number(value):
    """A mean, spread or coverage as a CSV cell: three decimals, empty for none."""
    return "" if value is None else f"{value:.3f}"


def raw_rows(queryset):
    """The rows of a values_list queryset as the database driver gives them, fetched in
    chunks (a server-side cursor on PostgreSQL): none of the ORM's work per value, which
    would cost more than the query at a few hundred thousand rows."""
    compiler = queryset.query.get_compiler(queryset.db)
    for chunk in compiler.execute_sql(MULTI, chunked_fetch=True, chunk_size=CHUNK_SIZE):
        yield from chunk


def csv_response(filename, header, rows):
    """A CSV download streamed in pieces of about 64 KB (rows are lists of cells: text made
    safe with csv_text, numbers): memory stays flat and the first bytes leave at once, however
    many rows there are."""

    def pieces():
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(header)
        # One transaction around the reading lets PostgreSQL stream from a server-side
        # cursor, instead of materialising the whole result as a holdable cursor does.
        # SQLite streams without one, and takes its write lock at BEGIN (IMMEDIATE mode):
        # a transaction would hold every autosave back for as long as the download runs.
        reading = (
            transaction.atomic(savepoint=False)
            if connection.vendor == "postgresql"
            else contextlib.nullcontext()
        )
        with reading:
            for batch in batched(rows, 500):
                writer.writerows(batch)
                if buffer.tell() >= CSV_PIECE:
                    yield buffer.getvalue()
                    buffer.seek(0)
                    buffer.truncate()
        yield buffer.getvalue()

    response = StreamingHttpResponse(pieces(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def csv_name(comparison, kind):
    slug = comparison.question_set.slug if comparison.question_set else "none"
    return f"rubric-{slug}-{kind}-{timezone.localdate():%Y-%m-%d}.csv"


@manager_only
def compare_csv(request):
    comparison = Comparison.from_request(request, choices=False)
    header = [
        "Candidate",
        "Email",
        "Role applied for",
        "Scorecards",
        "Mean",
        "Median",
        "Spread",
        "Strong no",
        "No",
        "Yes",
        "Strong yes",
        "Coverage",
        "Disagreement",
        *(topic.name for topic in comparison.topics),
    ]
    columns = comparison.results().values_list(
        "name",
        "candidate__email",
        "role_applied_for",
        "scorecard_count",
        "mean",
        "median",
        "spread",
        "strong_no",
        "no",
        "yes",
        "strong_yes",
        "coverage",
        "disagreement",
        "topic_means",
    )
    # Written out by hand, as the answers CSV is: a call per cell costs more than the query.
    # The topic means are read from the stored JSON here: one parse per row, where the
    # database (SQLite above all) would take a key apart for every topic of every row.
    text, number = csv_text, csv_number
    topic_keys = [selectors.topic_column(t) for t in comparison.topics]
    rows = (
        [
            text(name),
            text(email),
            text(role),
            scorecards,
            number(mean),
            number(median),
            number(spread),
            strong_no,
            no,
            yes,
            strong_yes,
            number(coverage),
            "yes" if disagreement else "no",
            *map(number, map(json.loads(topic_means).get, topic_keys)),
        ]
        for (
            name,
            email,
            role,
            scorecards,
            mean,
            median,
            spread,
            strong_no,
            no,
            yes,
            strong_yes,
            coverage,
            disagreement,
            topic_means,
        ) in raw_rows(columns)
    )
    return csv_response(csv_name(comparison, "candidates"), header, rows)


@manager_only
def compare_detail_csv(request):
    comparison = Comparison.from_request(request, choices=False)
    header = [
        "Candidate",
        "Role applied for",
        "Interview",
        "Question",
        "Prompt",
        "Topic",
        "Interviewer",
        "Rating",
        "Skipped",
        "Coverage",
        "Expected points",
        "Covered",
        "Partial",
        "Missed",
        "Notes",
    ]
    answers = ()
    if comparison.question_set is not None:
        answers = selectors.answer_rows(
            question_set=comparison.question_set,
            candidates=(
                comparison.results().values("candidate_id")
                if comparison.role or comparison.status
                else None
            ),
        )
    # The columns as selected, but the question's number joins position and follow-up;
    # written out by hand, as a call per cell would cost more than the query.
    text = csv_text
    rows = (
        [
            text(name),
            text(role),
            text(stage),
            f"{position}.{follow_up}" if follow_up else position,
            text(prompt),
            text(topic),
            text(interviewer),
            score,
            "yes" if skipped else "no",
            "" if coverage is None else f"{coverage:.3f}",
            points,
            covered,
            partial,
            missed,
            text(notes),
        ]
        for (
            name,
            role,
            stage,
            position,
            follow_up,
            prompt,
            topic,
            interviewer,
            score,
            skipped,
            coverage,
            points,
            covered,
            partial,
            missed,
            notes,
        ) in answers
    )
    return csv_response(csv_name(comparison, "answers"), header, rows)
