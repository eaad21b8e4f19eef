"""Scores, coverage and candidate results, computed by the database. Only reads: what is
stored from them (`store_results`, `refresh_result`, the tallies) is in `results`.

- A rating's coverage is Σ weight·value / Σ weight over its question's expected points, with
  covered 1, partial ½ and missed or unmarked 0 (a mark stores twice the value).
- A scorecard's score is its mean rating over rated questions; its coverage is the mean
  coverage of its rated questions that have expected points. Both are stored on the scorecard
  when it is submitted or amended (`results.store_results`), as nothing else can change them.
- A candidate's result on a question set gives each submitted scorecard equal weight: mean,
  median and spread (max − min) of the scorecard scores, the recommendation tally, mean
  coverage, and the mean rating per topic over the submitted ratings of that topic's
  questions. It is stored as a CandidateResult row (`results.refresh_result`) from the moment an
  interview in the set is scheduled, afresh whenever a scorecard is submitted or amended and
  when an interview is cancelled or a candidate erased; result pages read those rows;
  `results.recompute_results` rebuilds or checks them.
"""

import json
from collections.abc import Iterator
from datetime import datetime, timedelta

from django.contrib.auth.models import User
from django.db import connections
from django.db.models import (
    Avg,
    Case,
    CharField,
    Count,
    Exists,
    F,
    FloatField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Cast, Coalesce
from django.utils import timezone

from interviews.models import Candidate, Interview, InterviewPoint, InterviewQuestion
from questions.models import Question, QuestionSet, Topic

from .models import CandidateResult, Mark, PointMark, Rating, Scorecard

DISAGREEMENT_SPREAD = 1.5


def single(queryset, group_by, aggregate):
    """A subquery yielding one aggregate for the outer row."""
    return Subquery(
        queryset.order_by().values(group_by).annotate(result=aggregate).values("result")[:1]
    )


def rating_coverage():
    """Coverage of a rating, for a Rating queryset; None for a question without points."""
    total = single(
        InterviewPoint.objects.filter(interview_question=OuterRef("interview_question")),
        "interview_question",
        Sum("weight"),
    )
    earned = single(
        PointMark.objects.filter(rating=OuterRef("pk")),
        "rating",
        Sum(F("mark") * F("point__weight")),
    )
    return Cast(Coalesce(earned, 0), FloatField()) / Cast(total * 2, FloatField())


def rating_point_counts() -> dict:
    """What a rating stores of its marks when its scorecard is submitted or amended
    (Rating.expected_points and the rest), as expressions for a Rating queryset."""

    def marked(mark):
        marks = PointMark.objects.filter(rating=OuterRef("pk"), mark=mark)
        return Coalesce(single(marks, "rating", Count("pk")), 0)

    points = InterviewPoint.objects.filter(interview_question=OuterRef("interview_question"))
    return {
        "expected_points": Coalesce(single(points, "interview_question", Count("pk")), 0),
        "covered_points": marked(Mark.COVERED),
        "partial_points": marked(Mark.PARTIAL),
        "missed_points": marked(Mark.MISSED),
        "point_coverage": rating_coverage(),
    }


def with_coverage(ratings: QuerySet[Rating]) -> QuerySet[Rating]:
    return ratings.annotate(coverage=rating_coverage())


def topic_means(ratings: QuerySet[Rating]) -> list[dict]:
    """Mean rating per topic over rated answers, in topic order."""
    return list(
        ratings.filter(score__isnull=False)
        .values("interview_question__topic__name")
        .annotate(mean=Avg("score"), count=Count("pk"))
        .order_by("interview_question__topic__position", "interview_question__topic__name")
        .values("interview_question__topic__name", "mean", "count")
    )


# One key per expected point on the live page, in the home row of the keyboard.
POINT_KEYS = "asdfghjkl"


def questions_for(interview: Interview, interviewer: User) -> QuerySet[InterviewQuestion]:
    """The questions an interviewer works through: the plan, and their own follow-ups."""
    return interview.questions.filter(Q(added_by__isnull=True) | Q(added_by=interviewer))


def answer_state(rating: Rating | None) -> str:
    if rating and rating.score:
        return "rated"
    return "skipped" if rating and rating.skipped else "untouched"


def live_questions(
    interview: Interview, interviewer: User, scorecard: Scorecard | None
) -> Iterator[InterviewQuestion]:
    """The interviewer's questions with points and rating anchors, and their rating and marks
    if any."""
    questions = (
        questions_for(interview, interviewer)
        .select_related("topic")
        .prefetch_related(
            Prefetch("points", queryset=InterviewPoint.objects.order_by("position")), "anchors"
        )
    )
    ratings = (
        {
            rating.interview_question_id: rating
            for rating in Rating.objects.filter(scorecard=scorecard).prefetch_related(
                Prefetch("marks", queryset=PointMark.objects.only("rating_id", "point_id", "mark"))
            )
        }
        if scorecard
        else {}
    )
    for question in questions:
        yield with_answer(question, ratings.get(question.pk))


def with_answer(question, rating):
    """The question ready for the page: its rating and state, and each point's mark and key."""
    question.rating = rating
    question.state = answer_state(rating)
    question.label = (
        f"Question {question.position}.{question.follow_up_number}"
        if question.is_follow_up
        else f"Question {question.position}"
    )
    question.versions_json = json.dumps(rating.versions if rating else {})
    marks = {m.point_id: m.mark for m in rating.marks.all()} if rating else {}
    for number, point in enumerate(question.points.all()):
        point.mark = marks.get(point.pk)
        point.key = POINT_KEYS[number] if number < len(POINT_KEYS) else ""
    return question


def person_name(first_name: str, last_name: str, username: str) -> str:
    """How pages name a person read as plain columns: their full name, or their username
    without one (as `get_full_name|default:username` in templates)."""
    return f"{first_name} {last_name}".strip() or username


def topic_column(topic: Topic) -> str:
    return f"topic_{topic.pk}"


ASKED_TOPICS_SQL = """
SELECT id, slug, name, position FROM {topics}
WHERE id IN (
    SELECT topic_id FROM {questions} q
    WHERE question_set_id = %s
      AND EXISTS (SELECT 1 FROM {asked} WHERE question_id = q.id)
)
ORDER BY position, name
"""


def asked_topics(question_set: QuestionSet | None) -> list[Topic]:
    """The topics of the set's questions that some interview asked (a follow-up takes its
    question's topic), in order: one index probe per question, however many interviews
    there are. Written out, as the ORM took longer to build this query than the database
    to run it, on every compare page."""
    if question_set is None:
        return []
    sql = ASKED_TOPICS_SQL.format(
        topics=Topic._meta.db_table,
        questions=Question._meta.db_table,
        asked=InterviewQuestion._meta.db_table,
    )
    return list(Topic.objects.raw(sql, [question_set.pk]))


def disagreement_reasons(candidate: Candidate) -> list[str]:
    """Why an annotated candidate's result is flagged, in words."""
    reasons = []
    if candidate.split_decision:
        reasons.append("the recommendations fall on both sides of hire")
    if candidate.spread is not None and candidate.spread >= DISAGREEMENT_SPREAD:
        reasons.append(
            f"the scorecard scores are {candidate.spread:.2f} apart "
            f"(flagged from {DISAGREEMENT_SPREAD})"
        )
    return reasons


def results_of(candidate: Candidate) -> tuple[list[CandidateResult], list[Topic]]:
    """A candidate's stored results with a submitted scorecard, one per question set (by
    title), each with its disagreement reasons, and the topics their topic means name."""
    results = list(
        CandidateResult.objects.filter(candidate=candidate, scorecard_count__gt=0)
        .select_related("question_set")
        .order_by("question_set__title", "question_set")
    )
    topics = list(
        Topic.objects.filter(
            pk__in={int(key.removeprefix("topic_")) for r in results for key in r.topic_means}
        )
    )
    for result in results:
        result.reasons = disagreement_reasons(result)
    return results, topics


# A cell a spreadsheet would run as a formula starts with one of these (exports.csv_text).
CSV_DANGEROUS_START = frozenset("=+-@\t\r")
# csv.writer quotes a cell that holds one of these.
CSV_QUOTED = ',"\n\r'


def csv_text_sql(expression: str, vendor: str) -> str:
    """SQL for a text column as a CSV cell, as csv.writer writes csv_text(value): a formula
    made text with a leading quote, then the cell quoted if it holds a comma, a quote or a
    line break, its quotes doubled. One pattern match per cell (GLOB on SQLite, a regular
    expression on PostgreSQL)."""
    starts = ", ".join(f"'{c}'" for c in sorted(CSV_DANGEROUS_START))
    safe = (
        f"CASE WHEN substr({expression}, 1, 1) IN ({starts}) "
        f"THEN '''' || {expression} ELSE {expression} END"
    )
    if vendor == "postgresql":
        needs_quotes = f"{expression} ~ '[{CSV_QUOTED}]'"
    else:
        needs_quotes = f"{expression} GLOB '*[{CSV_QUOTED}]*'"
    quoted = f"""'"' || replace({safe}, '"', '""') || '"'"""
    return f"CASE WHEN {needs_quotes} THEN {quoted} ELSE {safe} END"


def csv_decimals_sql(expression: str, vendor: str) -> str:
    """SQL for a number as a CSV cell with three decimals, empty for NULL, as Python's
    f"{value:.3f}" writes it: a value halfway between two (0.0625) goes to the even one
    (0.062), which SQLite's printf would round up. `%` is doubled, as the driver (and
    Django's query log) read the SQL as a format string."""
    if vendor == "postgresql":
        return f"COALESCE(to_char({expression}, 'FM999999990.000'), '')"
    thousandths = f"CAST({expression} * 1000 AS INTEGER)"
    halfway = (
        f"{expression} * 2000 = CAST({expression} * 2000 AS INTEGER) "
        f"AND CAST({expression} * 2000 AS INTEGER) %% 2 = 1"
    )
    return (
        f"CASE WHEN {expression} IS NULL THEN '' WHEN {halfway} "
        f"THEN printf('%%.3f', ({thousandths} + {thousandths} %% 2) / 1000.0) "
        f"ELSE printf('%%.3f', {expression}) END"
    )


def _answers_sql(vendor: str, *, hidden: bool) -> str:
    """ANSWERS_SQL's query, each row one line of the answers CSV, rendered by the database:
    what belongs to a candidate, an interview, a topic or an interviewer once for each, in
    the CTEs, the rest once per answer. While names are `hidden` (the set hides them until
    decided), an undecided candidate is named by their code, and candidates go in code
    order."""

    def text(expression):
        return csv_text_sql(expression, vendor)

    def number(expression):
        return f"COALESCE(CAST({expression} AS TEXT), '')"

    name = f"({HIDDEN_NAME_SQL})" if hidden else "c.name"
    coverage = csv_decimals_sql("r.point_coverage", vendor)
    answer = [
        "CAST(iq.position AS TEXT) || CASE WHEN iq.follow_up_number > 0 "
        "THEN '.' || CAST(iq.follow_up_number AS TEXT) ELSE '' END",
        text("iq.prompt"),
        "t.cells",
        "u.cells",
        number("r.score"),
        "CASE WHEN r.skipped THEN 'yes' ELSE 'no' END",
        coverage,
        number("r.expected_points"),
        number("r.covered_points"),
        number("r.partial_points"),
        number("r.missed_points"),
        text("r.notes"),
    ]
    # PostgreSQL estimates a join on a materialized CTE's column blindly (by hundreds of
    # times at N = 50,000, enough to compile the query with JIT): the set's interviews stay a
    # plain subquery there, with their statistics, their stage rendered per answer.
    interviews = "NOT MATERIALIZED" if vendor == "postgresql" else "MATERIALIZED"
    return (
        ANSWERS_SQL.replace("{interviews}", interviews)
        .replace("{order}", "c.code" if hidden else "c.name")
        .replace("{candidate}", f"{text(name)} || ',' || {text('c.role_applied_for')}")
        .replace("{interview}", text("i.stage"))
        .replace("{topic}", text("name"))
        .replace("{interviewer}", text("username"))
        .replace("{answer}", " || ',' || ".join(f"({cell})" for cell in answer))
    )


ANSWERS_SQL = """
WITH i AS {interviews} (
    SELECT i.id, i.candidate_id, {candidate} || ',' || {interview} AS cells,
           ROW_NUMBER() OVER (ORDER BY {order}, c.id, i.scheduled_at, i.id) AS place
    FROM interviews_interview i
    JOIN interviews_candidate c ON c.id = i.candidate_id
    WHERE i.question_set_id = %s
), t AS MATERIALIZED (
    SELECT id, {topic} AS cells FROM questions_topic
), u AS MATERIALIZED (
    SELECT id, username, {interviewer} AS cells FROM auth_user
)
SELECT i.cells || ',' || {answer}
FROM i
JOIN scoring_scorecard s ON s.interview_id = i.id
JOIN scoring_rating r ON r.scorecard_id = s.id
JOIN interviews_interviewquestion iq ON iq.id = r.interview_question_id
JOIN t ON t.id = iq.topic_id
JOIN u ON u.id = s.interviewer_id
WHERE s.submitted_at IS NOT NULL {candidates}
ORDER BY i.place, iq.position, iq.follow_up_number, u.username
"""
# While the set hides names until decided: the code of a candidate with no decision recorded.
HIDDEN_NAME_SQL = """CASE
    WHEN EXISTS (SELECT 1 FROM scoring_decision d WHERE d.candidate_id = c.id) THEN c.name
    ELSE 'Candidate ' || c.code END"""


# The answers are sorted in one go, their lines built: with PostgreSQL's default 4 MB the sort
# spills to disk in many runs (740 MB at 50,000 candidates); with this, it merges them in
# one pass, a sixth sooner. For the transaction of the export only.
ANSWERS_SORT_MEMORY = "64MB"


def answer_lines(
    *, question_set: QuestionSet, candidates: QuerySet | None = None, chunk_size: int = 2000
) -> Iterator[str]:
    """Every submitted answer on the set (of `candidates`, a query of their pks, if given),
    as the lines of the answers CSV (exports.answers_csv), in candidate, interview, question
    and interviewer order: name, role, interview stage, question number (position, and
    follow-up number after a dot), prompt, topic, interviewer, score, skipped, coverage,
    expected points, covered, partial, missed, notes. Yields a piece of text per
    `chunk_size` answers.

    The database writes each line, every text cell made safe as `csv_text_sql` says: a
    Python call per row or cell would cost more than the query at millions of answers.
    The points and marks are read as each answer stored them at submission
    (Rating.expected_points and the rest), not counted: counting them took half of the
    query at 50,000 candidates. The interviews are put in candidate name order once
    (`i.place`), not compared by name for every answer; while the set hides names until
    decided, undecided candidates are named by their code and all are put in code order.
    Rows are fetched in chunks, from a server-side cursor on PostgreSQL; call this inside a
    transaction there (which the sort's memory, ANSWERS_SORT_MEMORY, is set for)."""
    where, params = "", [question_set.pk]
    if candidates is not None:
        subquery, subquery_params = candidates.order_by().query.sql_with_params()
        where, params = f"AND i.candidate_id IN ({subquery})", params + list(subquery_params)
    connection = connections[Candidate.objects.db]
    sql = _answers_sql(connection.vendor, hidden=question_set.hide_names_until_decided).replace(
        "{candidates}", where
    )
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"SET LOCAL work_mem = '{ANSWERS_SORT_MEMORY}'")
    with connection.chunked_cursor() as cursor:
        cursor.execute(sql, params)
        while rows := cursor.fetchmany(chunk_size):
            yield "\r\n".join([line for (line,) in rows]) + "\r\n"


# The sections of an interviewer's "My interviews" page, in the order they are shown.
UPCOMING = "upcoming"
IN_PROGRESS = "in_progress"
WAITING = "waiting"
DONE = "done"
MY_SECTIONS = [
    (UPCOMING, "Upcoming"),
    (IN_PROGRESS, "In progress"),
    (WAITING, "Waiting for my scorecard"),
    (DONE, "Done"),
]


def panel_of(interview: Interview) -> QuerySet[User]:
    """The interview's interviewers, each with whether their scorecard is submitted, and
    nothing else about it: hiring managers never see a draft."""
    return interview.interviewers.annotate(
        scorecard_submitted=Exists(
            Scorecard.objects.filter(
                interview=interview, interviewer=OuterRef("pk"), submitted_at__isnull=False
            )
        ),
        is_shadow=Exists(
            Interview.shadows.through.objects.filter(interview=interview, user=OuterRef("pk"))
        ),
    ).order_by("first_name", "last_name", "username")


def my_interviews(user: User, *, now: datetime | None = None) -> QuerySet[Interview]:
    """The interviews `user` is assigned to, each with `my_scorecard_submitted` and the
    `section` of the "My interviews" page it belongs to. An interview sits in the first
    section whose rule it meets:

    - Done: my scorecard is submitted, or the interview is completed or cancelled;
    - In progress: the interview was started live (and my scorecard is not submitted);
    - Waiting for my scorecard: still scheduled, but its time has come or passed, so it
      happened (or should have) without being started live: my scorecard is owed;
    - Upcoming: scheduled for later.

    Nothing here depends on the other interviewers' scorecards (the blind rule)."""
    now = now or timezone.now()
    return (
        Interview.objects.filter(interviewers=user)
        .select_related("candidate", "question_set")
        .annotate(
            my_scorecard_submitted=Exists(
                Scorecard.objects.filter(
                    interview=OuterRef("pk"), interviewer=user, submitted_at__isnull=False
                )
            ),
            section=Case(
                When(
                    Q(my_scorecard_submitted=True)
                    | Q(status__in=[Interview.Status.COMPLETED, Interview.Status.CANCELLED]),
                    then=Value(DONE),
                ),
                When(status=Interview.Status.IN_PROGRESS, then=Value(IN_PROGRESS)),
                When(scheduled_at__lte=now, then=Value(WAITING)),
                default=Value(UPCOMING),
                output_field=CharField(),
            ),
        )
    )


def my_section_counts(interviews: QuerySet[Interview]) -> dict[str, int]:
    """How many of `my_interviews(...)` fall in each section, every section present."""
    counts = dict.fromkeys((key for key, _ in MY_SECTIONS), 0)
    counts.update(interviews.order_by().values_list("section").annotate(count=Count("pk")))
    return counts


def inactive_candidates(*, days: int):
    """Candidates not yet erased with no activity in the last `days` days: not edited, no
    interview scheduled or completed, no scorecard written."""
    since = timezone.now() - timedelta(days=days)
    recent_interviews = Interview.objects.filter(
        Q(scheduled_at__gte=since) | Q(completed_at__gte=since)
    ).values("candidate")
    recent_scorecards = Scorecard.objects.filter(updated_at__gte=since).values(
        "interview__candidate"
    )
    return (
        Candidate.objects.filter(erased_at__isnull=True, updated_at__lt=since)
        .exclude(pk__in=recent_interviews)
        .exclude(pk__in=recent_scorecards)
        .order_by("pk")
    )
