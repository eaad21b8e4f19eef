"""Every CSV export quotes what a spreadsheet would run as a formula, in its cells and in
its header: a topic's name heads a column of the compare table, and calibration names
interviewers and topics."""

import csv
import io

import pytest
from django.db import connection
from django.urls import reverse

from interviews.tests.factories import CandidateFactory, planned_interview
from questions.models import Topic
from scoring import selectors, services

pytestmark = pytest.mark.django_db

TOPIC = '=HYPERLINK("http://evil")'
INTERVIEWER = "@SUM(1)"  # a full name; the answers CSV names interviewers by username
USERNAME = "+alice"


@pytest.fixture
def hostile(alice, bob):
    """A candidate interviewed by alice (whose names read as formulas) and bob on questions
    of topics named as a formula, both scorecards submitted."""
    alice.first_name, alice.username = INTERVIEWER, USERNAME
    alice.save()
    interview = planned_interview(
        interviewers=[alice, bob], candidate=CandidateFactory(name="-Ada"), points=1
    )
    Topic.objects.filter(questions__question_set=interview.question_set).update(name=TOPIC)
    for interviewer, score in ((alice, 4), (bob, 2)):
        scorecard = services.scorecard_for(interview=interview, interviewer=interviewer)
        for question in interview.questions.all():
            services.save_answer(interview_question=question, interviewer=interviewer, score=score)
        services.submit_scorecard(scorecard=scorecard, recommendation=3, summary="")
    return interview.question_set


def read_csv(response):
    assert response.status_code == 200
    content = response.getvalue() if response.streaming else response.content
    return list(csv.reader(io.StringIO(content.decode())))


def column(rows, name):
    header, *rows = rows
    return [row[header.index(name)] for row in rows]


def test_the_compare_csv_quotes_a_topic_in_its_header(client, hiring_manager, hostile):
    client.force_login(hiring_manager)
    rows = read_csv(client.get(reverse("compare_csv"), {"set": hostile.slug}))
    assert rows[0][-1] == "'" + TOPIC
    assert column(rows, "Candidate") == ["'-Ada"]


def test_the_answers_csv_quotes_topics_and_interviewers(client, hiring_manager, hostile):
    client.force_login(hiring_manager)
    rows = read_csv(client.get(reverse("compare_detail_csv"), {"set": hostile.slug}))
    assert set(column(rows, "Topic")) == {"'" + TOPIC}
    assert set(column(rows, "Interviewer")) == {"'" + USERNAME, "bob"}


def test_the_calibration_csvs_quote_interviewers_and_topics(client, hiring_manager, hostile):
    client.force_login(hiring_manager)
    rows = read_csv(client.get(reverse("calibration_interviewers_csv")))
    assert sorted(column(rows, "Interviewer")) == ["'" + INTERVIEWER, "bob"]
    rows = read_csv(client.get(reverse("calibration_agreement_csv")))
    topics = {row[1] for row in rows[1:] if row[0] == "Topic"}
    assert topics == {"'" + TOPIC}


NASTY = [
    "Plain",
    "",
    "=1+1",
    "+1",
    "-2",
    "@SUM(A1)",
    "\tindent",
    "\rreturn",
    'say "hi"',
    "a, b",
    "two\nlines",
    "cr\rinside",
    '=HYPERLINK("http://evil", "x")',
    "'already quoted",
    "tab\tinside",
    "Zoë, 日本",
    "ends with comma,",
    "%s %% 100%",
]


@pytest.mark.parametrize("value", NASTY)
def test_the_database_writes_a_text_cell_as_csv_text_and_the_csv_module_do(value):
    from django.db import connection

    from scoring.exports import csv_text
    from scoring.selectors import csv_text_sql

    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {csv_text_sql('v', connection.vendor)} FROM (SELECT %s AS v) x", [value]
        )
        (cell,) = cursor.fetchone()
    buffer = io.StringIO()
    csv.writer(buffer).writerow([csv_text(value), "next"])
    assert cell + ",next\r\n" == buffer.getvalue()


@pytest.mark.parametrize(
    "value", [0.0, 0.0625, 0.1875, 0.3125, 0.5625, 0.5, 2 / 3, 1 / 3, 1.0, None]
)
def test_the_database_writes_three_decimals_as_python_does(value):
    from django.db import connection

    from scoring.exports import csv_number
    from scoring.selectors import csv_decimals_sql

    with connection.cursor() as cursor:
        number = "CAST(%s AS DOUBLE PRECISION)"
        cursor.execute(
            f"SELECT {csv_decimals_sql('v', connection.vendor)} FROM (SELECT {number} AS v) x",
            [value],
        )
        (cell,) = cursor.fetchone()
    assert cell == csv_number(value)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL sorts the answers")
@pytest.mark.django_db(transaction=True)  # the export's own transaction ends with it
def test_the_answers_are_sorted_with_more_memory_for_the_export_only(
    client, hiring_manager, hostile
):
    client.force_login(hiring_manager)
    seen = []

    def watch(execute, sql, params, many, context):
        if "ORDER BY i.place" in sql:
            with connection.cursor() as cursor:
                cursor.execute("SHOW work_mem")
                seen.append(cursor.fetchone()[0])
        return execute(sql, params, many, context)

    with connection.execute_wrapper(watch):
        rows = read_csv(client.get(reverse("compare_detail_csv"), {"set": hostile.slug}))
    assert len(rows) > 1
    assert seen == [selectors.ANSWERS_SORT_MEMORY]
    with connection.cursor() as cursor:
        cursor.execute("SHOW work_mem")
        assert cursor.fetchone()[0] != selectors.ANSWERS_SORT_MEMORY
