"""Every CSV Rubric writes: the compare table, the answers behind it, and calibration's two.

Spreadsheets run a cell that starts with = + - or @ as a formula, so every text a user
typed (names, roles, prompts, topics, notes) goes through `csv_text`, header cells too: a
topic's name heads its column. The compare CSVs stream from the database in pieces: the
compare table's rows written out by hand, text made safe per column, numbers left alone;
the answers CSV's lines written by the database itself (`selectors.answer_lines`, the
same rule in SQL), as a Python call per row would cost more than the query at millions of
answers."""

import contextlib
import csv
import io
import json
from itertools import batched

from django.db import connection, transaction
from django.db.models import F
from django.db.models.sql.constants import MULTI
from django.http import HttpResponse, StreamingHttpResponse
from django.utils import timezone

from . import comparison as comparison_data
from . import selectors
from .calibration import DebriefFigures
from .models import Decision, Recommendation, Score

# Rows fetched from the database at a time by the streaming exports, and the characters
# sent at a time.
CHUNK_SIZE = 2000
CSV_PIECE = 64 * 1024

CSV_DANGEROUS_START = selectors.CSV_DANGEROUS_START


def csv_text(value):
    """Spreadsheets run a cell that starts with = + - or @ as a formula: quote it."""
    return "'" + value if value[:1] in CSV_DANGEROUS_START else value


def csv_number(value):
    """A mean, spread or coverage as a CSV cell: three decimals, empty for none."""
    return "" if value is None else f"{value:.3f}"


def rounded(value, digits=2):
    """A calibration figure as a CSV cell, empty for none."""
    return "" if value is None else round(value, digits)


def raw_rows(queryset):
    """The rows of a values_list queryset as the database driver gives them, fetched in
    chunks (a server-side cursor on PostgreSQL): none of the ORM's work per value, which
    would cost more than the query at a few hundred thousand rows."""
    compiler = queryset.query.get_compiler(queryset.db)
    for chunk in compiler.execute_sql(MULTI, chunked_fetch=True, chunk_size=CHUNK_SIZE):
        yield from chunk


def reading():
    """One transaction around the reading lets PostgreSQL stream from a server-side cursor,
    instead of materialising the whole result as a holdable cursor does. SQLite streams
    without one, and takes its write lock at BEGIN (IMMEDIATE mode): a transaction would
    hold every autosave back for as long as the download runs."""
    if connection.vendor == "postgresql":
        return transaction.atomic(savepoint=False)
    return contextlib.nullcontext()


def header_line(header):
    """The CSV's header, made safe here, a cell at a time."""
    buffer = io.StringIO()
    csv.writer(buffer).writerow([csv_text(cell) for cell in header])
    return buffer.getvalue()


def csv_pieces(header, rows):
    """The CSV in pieces of about 64 KB: the header, then the rows (lists of cells: text
    made safe with csv_text, numbers)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    buffer.write(header_line(header))
    with reading():
        for batch in batched(rows, 500):
            writer.writerows(batch)
            if buffer.tell() >= CSV_PIECE:
                yield buffer.getvalue()
                buffer.seek(0)
                buffer.truncate()
    yield buffer.getvalue()


def csv_response(filename, header, rows, *, streaming=True):
    """A CSV download. Streamed, memory stays flat and the first bytes leave at once,
    however many rows there are; the small calibration CSVs are sent whole."""
    response_class = StreamingHttpResponse if streaming else HttpResponse
    response = response_class(csv_pieces(header, rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def compare_filename(comparison, kind):
    slug = comparison.question_set.slug if comparison.question_set else "none"
    return f"rubric-{slug}-{kind}-{timezone.localdate():%Y-%m-%d}.csv"


def candidates_csv(comparison):
    """The compare table: a row per stored result that passes the filters, in its order,
    with every topic's mean."""
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
        "Decision",
        *(topic.name for topic in comparison.topics),
    ]
    results = comparison.results()
    if comparison.hides_names:
        results = results.annotate(email=comparison_data.shown_email())
    else:
        results = results.annotate(email=F("candidate__email"))
    columns = results.values_list(
        "shown_name",
        "email",
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
        "decision",
        "topic_means",
    )
    # The topic means are read from the stored JSON here: one parse per row, where the
    # database (SQLite above all) would take a key apart for every topic of every row.
    text, number = csv_text, csv_number
    outcomes = dict(Decision.Outcome.choices)
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
            outcomes.get(decision, "Undecided"),
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
            decision,
            topic_means,
        ) in raw_rows(columns)
    )
    return csv_response(compare_filename(comparison, "candidates"), header, rows)


def answers_csv(comparison):
    """Every submitted answer behind the compare table (of the candidates that pass its
    filters), a row each."""
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
    filename = compare_filename(comparison, "answers")
    if comparison.question_set is None:
        return csv_response(filename, header, ())

    def pieces():
        yield header_line(header)
        with reading():
            yield from selectors.answer_lines(
                question_set=comparison.question_set,
                candidates=(
                    comparison.results().values("candidate_id")
                    if comparison.role or comparison.status
                    else None
                ),
            )

    response = StreamingHttpResponse(pieces(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def debrief_csv(data, *, candidate_name):
    """A candidate's debrief (scoring.debrief.debrief_of) as the page shows it: a row per
    submitted scorecard (its recommendation and score as they stand and as at the debrief,
    and its summary), then a row per rating of each question, those whose ratings differ by
    2 or more first, with what the chosen level meant. The candidate is named as the reader
    may see them (`candidate_name`)."""
    header = [
        "Part",
        "Candidate",
        "Question set",
        "Interview",
        "Interviewer",
        "Shadow",
        "Recommendation",
        "Score",
        "Changed after debrief",
        "Recommendation at debrief",
        "Score at debrief",
        "Summary",
        "Question",
        "Topic",
        "Ratings apart",
        "Rating",
        "Level meaning",
    ]
    name, text = csv_text(candidate_name), csv_text
    scorecards = [
        [
            "Recommendation",
            name,
            text(card.interview.question_set.title),
            text(card.interview.stage),
            text(card.interviewer_name),
            "yes" if card.shadow else "no",
            card.get_recommendation_display(),
            csv_number(card.score_mean),
            "yes" if card.changed_after_debrief else "no",
            Recommendation(card.debrief_recommendation).label
            if card.changed_after_debrief and card.debrief_recommendation
            else "",
            csv_number(card.debrief_score_mean) if card.changed_after_debrief else "",
            text(card.summary),
            *[""] * 5,
        ]
        for card in data.scorecards
    ]
    ratings = [
        [
            "Question",
            name,
            text(view.scorecard.interview.question_set.title),
            text(view.scorecard.interview.stage),
            text(view.scorecard.interviewer_name),
            "yes" if view.scorecard.shadow else "no",
            *[""] * 6,
            text(row.prompt),
            text(row.topic),
            row.gap,
            view.label,
            text(view.anchor),
        ]
        for row in data.questions
        for view in row.ratings
    ]
    filename = f"rubric-debrief-{data.candidate.pk}-{timezone.localdate():%Y-%m-%d}.csv"
    return csv_response(filename, header, scorecards + ratings, streaming=False)


def calibration_interviewers_csv(interviewers):
    """Calibration's table of interviewers (scoring.calibration.interviewer_calibration),
    with what they did after debriefs and their agreement with the final decisions."""
    header = [
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
        # After debriefs (scoring.calibration.debrief_calibration, as `row.after_debriefs`).
        "Debriefed scorecards",
        "Changed after debrief",
        "Mean score change",
        "Mean recommendation change",
        "Moved toward panel",
        "Moved away from panel",
        "Decided scorecards",
        "Agreement with decision",
    ]
    rows = []
    for row in interviewers:
        low, high = row.leniency_interval or (None, None)
        after = row.after_debriefs or DebriefFigures()
        rows.append(
            [
                csv_text(row.name),
                row.scorecards,
                rounded(row.median_hours, 1),
                rounded(row.within_24h),
                *row.ratings,
                *row.recommendations,
                rounded(row.marked_share),
                rounded(row.rated_share),
                rounded(row.leniency, 3),
                row.leniency_n,
                rounded(low, 3),
                rounded(high, 3),
                row.leniency_flag,
                after.debriefed,
                after.moved,
                rounded(after.score_distance, 3),
                rounded(after.recommendation_distance, 3),
                after.toward,
                after.away,
                after.decided,
                rounded(after.agreement, 3),
            ]
        )
    return csv_response("calibration-interviewers.csv", header, rows, streaming=False)


def calibration_agreement_csv(agreement):
    """Calibration's panel agreement (scoring.calibration.panel_agreement): overall, then
    per topic and per question; no rows for None."""
    header = ["Scope", "Name", "Units", "Alpha (ordinal)", "95% low", "95% high"]
    scoped = []
    if agreement is not None:
        scoped = [("Overall", agreement.overall)]
        scoped += [("Topic", row) for row in agreement.topics]
        scoped += [("Question", row) for row in agreement.questions]
    rows = []
    for scope, row in scoped:
        low, high = row.interval or (None, None)
        rows.append(
            [
                scope,
                csv_text(row.label),
                row.units,
                rounded(row.alpha, 3),
                rounded(low, 3),
                rounded(high, 3),
            ]
        )
    return csv_response("calibration-agreement.csv", header, rows, streaming=False)
