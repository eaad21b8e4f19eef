import csv
import io
import itertools
import re
from types import SimpleNamespace

import pytest
from django.db import connection
from django.urls import reverse

from config.pagination import PER_PAGE
from interviews.models import Candidate, Interview, InterviewQuestion
from interviews.tests.factories import CandidateFactory, planned_interview
from notifications import services as scheduling
from questions.models import Topic
from questions.tests.factories import QuestionFactory, TopicFactory
from scoring import results, services
from scoring.comparison import interviewer_initials, tally_bar, topic_chart
from scoring.exports import csv_number, csv_text
from scoring.jinja import render_partial
from scoring.models import CandidateResult, Recommendation, TopicMean
from scoring.tests.factories import write_scorecard

pytestmark = pytest.mark.django_db


def run_interview(interviewers, scores, recommendations, candidate=None, question_set=None):
    """Plan an interview on `question_set` and submit one scorecard per interviewer, rating
    every question with that interviewer's score."""
    interview = planned_interview(
        interviewers=interviewers, candidate=candidate, question_set=question_set, questions=2
    )
    for interviewer, score, recommendation in zip(
        interviewers, scores, recommendations, strict=True
    ):
        write_scorecard(
            interview,
            interviewer,
            score,
            notes=f"{interviewer} notes",
            recommendation=recommendation,
        )
    return interview


@pytest.fixture
def backend(alice, bob):
    ada = CandidateFactory(name="Ada", role_applied_for="Backend Developer")
    bo = CandidateFactory(name="Bo", role_applied_for="Backend Developer")
    cy = CandidateFactory(name="Cy", role_applied_for="Platform Engineer")
    first = run_interview([alice, bob], [4, 3], [4, 3], candidate=ada)
    question_set = first.question_set
    question_set.slug, question_set.title = "backend", "Backend"
    question_set.save()
    run_interview([alice, bob], [1, 4], [1, 4], candidate=bo, question_set=first.question_set)
    run_interview([alice, bob], [2, 2], [2, 2], candidate=cy, question_set=first.question_set)
    return question_set


def read_csv(response):
    """The rows of a streamed CSV, read to the end (which runs its queries)."""
    assert response.streaming
    return list(csv.reader(io.StringIO(response.getvalue().decode())))


def compare_rows(response):
    return [(c.name, c.mean, c.spread) for c in response.context["page"]]


def test_compare_rows_and_sorting_by_query_string(client, hiring_manager, backend):
    client.force_login(hiring_manager)
    response = client.get(reverse("compare"))
    assert response.status_code == 200
    assert response.context["comparison"].question_set == backend
    assert compare_rows(response) == [("Ada", 3.5, 1.0), ("Bo", 2.5, 3.0), ("Cy", 2.0, 0.0)]

    response = client.get(reverse("compare"), {"set": "backend", "sort": "-spread"})
    assert [row[0] for row in compare_rows(response)] == ["Bo", "Ada", "Cy"]
    response = client.get(reverse("compare"), {"set": "backend", "sort": "mean"})
    assert [row[0] for row in compare_rows(response)] == ["Cy", "Bo", "Ada"]
    # The sort links keep the set and filters, and reverse the active column.
    spread = next(h for h in response.context["headers"] if h["label"] == "Spread")
    assert spread["query"] == "set=backend&sort=-spread"
    mean = next(h for h in response.context["headers"] if h["label"] == "Mean")
    assert (mean["active"], mean["query"]) == (True, "set=backend&sort=-mean")


def test_compare_filters_by_role_and_status(client, hiring_manager, backend, alice):
    client.force_login(hiring_manager)
    response = client.get(reverse("compare"), {"role": "Platform Engineer"})
    assert [row[0] for row in compare_rows(response)] == ["Cy"]
    planned_interview(
        interviewers=[alice], question_set=backend, candidate=CandidateFactory(name="Di")
    )
    response = client.get(reverse("compare"), {"status": "scheduled"})
    assert [row[0] for row in compare_rows(response)] == ["Di"]
    # Only scheduled, Di has an empty stored result, listed after every number.
    response = client.get(reverse("compare"), {"sort": "-mean"})
    assert compare_rows(response) == [
        ("Ada", 3.5, 1.0),
        ("Bo", 2.5, 3.0),
        ("Cy", 2.0, 0.0),
        ("Di", None, None),
    ]


def test_an_unknown_sort_falls_back_to_names(client, hiring_manager, backend):
    client.force_login(hiring_manager)
    response = client.get(reverse("compare"), {"sort": "password"})
    assert [row[0] for row in compare_rows(response)] == ["Ada", "Bo", "Cy"]


def test_compare_paginates(client, hiring_manager, alice):
    first = planned_interview(interviewers=[alice], candidate=CandidateFactory(name="A first"))
    for number in range(26):
        planned_interview(
            interviewers=[alice],
            question_set=first.question_set,
            candidate=CandidateFactory(name=f"Candidate {number:02}"),
        )
    client.force_login(hiring_manager)
    response = client.get(reverse("compare"), {"set": first.question_set.slug, "page": 2})
    assert response.context["page"].paginator.count == 27
    assert [c.name for c in response.context["page"]] == ["Candidate 24", "Candidate 25"]


# Two sizes on either side of a page (the page counts and reads one page only).
@pytest.mark.parametrize("size", [3, PER_PAGE + 2])
@pytest.mark.parametrize("sort", ["-median", "-topic"])
def test_compare_queries_do_not_grow_with_candidates(
    client, hiring_manager, alice, bob, django_assert_num_queries, size, sort
):
    first = run_interview([alice, bob], [3, 2], [3, 2])
    for _ in range(size - 1):
        run_interview([alice, bob], [3, 2], [3, 2], question_set=first.question_set)
    topic = first.questions.order_by("position").first().topic_id
    client.force_login(hiring_manager)
    # session, user, permissions, sets, the set last scheduled (none is named), topics,
    # roles and count (one query over the set's result groups), the page's results (a
    # topic's walked within the same query) … and the session's save, which keeps it
    # alive (3)
    with django_assert_num_queries(11):
        response = client.get(
            reverse("compare"), {"sort": sort.replace("topic", f"topic-{topic}")}
        )
    assert response.context["page"].paginator.count == size


@pytest.mark.parametrize("size", [3, PER_PAGE + 2])
def test_csv_queries_do_not_grow_with_candidates(
    client, hiring_manager, alice, bob, django_assert_num_queries, size
):
    first = run_interview([alice, bob], [3, 2], [3, 2])
    for _ in range(size - 1):
        run_interview([alice, bob], [3, 2], [3, 2], question_set=first.question_set)
    client.force_login(hiring_manager)
    # session, user, permissions, sets, the set last scheduled, topics, rows
    # … and the session's save, which keeps it alive (3)
    with django_assert_num_queries(10):
        table = read_csv(client.get(reverse("compare_csv")))
    # No session save: the first request refreshed it less than a minute ago. PostgreSQL
    # sets the sort's memory first (selectors.ANSWERS_SORT_MEMORY).
    with django_assert_num_queries(8 if connection.vendor == "postgresql" else 7):
        answers = read_csv(client.get(reverse("compare_detail_csv")))
    # With the set named, it is looked up by its slug instead.
    set_ = {"set": first.question_set.slug}
    with django_assert_num_queries(6):
        read_csv(client.get(reverse("compare_csv"), set_))
    assert len(table) == size + 1
    assert len(answers) == size * 4 + 1


def test_the_table_csv_matches_the_page(client, hiring_manager, backend):
    client.force_login(hiring_manager)
    response = client.get(reverse("compare_csv"), {"set": "backend", "sort": "-mean"})
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="rubric-backend-')
    rows = read_csv(response)
    assert rows[0][:14] == [
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
    ]
    assert [row[0] for row in rows[1:]] == ["Ada", "Bo", "Cy"]
    assert rows[2][3:14] == [
        "2",
        "2.500",
        "2.500",
        "3.000",
        "1",
        "0",
        "0",
        "1",
        "0.000",
        "yes",
        "Undecided",
    ]
    # A column per topic: Bo was rated 1 by one and 4 by the other on every question.
    topics = len(rows[0]) - 14
    assert topics >= 1
    assert rows[2][14:] == ["2.500"] * topics


def test_the_answers_csv_has_a_row_per_candidate_question_and_interviewer(
    client, hiring_manager, backend
):
    client.force_login(hiring_manager)
    rows = read_csv(client.get(reverse("compare_detail_csv")))
    assert rows[0] == [
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
    assert len(rows) == 1 + 3 * 2 * 2
    ada_first = rows[1]
    assert (ada_first[0], ada_first[3], ada_first[6], ada_first[7], ada_first[9]) == (
        "Ada",
        "1",
        "alice",
        "4",
        "0.000",
    )
    # In name order, whatever order the candidates were added in.
    Candidate.objects.filter(name="Ada").update(name="Zoe")
    rows = read_csv(client.get(reverse("compare_detail_csv")))
    assert [row[0] for row in rows[1::4]] == ["Bo", "Cy", "Zoe"]


@pytest.mark.parametrize(
    "value, cell",
    [
        ('=HYPERLINK("http://evil")', '\'=HYPERLINK("http://evil")'),
        ("+1", "'+1"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tindent", "'\tindent"),
        ("Plain", "Plain"),
    ],
)
def test_csv_cells_that_look_like_formulas_are_neutralised(value, cell):
    assert csv_text(value) == cell


def test_csv_numbers_have_three_decimals():
    assert (csv_number(0.5), csv_number(2.0), csv_number(None)) == ("0.500", "2.000", "")


def test_a_formula_in_notes_reaches_the_csv_neutralised(client, hiring_manager, alice):
    interview = planned_interview(interviewers=[alice], questions=1)
    scorecard = services.scorecard_for(interview=interview, interviewer=alice)
    services.save_answer(
        interview_question=interview.questions.get(),
        interviewer=scorecard.interviewer,
        notes="=1+1",
    )
    services.submit_scorecard(scorecard=scorecard, recommendation=3, summary="")
    client.force_login(hiring_manager)
    rows = read_csv(client.get(reverse("compare_detail_csv")))
    assert rows[1][-1] == "'=1+1"


def test_the_grid_shows_picked_candidates_side_by_side(client, hiring_manager, backend):
    client.force_login(hiring_manager)
    ids = dict(Candidate.objects.values_list("name", "pk"))
    response = client.get(
        reverse("compare_grid"), {"set": "backend", "candidate": [ids["Ada"], ids["Bo"]]}
    )
    assert response.status_code == 200
    assert [c.name for c in response.context["candidates"]] == ["Ada", "Bo"]
    rows = response.context["rows"]
    assert len(rows) == 2
    question, cells = rows[0]
    assert [cell["mean"] for cell in cells] == [3.5, 2.5]
    cells_html = re.search(r'<tbody>\s*<tr><th scope="row".*?</tr>', response.text).group()
    # Each rating names its interviewer: initials on screen, the name on hover and focus.
    assert re.findall(r'title="([^"]*)"', cells_html) == [
        "alice: 4 Excellent",
        "bob: 3 Good",
        "alice: 1 Poor",
        "bob: 4 Excellent",
    ]
    assert '<span class="rating-initials" aria-hidden="true">A</span>' in cells_html
    assert "<svg" in response.text


@pytest.mark.parametrize("interviews", [1, 4])
def test_grid_queries_do_not_grow(
    client, hiring_manager, alice, bob, django_assert_num_queries, interviews
):
    first = run_interview([alice, bob], [3, 2], [3, 2])
    second = run_interview([alice, bob], [4, 1], [3, 2], question_set=first.question_set)
    for _ in range(interviews - 1):
        again = {"candidate": first.candidate, "question_set": first.question_set}
        run_interview([alice, bob], [2, 2], [3, 2], **again)
    client.force_login(hiring_manager)
    picked = {
        "set": first.question_set.slug,
        "candidate": [first.candidate_id, second.candidate_id],
    }
    # session, user, permissions, set, topics, results with their grids, interviewers,
    # asked questions
    # … and the session's save, which keeps it alive (3)
    with django_assert_num_queries(11):
        response = client.get(reverse("compare_grid"), picked)
    assert [name for _, name in response.context["interviewers"]] == ["alice", "bob"]
    assert len(response.context["rows"]) == 2


def test_the_grid_shows_the_questions_as_the_interviews_asked_them(
    client, hiring_manager, backend
):
    bank_question = InterviewQuestion.objects.filter(question__isnull=False).first().question
    asked_prompt = bank_question.prompt
    bank_question.prompt = "Reworded in the bank after the interviews"
    bank_question.save()
    client.force_login(hiring_manager)
    ids = dict(Candidate.objects.values_list("name", "pk"))
    response = client.get(
        reverse("compare_grid"), {"set": "backend", "candidate": [ids["Ada"], ids["Bo"]]}
    )
    assert asked_prompt in [question.prompt for question, _ in response.context["rows"]]
    assert "Reworded in the bank" not in response.text


@pytest.mark.parametrize("picked", [["Ada"], ["Ada", "Bo", "Cy", "Ada", "x"], []])
def test_the_grid_needs_two_to_four_candidates(client, hiring_manager, backend, picked):
    ids = [str(Candidate.objects.get(name=n).pk) if n != "x" else "x" for n in picked]
    client.force_login(hiring_manager)
    response = client.get(reverse("compare_grid"), {"set": "backend", "candidate": ids})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("compare"))


def test_the_candidate_page_shows_the_result_and_why_they_disagree(
    client, hiring_manager, backend
):
    bo = Candidate.objects.get(name="Bo")
    client.force_login(hiring_manager)
    response = client.get(reverse("candidate_detail", args=[bo.pk]))
    assert response.status_code == 200
    [result] = response.context["results"]
    assert (result.mean, result.median, result.spread, result.scorecard_count) == (
        2.5,
        2.5,
        3.0,
        2,
    )
    assert result.reasons == [
        "the recommendations fall on both sides of hire",
        "the scorecard scores are 3.00 apart (flagged from 1.5)",
    ]
    assert 'id="disagreement-backend"' in response.text
    assert "Strong no 1 · No 0 · Yes 0 · Strong yes 1" in response.text


def test_a_candidate_without_scorecards_says_so(client, hiring_manager):
    candidate = CandidateFactory()
    client.force_login(hiring_manager)
    response = client.get(reverse("candidate_detail", args=[candidate.pk]))
    assert "No submitted scorecard yet." in response.text
    assert client.get(reverse("candidate_detail", args=[999999])).status_code == 404


@pytest.mark.parametrize("interviews", [1, 5])
def test_candidate_page_queries_do_not_grow(
    client, hiring_manager, alice, bob, django_assert_num_queries, interviews
):
    candidate = CandidateFactory()
    for _ in range(interviews):
        run_interview([alice, bob], [3, 2], [3, 2], candidate=candidate)
    client.force_login(hiring_manager)
    # session, user, permissions, candidate, results, topics, interviews, scorecards,
    # interviewers, the standing decision, the loop's interview statuses
    # … and the session's save, which keeps it alive (3)
    with django_assert_num_queries(14):
        client.get(reverse("candidate_detail", args=[candidate.pk]))


@pytest.mark.parametrize("questions", [2, 12])
def test_scorecard_page_queries_do_not_grow(
    client, hiring_manager, alice, django_assert_num_queries, questions
):
    interview = planned_interview(interviewers=[alice], questions=questions)
    scorecard = services.scorecard_for(interview=interview, interviewer=alice)
    for question in interview.questions.all():
        services.save_answer(
            interview_question=question, interviewer=scorecard.interviewer, score=3
        )
        services.save_answer(
            interview_question=question,
            interviewer=scorecard.interviewer,
            marks={question.points.first().pk: 1},
        )
    services.submit_scorecard(scorecard=scorecard, recommendation=3, summary="")
    client.force_login(hiring_manager)
    # session, user, scorecard, permissions, whether the candidate's name is hidden until
    # decided, ratings, marks, points, topic means, amendments
    # … and the session's save, which keeps it alive (3)
    with django_assert_num_queries(13):
        response = client.get(reverse("scorecard_detail", args=[scorecard.pk]))
    assert len(response.context["answers"]) == questions


def test_the_scorecard_page_shows_each_answer_with_marks_and_coverage(client, alice):
    interview = planned_interview(interviewers=[alice], questions=1, points=2)
    question = interview.questions.get()
    covered, missed = question.points.all()
    scorecard = services.scorecard_for(interview=interview, interviewer=alice)
    services.save_answer(interview_question=question, interviewer=scorecard.interviewer, score=3)
    services.save_answer(
        interview_question=question, interviewer=scorecard.interviewer, marks={covered.pk: 2}
    )
    services.save_answer(
        interview_question=question, interviewer=scorecard.interviewer, marks={missed.pk: 0}
    )
    services.save_answer(
        interview_question=question, interviewer=scorecard.interviewer, notes="Gave an example."
    )
    services.submit_scorecard(scorecard=scorecard, recommendation=4, summary="Hire her.")
    client.force_login(alice)
    page = client.get(reverse("scorecard_detail", args=[scorecard.pk])).text
    assert "3 Good" in page
    assert "coverage 50 %" in page
    assert f'<span class="badge text-bg-success">Covered</span> {covered.text}' in page
    assert f'<span class="badge text-bg-danger">Missed</span> {missed.text}' in page
    assert "Gave an example." in page
    assert "Strong yes" in page
    assert "Hire her." in page
    assert "3.00" in page


def test_the_answers_csv_follows_the_filters(client, hiring_manager, backend):
    client.force_login(hiring_manager)
    rows = read_csv(client.get(reverse("compare_detail_csv"), {"role": "Platform Engineer"}))
    assert [row[0] for row in rows[1:]] == ["Cy"] * 4
    rows = read_csv(client.get(reverse("compare_detail_csv"), {"role": "Nobody's role"}))
    assert len(rows) == 1


# How the compare page and the grid present their numbers ----------------------------------


def header_labels(response):
    return re.findall(r'class="sort-link" href="[^"]*">([^<]*)</a>', response.text)


def test_the_topic_columns_shown_are_chosen_in_the_query_string(client, hiring_manager, backend):
    first, second = Topic.objects.filter(questions__question_set=backend).order_by("pk")
    client.force_login(hiring_manager)
    response = client.get(reverse("compare"), {"topic": [second.pk], "sort": "-mean"})
    assert header_labels(response)[7:] == [second.name]
    ada = compare_row(response, "Ada")
    assert ada.count("<td") == 7 + 1
    # Sorting, the filters and the grid keep the choice; the printed heading names it.
    assert f"sort=-median&amp;topic={second.pk}" in response.text
    assert response.text.count(f'<input type="hidden" name="topic" value="{second.pk}">') == 2
    assert (
        "Question set: Backend · role: any · interview status: any · decision: any · "
        f"topics: {second.name}" in (response.text)
    )
    # All topics shown: the query string does not list them.
    response = client.get(reverse("compare"), {"topic": [first.pk, second.pk]})
    assert header_labels(response)[7:] == [first.name, second.name]
    assert "topic=" not in response.context["query"]


def test_unknown_topic_columns_are_ignored(client, hiring_manager, backend):
    client.force_login(hiring_manager)
    for topics in [["x"], ["999999"], [""], ["1.5", "-1"]]:
        response = client.get(reverse("compare"), {"topic": topics})
        assert response.status_code == 200
        assert len(header_labels(response)) == 7 + 2  # the decision column is not sorted


def compare_row(response, name):
    """The compare page's row of the candidate called `name`, as HTML."""
    rows = re.findall(r"<tr data-candidate=.*?</tr>", response.text)
    return next(row for row in rows if f'aria-label="Pick {name}"' in row)


def render_tally(candidate):
    return render_partial("scoring/tally_bar.html", {"tally": tally_bar(candidate)})


def test_the_median_is_banded_like_the_mean(client, hiring_manager, backend):
    client.force_login(hiring_manager)
    response = client.get(reverse("compare"), {"sort": "name"})
    ada = response.context["page"][0]
    assert (ada.name, ada.mean, ada.median) == ("Ada", 3.5, 3.5)
    assert '<td class="text-end score-band-4" data-column="median">3.50</td>' in compare_row(
        response, "Ada"
    )


def test_the_tally_is_a_labelled_stacked_bar():
    candidate = SimpleNamespace(strong_no=1, no=0, yes=2, strong_yes=1)
    bar = render_tally(candidate)
    words = "Strong no 1, No 0, Yes 2, Strong yes 1"
    assert f'role="img" aria-label="Recommendations: {words}"><title>{words}</title>' in bar
    assert re.findall(r'<rect x="([\d.]+)" y="0" width="([\d.]+)"', bar) == [
        ("0.0", "25.0"),
        ("25.0", "50.0"),
        ("75.0", "25.0"),
    ]
    assert re.findall(r"<text [^>]*>(\d+)</text>", bar) == ["1", "2", "1"]
    nobody = render_tally(SimpleNamespace(strong_no=0, no=0, yes=0, strong_yes=0))
    assert "<rect" not in nobody and ">–</text>" in nobody


def test_interviewers_with_the_same_initials_are_told_apart():
    people = [(1, "Alice Archer"), (2, "Anna Abbott"), (3, "bob")]
    assert list(interviewer_initials(people).values()) == [
        ("AA", "Alice Archer"),
        ("AA2", "Anna Abbott"),
        ("B", "bob"),
    ]


def test_the_chart_reads_0_to_4_with_level_names_and_wraps_long_topics():
    topics = [
        SimpleNamespace(pk=1, name="Caching and performance"),
        SimpleNamespace(pk=2, name="APIs"),
    ]
    candidates = [
        SimpleNamespace(shown_name="Ada", topic_means={"topic_1": 4.0}),
        SimpleNamespace(shown_name="Bo <b>", topic_means={"topic_1": 2, "topic_2": 1}),
    ]
    chart = topic_chart(topics, candidates)
    assert [line["label"] for line in chart["gridlines"]] == [
        "0",
        "1 Poor",
        "2 Mixed",
        "3 Good",
        "4 Excellent",
    ]
    assert chart["gridlines"][0]["y"] == chart["baseline"]
    caching, apis = chart["groups"]
    assert [line["text"] for line in caching["label_lines"]] == ["Caching", "and", "performance"]
    assert [line["text"] for line in apis["label_lines"]] == ["APIs"]
    # Tall enough for the three lines, and no more.
    assert chart["height"] == 10 + 160 + 8 + 3 * 13
    assert [bar["height"] for bar in caching["bars"]] == [160, 80]
    assert [bar["title"] for bar in apis["bars"]] == ["Ada, APIs: –", "Bo <b>, APIs: 1.00"]
    assert [bar["drawn"] for bar in apis["bars"]] == [False, True]
    # Drawn as SVG, names escaped; a missing mean draws no bar but fills its table cell.
    drawn = render_partial("scoring/topic_chart.html", {"chart": chart, "candidates": candidates})
    assert drawn.count("<rect fill=") == 3
    assert (
        '<rect fill="url(#series-1)" stroke="#212529" stroke-width="0.5" x="164" y="130.0"'
        ' width="18" height="40.0"><title>Bo &lt;b&gt;, APIs: 1.00</title></rect>'
        '<text class="chart-label" text-anchor="middle"><tspan x="163.0" y="186">APIs</tspan>'
        "</text>"
    ) in drawn
    assert (
        '<th scope="row" class="fw-normal">APIs</th>'
        '<td class="text-end">–</td><td class="text-end">1.00</td></tr>'
    ) in drawn
    assert "Mean rating per topic for Ada, Bo &lt;b&gt;; the numbers" in drawn


def test_the_role_choices_are_the_sets_roles_in_order(client, hiring_manager, backend, alice):
    planned_interview(interviewers=[alice], candidate=CandidateFactory(role_applied_for=""))
    planned_interview(
        interviewers=[alice],
        question_set=backend,
        candidate=CandidateFactory(name="Di", role_applied_for="Analyst"),
    )
    planned_interview(interviewers=[alice], candidate=CandidateFactory(role_applied_for="Other"))
    planned_interview(
        interviewers=[alice],
        question_set=backend,
        candidate=CandidateFactory(name="Ed", role_applied_for=""),
    )
    client.force_login(hiring_manager)
    response = client.get(reverse("compare"), {"set": "backend"})
    assert response.context["comparison"].roles == [
        "Analyst",
        "Backend Developer",
        "Platform Engineer",
    ]


def test_sorting_and_filtering_follow_an_edited_name_and_role(client, hiring_manager, backend):
    client.force_login(hiring_manager)
    ada = Candidate.objects.get(name="Ada")
    client.post(
        reverse("candidate_edit", args=[ada.pk]),
        {"name": "Zed", "email": ada.email, "role_applied_for": "Platform Engineer"},
    )
    response = client.get(reverse("compare"), {"set": "backend"})
    assert [row[0] for row in compare_rows(response)] == ["Bo", "Cy", "Zed"]
    response = client.get(reverse("compare"), {"set": "backend", "sort": "-name"})
    assert [row[0] for row in compare_rows(response)] == ["Zed", "Cy", "Bo"]
    response = client.get(reverse("compare"), {"set": "backend", "role": "Platform Engineer"})
    assert [row[0] for row in compare_rows(response)] == ["Cy", "Zed"]
    assert response.context["comparison"].roles == ["Backend Developer", "Platform Engineer"]


def test_sorting_by_a_topic_puts_candidates_without_its_mean_last(
    client, hiring_manager, backend, alice
):
    planned_interview(
        interviewers=[alice], question_set=backend, candidate=CandidateFactory(name="Al")
    )
    topic = Topic.objects.get(pk=InterviewQuestion.objects.order_by("pk").first().topic_id)
    client.force_login(hiring_manager)
    response = client.get(reverse("compare"), {"set": "backend", "sort": f"topic-{topic.pk}"})
    assert [c.name for c in response.context["page"]] == ["Cy", "Bo", "Ada", "Al"]
    response = client.get(reverse("compare"), {"set": "backend", "sort": f"-topic-{topic.pk}"})
    assert [c.name for c in response.context["page"]] == ["Ada", "Bo", "Cy", "Al"]


def test_each_compare_row_links_its_candidate_and_flags_disagreement(
    client, hiring_manager, backend
):
    client.force_login(hiring_manager)
    response = client.get(reverse("compare"), {"set": "backend"})
    ids = dict(Candidate.objects.values_list("name", "pk"))
    rows = re.findall(r'<tr data-candidate="(\d+)">.*?</tr>', response.text, re.S)
    assert rows == [str(ids["Ada"]), str(ids["Bo"]), str(ids["Cy"])]
    for name in ("Ada", "Bo", "Cy"):
        link = f'<a href="{reverse("candidate_detail", args=[ids[name]])}">{name}</a>'
        assert link in response.text
    # Bo's interviewers fall on both sides of hire; Ada's and Cy's do not.
    flagged = re.findall(
        r'value="(\d+)" aria-label="Pick (\w+)"><div><span class="text-nowrap">'
        r'<a [^>]*>\w+</a>( <span class="badge)?',
        response.text,
    )
    assert [(name, bool(badge)) for _, name, badge in flagged] == [
        ("Ada", False),
        ("Bo", True),
        ("Cy", False),
    ]


def test_a_grid_row_heading_cuts_a_long_prompt_and_escapes_it():
    question = SimpleNamespace(bank_position=7, prompt="<b>Why</b> " + "x" * 100, topic_name="A&B")
    row = render_partial("scoring/grid_rows.html", {"rows": [(question, [])], "candidates": []})
    prompt = "&lt;b&gt;Why&lt;/b&gt; " + "x" * 78 + "…"
    assert row.strip() == (
        '<tr><th scope="row" class="fw-normal sticky-column"><span class="text-body-secondary">'
        f'7.</span> {prompt} <span class="small text-body-secondary">· A&amp;B</span></th></tr>'
    )


def test_compare_opens_on_the_set_last_scheduled_and_lists_every_set_by_title(
    client, hiring_manager, backend, alice
):
    client.force_login(hiring_manager)
    # Another set with one interview, scheduled after the backend set's three.
    other = planned_interview(interviewers=[alice], questions=1).question_set
    other.title = "Accounting"
    other.save()
    response = client.get(reverse("compare"))
    comparison = response.context["comparison"]
    assert comparison.question_set == other
    assert [s.title for s in comparison.question_sets] == ["Accounting", "Backend"]
    # A set asked for by its slug is kept; an unknown slug opens on the set last scheduled.
    assert (
        client.get(reverse("compare"), {"set": "backend"}).context["comparison"].question_set
        == backend
    )
    assert (
        client.get(reverse("compare"), {"set": "nope"}).context["comparison"].question_set == other
    )
    run_interview([alice], [3], [3], question_set=backend)
    assert client.get(reverse("compare")).context["comparison"].question_set == backend


def test_compare_columns_are_the_topics_some_interview_asked_in_order(
    client, hiring_manager, alice
):
    interview = planned_interview(interviewers=[alice], questions=2)
    question_set = interview.question_set
    first, second = question_set.questions.order_by("position")
    first.topic.position, second.topic.position = 2, 1
    first.topic.save()
    second.topic.save()
    # A question added to the bank later has not been asked: its topic is no column, nor is
    # the topic of another set's question that was asked.
    QuestionFactory(question_set=question_set, topic=TopicFactory(position=0))
    planned_interview(interviewers=[alice], questions=1)
    client.force_login(hiring_manager)
    response = client.get(reverse("compare"), {"set": question_set.slug})
    assert response.context["comparison"].topics == [second.topic, first.topic]


@pytest.mark.parametrize("hidden", [False, True])
@pytest.mark.parametrize("sort", ["topic", "-topic"])
def test_paging_by_a_topic_shows_every_result_once_in_the_csvs_order(
    client, hiring_manager, alice, sort, hidden
):
    """The page walks the topic's means from their index, then the results without one; the
    CSV sorts every row: both give one order, across pages, ties by name (code while names
    are hidden) and candidate, with the filters applied."""
    interview = planned_interview(interviewers=[alice], questions=1)
    question_set, topic = interview.question_set, interview.questions.get().topic
    question_set.hide_names_until_decided = hidden
    question_set.save()
    other = TopicFactory()
    stored = []
    for number in range(2 * PER_PAGE + 12):
        candidate = CandidateFactory(name=f"Name {number % 9}")
        means = {}
        if number < 2 * PER_PAGE - 2:
            means[f"topic_{topic.pk}"] = (number % 7) / 2
        means[f"topic_{other.pk}"] = 1.0
        result = CandidateResult.objects.create(
            candidate=candidate,
            question_set=question_set,
            name=candidate.name,
            role_applied_for="Backend" if number % 5 else "Data",
            scorecard_count=0,
            strong_no=0,
            no=0,
            yes=0,
            strong_yes=0,
            net_votes=0,
            split_decision=False,
            disagreement=False,
            any_completed=number % 4 > 0,
            topic_means=means,
        )
        stored.extend(results.topic_mean_rows(result))
    TopicMean.objects.bulk_create(stored)
    results.store_result_groups()
    client.force_login(hiring_manager)
    query = {"set": question_set.slug, "sort": sort.replace("topic", f"topic-{topic.pk}")}
    # 63 results on 3 pages (48 with a mean: the second page ends past them, the third
    # starts there), and 37 on 2 with the filters.
    for filters, pages in [({}, 3), ({"role": "Backend", "status": "completed"}, 2)]:
        shown = []
        for number in range(1, pages + 1):
            response = client.get(reverse("compare"), {**query, **filters, "page": number})
            shown.extend(result.candidate_id for result in response.context["page"])
        assert response.context["page"].paginator.num_pages == pages
        expected = [result.candidate_id for result in response.context["comparison"].results()]
        assert shown == expected
        assert len(set(shown)) == len(shown) == response.context["page"].paginator.count


def test_compare_counts_and_lists_roles_as_its_rows_pass_the_filters(
    client, hiring_manager, alice
):
    """The count and the roles come from the set's result groups, the rows from the results:
    for every filter, the page counts exactly the rows it lists."""
    done = run_interview([alice], [3], [Recommendation.YES])
    question_set = done.question_set
    services.record_decision(
        candidate=done.candidate, manager=hiring_manager, outcome="hire", rationale="Good."
    )
    run_interview(
        [alice],
        [2],
        [Recommendation.NO],
        candidate=CandidateFactory(role_applied_for="Data Engineer"),
        question_set=question_set,
    )
    cancelled = planned_interview(
        interviewers=[alice],
        question_set=question_set,
        candidate=CandidateFactory(role_applied_for="Data Engineer"),
    )
    scheduling.cancel_interview(interview=cancelled)
    planned_interview(
        interviewers=[alice],
        question_set=question_set,
        candidate=CandidateFactory(role_applied_for=""),
    )
    client.force_login(hiring_manager)
    roles = ["", "Backend Developer", "Data Engineer", "Nobody applied"]
    statuses = ["", *Interview.Status.values]
    decisions = ["", "undecided", "hire", "no_hire"]
    counted = []
    for role, status, decision in itertools.product(roles, statuses, decisions):
        query = {"set": question_set.slug, "role": role, "status": status, "decision": decision}
        response = client.get(reverse("compare"), query)
        comparison = response.context["comparison"]
        listed = list(comparison.matching())
        assert response.context["page"].paginator.count == len(listed), query
        assert comparison.roles == ["Backend Developer", "Data Engineer"]
        counted.append(len(listed))
    # The filters did tell the results apart.
    assert max(counted) == 4
    assert sorted(set(counted)) == [0, 1, 2, 3, 4]
