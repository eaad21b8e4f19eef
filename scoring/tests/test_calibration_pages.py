"""The calibration and question analytics pages: what they show, their filters, their CSV
exports and their query counts. Who may open them is in tests/test_access.py."""

import csv
import io

import pytest
from django.urls import reverse

from interviews.tests.factories import interviewer_user, planned_interview
from scoring.tests.factories import write_scorecard

pytestmark = pytest.mark.django_db


@pytest.fixture
def history(alice, bob):
    """Two interviews of one set of two questions: alice 4, 4 and 3, 3; bob 2, 2 both times."""
    first = planned_interview(interviewers=[alice, bob], questions=2, points=1)
    second = planned_interview(interviewers=[alice, bob], question_set=first.question_set)
    for interview, alices in ((first, [4, 4]), (second, [3, 3])):
        write_scorecard(interview, alice, alices, recommendation=4)
        write_scorecard(interview, bob, [2, 2], recommendation=2)
    return first.question_set


def test_calibration_shows_each_interviewer_and_alpha(client, hiring_manager, history):
    client.force_login(hiring_manager)
    response = client.get(reverse("calibration"))
    assert response.status_code == 200
    text = response.text
    # Alice: +2 and +1 → +1.50; bob the mirror image.
    assert "+1.50" in text and "-1.50" in text
    assert "Krippendorff's α (ordinal)" in text
    agreement = response.context["agreement"]
    assert agreement.overall.units == 4
    assert response.context["query"] == ""


def test_calibration_filters_by_set(client, hiring_manager, history):
    client.force_login(hiring_manager)
    other = planned_interview(interviewers=[interviewer_user("zed")], questions=1)
    response = client.get(reverse("calibration"), {"set": other.question_set.slug})
    assert response.context["interviewers"] == []
    response = client.get(reverse("calibration"), {"set": history.slug, "from": "2000-01-01"})
    assert [row.name for row in response.context["interviewers"]] == ["alice", "bob"]
    assert response.context["query"] == f"set={history.slug}&from=2000-01-01"


@pytest.mark.parametrize(
    "query, message",
    [
        ({"from": "2026-13-01"}, "Interviews from: Enter a valid date."),
        ({"to": "yesterday"}, "To: Enter a valid date."),
        ({"from": "2026-11-02", "to": "2026-11-01"}, "The first date must not be after"),
        ({"set": "no-such-set"}, "Question set: Select a valid choice."),
        ({"stage": "Nope"}, "Stage: Select a valid choice."),
    ],
)
def test_bad_filters_are_a_message_not_an_error(client, hiring_manager, history, query, message):
    client.force_login(hiring_manager)
    response = client.get(reverse("calibration"), query)
    assert response.status_code == 200
    assert message in response.text
    assert response.context["interviewers"] == []
    csv_response = client.get(reverse("calibration_interviewers_csv"), query)
    assert csv_response.status_code == 200
    assert len(csv_response.content.decode().splitlines()) == 1  # the header only


def rows_of(response):
    return list(csv.reader(io.StringIO(response.content.decode())))


def test_interviewers_csv(client, hiring_manager, history):
    client.force_login(hiring_manager)
    rows = rows_of(client.get(reverse("calibration_interviewers_csv")))
    header = rows[0]
    alice = dict(zip(header, rows[1], strict=True))
    assert (alice["Interviewer"], alice["Scorecards"], alice["Leniency"]) == ("alice", "2", "1.5")
    assert (alice["Rated 3 Good"], alice["Rated 4 Excellent"], alice["Leniency scorecards"]) == (
        "2",
        "2",
        "2",
    )
    assert dict(zip(header, rows[2], strict=True))["Recommended No"] == "2"


def test_agreement_csv(client, hiring_manager, history):
    client.force_login(hiring_manager)
    rows = rows_of(client.get(reverse("calibration_agreement_csv")))
    assert rows[0] == ["Scope", "Name", "Units", "Alpha (ordinal)", "95% low", "95% high"]
    assert [row[:3] for row in rows[1:]][0] == ["Overall", "All questions", "4"]
    assert [row[0] for row in rows[1:]].count("Question") == 2


def build(size, alice, bob):
    first = planned_interview(interviewers=[alice, bob], questions=3, points=2)
    for number in range(size):
        interview = (
            first
            if number == 0
            else planned_interview(interviewers=[alice, bob], question_set=first.question_set)
        )
        write_scorecard(interview, alice, [3, 4, None], marks=[[2, 1]])
        write_scorecard(interview, bob, [2, 3, 1])
    return first.question_set


@pytest.mark.parametrize("size", [5, 12])  # from 5, every interviewer has an interval
def test_calibration_queries_do_not_grow(
    client, hiring_manager, alice, bob, django_assert_num_queries, size
):
    build(size, alice, bob)
    client.force_login(hiring_manager)
    # Session, user, permissions, the session saved; the sets and the stages of the
    # filters; the interviewers' stored sums and intervals, none stored yet: so their
    # scorecards (three queries) give them, stored, and unread ones pruned; the agreement's
    # sums, topics, questions and intervals, likewise (three, storing, pruning); the
    # interviewers' names; and one for trainees (their shadow scorecards: none here).
    with django_assert_num_queries(25):
        assert client.get(reverse("calibration")).status_code == 200
    # Then the figures and the trainees' shadow scorecards come from the cache
    # (scoring/figures.py), and no session save a minute on: session, user, permissions,
    # the sets and the names.
    with django_assert_num_queries(5):
        assert client.get(reverse("calibration")).status_code == 200
    # The CSV reads the page's figures from the cache: session, user, permissions, the
    # sets and the names.
    with django_assert_num_queries(5):
        client.get(reverse("calibration_interviewers_csv"))


@pytest.mark.parametrize("size", [1, 6])
def test_analytics_queries_do_not_grow(
    client, curator, alice, bob, django_assert_num_queries, size
):
    question_set = build(size, alice, bob)
    client.force_login(curator)
    # Session, user, two for permissions, the session saved, the set; five for the figures,
    # read from the stored sums (scoring/question_sums.py): the questions, their month sums,
    # their window sums, the points' texts and sums (no versions to split, no question
    # with enough answers for a leak interval).
    with django_assert_num_queries(12):
        response = client.get(reverse("question_analytics", args=[question_set.slug]))
    assert response.status_code == 200
    assert [row.times_asked for row in response.context["rows"]] == [size] * 3


def test_analytics_links_curators_to_the_admin_and_sorts(client, curator, hiring_manager, history):
    url = reverse("question_analytics", args=[history.slug])
    client.force_login(curator)
    rows = client.get(url, {"sort": "-position"}).context["rows"]
    assert [row.question.position for row in rows] == [2, 1]
    first = history.questions.get(position=1)
    admin_url = reverse("admin:questions_question_change", args=[first.pk])
    assert admin_url in client.get(url).text
    client.force_login(hiring_manager)
    response = client.get(url, {"sort": "nonsense"})
    assert response.status_code == 200
    assert admin_url not in response.text
    assert [row.question.position for row in response.context["rows"]] == [1, 2]


def test_analytics_of_an_unknown_set_is_404(client, hiring_manager):
    client.force_login(hiring_manager)
    assert client.get(reverse("question_analytics", args=["no-such-set"])).status_code == 404


def test_admin_lists_times_asked_and_mean_rating(client, curator, history):
    client.force_login(curator)
    response = client.get(
        reverse("admin:questions_question_changelist"),
        {"question_set__id__exact": history.pk, "o": "1"},
    )
    rows = [(q.position, q.times_asked, q.mean_rating) for q in response.context["cl"].result_list]
    # Each question: alice 4 then 3, bob 2 and 2 → 11 / 4.
    assert rows == [(1, 2, 2.75), (2, 2, 2.75)]
    assert "<th" in response.text and "Times asked" in response.text and "2.75" in response.text


@pytest.mark.parametrize("size", [1, 6])
def test_the_question_admin_list_queries_do_not_grow(
    client, curator, alice, bob, django_assert_num_queries, size
):
    """Issue 25: the exposure columns come from the stored sums, so the list sorted by them
    runs as many queries whatever the history."""
    question_set = build(size, alice, bob)
    client.force_login(curator)
    url = reverse("admin:questions_question_changelist")
    query = {"question_set__id__exact": question_set.pk, "o": "-9"}
    client.get(url, query)
    # Session, user, permissions; the filters' sets and topics; the count; the page's rows
    # with their figures (a subquery each over the question's sums).
    with django_assert_num_queries(7):
        response = client.get(url, query)
    assert [q.times_asked for q in response.context["cl"].result_list] == [size] * 3
