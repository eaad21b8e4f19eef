"""Exposure: how many candidates each bank question was asked of, over which windows, and the
over-exposed flag at the set's threshold; on question analytics, in the admin list and in the
API. Who may open them is in tests/test_access.py."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from api.tests.conftest import client_for
from interviews.tests.factories import CandidateFactory, planned_interview
from questions.tests.factories import QuestionFactory, QuestionSetFactory
from scoring import calibration
from scoring.tests.factories import write_scorecard

pytestmark = pytest.mark.django_db


def days_ago(days):
    return timezone.now() - datetime.timedelta(days=days)


@pytest.fixture
def exposed(alice, bob):
    """Q1 and Q2 of one set, both asked 10, 60, 200 and 400 days ago of four candidates, and
    20 days ago again of the first (a second interview). A draft does not count."""
    question_set = QuestionSetFactory(slug="exposed")
    QuestionFactory(question_set=question_set, position=1)
    QuestionFactory(question_set=question_set, position=2)
    ada = CandidateFactory(name="Ada")
    plan = [(ada, 10), (CandidateFactory(), 60), (CandidateFactory(), 200), (ada, 20)]
    for candidate, days in plan:
        interview = planned_interview(
            interviewers=[alice, bob],
            candidate=candidate,
            question_set=question_set,
            scheduled_at=days_ago(days),
        )
        write_scorecard(interview, alice, [3] * interview.questions.count())
        write_scorecard(interview, bob, [2] * interview.questions.count())
    oldest = planned_interview(
        interviewers=[alice], question_set=question_set, scheduled_at=days_ago(400)
    )
    write_scorecard(oldest, alice, [3, 3])
    draft = planned_interview(interviewers=[alice], question_set=question_set)
    write_scorecard(draft, alice, [3, 3], submit=False)
    return question_set


def test_exposure_by_hand(exposed):
    q1, q2 = exposed.questions.order_by("position")
    exposures = calibration.exposure_of([q1.pk, q2.pk])
    first = exposures[q1.pk]
    # Within 30 days: Ada (twice: one candidate); 90: and the 60-day one; 365: and the
    # 200-day one; all: and the 400-day one.
    assert first.candidates == {30: 1, 90: 2, 365: 3}
    assert first.candidates_all == 4
    assert (timezone.now() - first.first_asked).days == 400
    assert (timezone.now() - first.last_asked).days == 10
    second = exposures[q2.pk]
    assert (second.candidates, second.candidates_all) == ({30: 1, 90: 2, 365: 3}, 4)


def test_an_unasked_question_has_no_exposure():
    question = QuestionFactory()
    exposure = calibration.exposure_of([question.pk])[question.pk]
    assert (exposure.candidates, exposure.candidates_all) == ({30: 0, 90: 0, 365: 0}, 0)
    assert (exposure.first_asked, exposure.last_asked) == (None, None)


def test_admin_annotations_agree_with_the_analytics(exposed):
    rows = {
        q.position: (
            q.candidates_30,
            q.candidates_90,
            q.candidates_365,
            q.candidates_all,
            q.over_exposed,
        )
        for q in calibration.with_exposure(exposed.questions.all())
    }
    assert rows == {1: (1, 2, 3, 4, False), 2: (1, 2, 3, 4, False)}


@pytest.mark.parametrize("threshold, flagged", [(1, True), (2, False), (50, False)])
def test_over_exposed_above_the_sets_threshold(exposed, threshold, flagged):
    # Two candidates in 90 days: flagged when the threshold is below two.
    exposed.exposure_threshold = threshold
    exposed.save()
    rows = calibration.question_analytics(exposed)
    assert [calibration.OVER_EXPOSED in row.flags for row in rows] == [flagged, flagged]
    annotated = calibration.with_exposure(exposed.questions.order_by("position"))
    assert [q.over_exposed for q in annotated] == [flagged, flagged]


def test_share_of_the_sets_interviews(exposed):
    # Five interviews with a submitted scorecard; the draft's does not count.
    rows = calibration.question_analytics(exposed)
    assert [(row.times_asked, row.interviews_share) for row in rows] == [(5, 1.0), (5, 1.0)]


def test_the_page_shows_exposure_and_explains_the_flag(client, curator, exposed):
    exposed.exposure_threshold = 1
    exposed.save()
    client.force_login(curator)
    url = reverse("question_analytics", args=[exposed.slug])
    response = client.get(url, {"sort": "-exposure"})
    assert response.status_code == 200
    text = response.text
    assert "over-exposed" in text
    assert "asked of more than 1 candidates in the last 90 days" in text
    assert '<td class="text-end" data-column="exposure">2</td>' in text
    assert '<td class="text-end" data-column="exposure_all">4</td>' in text
    sorts = ["share", "exposure_30", "exposure_365", "exposure_all", "first_asked", "last_asked"]
    for sort in [*sorts, *(f"-{sort}" for sort in sorts)]:
        assert client.get(url, {"sort": sort}).status_code == 200


def test_hiring_managers_read_the_analytics_without_the_banks_upkeep(
    client, hiring_manager, exposed
):
    exposed.exposure_threshold = 1
    exposed.save()
    client.force_login(hiring_manager)
    url = reverse("question_analytics", args=[exposed.slug])
    response = client.get(url, {"sort": "-exposure"})
    assert response.status_code == 200
    text = response.text
    assert 'id="freshness"' not in text
    assert "over-exposed" not in text
    assert 'data-column="exposure' not in text
    # An upkeep sort falls back to the questions' order; the rest of the figures are there.
    assert [row.question.position for row in response.context["rows"]] == [1, 2]
    assert response.context["rows"][0].times_asked == 5


def test_admin_list_sorts_by_exposure(client, curator, exposed, alice):
    # A third question asked of one candidate 5 days ago only.
    q3 = QuestionFactory(question_set=exposed, position=3)
    interview = planned_interview(
        interviewers=[alice], question_set=exposed, scheduled_at=days_ago(5)
    )
    interview.questions.exclude(question=q3).delete()
    write_scorecard(interview, alice, [4])
    client.force_login(curator)
    url = reverse("admin:questions_question_changelist")
    columns = client.get(url).context["cl"].list_display
    candidates_90 = columns.index("candidates_90")
    response = client.get(url, {"question_set__id__exact": exposed.pk, "o": f"{candidates_90}"})
    assert [q.position for q in response.context["cl"].result_list] == [3, 1, 2]
    assert [q.candidates_90 for q in response.context["cl"].result_list] == [1, 2, 2]
    assert "Over-exposed" in response.text


@pytest.mark.parametrize("size", [1, 5])
def test_admin_list_queries_do_not_grow(client, curator, alice, django_assert_num_queries, size):
    question_set = QuestionSetFactory()
    for position in (1, 2, 3):
        QuestionFactory(question_set=question_set, position=position)
    for number in range(size):
        interview = planned_interview(
            interviewers=[alice], question_set=question_set, scheduled_at=days_ago(number * 40)
        )
        write_scorecard(interview, alice, [3, 3, 3])
    client.force_login(curator)
    url = reverse("admin:questions_question_changelist")
    client.get(url)
    # Session, user, permissions, the count (not the whole bank's as well: see
    # QuestionWithUsageAdmin), the page's rows, the filters' choices (sets, topics): the
    # same for any number of interviews.
    with django_assert_num_queries(7):
        assert client.get(url).status_code == 200


def test_api_gives_the_pages_exposure(curator, exposed):
    response = client_for(curator).get(f"/api/v1/question-sets/{exposed.slug}/analytics/")
    assert response.status_code == 200
    body = response.json()
    assert (body["question_set"], body["exposure_threshold"]) == ("exposed", 50)
    first = body["questions"][0]
    assert {
        key: first[key]
        for key in [
            "position",
            "times_asked",
            "share_of_interviews",
            "candidates_30",
            "candidates_90",
            "candidates_365",
            "candidates_all",
            "recent_shift",
            "recent_shift_interval",
            "flags",
        ]
    } == {
        "position": 1,
        "times_asked": 5,
        "share_of_interviews": 1.0,
        "candidates_30": 1,
        "candidates_90": 2,
        "candidates_365": 3,
        "candidates_all": 4,
        "recent_shift": 0.0,  # both questions rated alike throughout
        "recent_shift_interval": None,  # too few answers for an interval
        "flags": [],
    }
    assert first["last_asked"] is not None


def test_api_of_an_unknown_set_is_404(curator):
    response = client_for(curator).get("/api/v1/question-sets/no-such-set/analytics/")
    assert response.status_code == 404


def test_analytics_split_by_version(client, curator, hiring_manager, alice):
    """Two interviews ask the first wording (rated 2 and 3), then the prompt changes and one
    asks the second (rated 4): the split shows each version's figures."""
    question_set = QuestionSetFactory(slug="reworded")
    question = QuestionFactory(question_set=question_set, position=1, prompt="First wording?")
    for score in (2, 3):
        interview = planned_interview(interviewers=[alice], question_set=question_set)
        write_scorecard(interview, alice, [score])
    question.prompt = "Second wording?"
    question._change_reason = "Reworded"
    question.save()
    interview = planned_interview(interviewers=[alice], question_set=question_set)
    write_scorecard(interview, alice, [4])
    [row] = calibration.question_analytics(question_set)
    first, second = question.history.order_by("history_id")
    assert [
        (v.version, v.prompt, v.reason, v.times_asked, v.rated, v.mean) for v in row.versions
    ] == [
        (first.pk, "First wording?", "", 2, 2, 2.5),
        (second.pk, "Second wording?", "Reworded", 1, 1, 4.0),
    ]
    client.force_login(curator)
    url = reverse("question_analytics", args=[question_set.slug])
    assert "(Reworded): Second wording?" in client.get(url).text
    # Curators' only, as the rest of the bank's upkeep.
    client.force_login(hiring_manager)
    assert "Second wording?" in client.get(url).text
    assert "(Reworded)" not in client.get(url).text
    # One version asked: nothing to split.
    other = QuestionFactory()
    write_scorecard(
        planned_interview(interviewers=[alice], question_set=other.question_set), alice, [3]
    )
    assert calibration.version_figures([other.pk]) == {}
