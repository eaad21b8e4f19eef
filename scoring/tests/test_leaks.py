"""The probable-leak rule on made-up data where the answer is known: a question whose ratings
rose in the recent window while the set's other questions' did not is flagged; a crop of
stronger candidates (every question rising together) is not; too few answers are not."""

import datetime
import random

import numpy as np
import pytest
from django.urls import reverse
from django.utils import timezone

from interviews.tests.factories import planned_interview
from questions.tests.factories import QuestionFactory, QuestionSetFactory
from scoring import calibration
from scoring.calibration import LeakFigures
from scoring.tests.factories import write_scorecard

pytestmark = pytest.mark.django_db


def history(alice, *, recent, earlier, scores):
    """A set of three questions asked `earlier` times 100–300 days ago and `recent` times in
    the last 80 days; `scores(period, number)` gives each interview's three ratings."""
    question_set = QuestionSetFactory()
    for position in (1, 2, 3):
        QuestionFactory(question_set=question_set, position=position)
    now = timezone.now()
    for period, count, first_day in (("earlier", earlier, 100), ("recent", recent, 1)):
        for number in range(count):
            interview = planned_interview(
                interviewers=[alice],
                question_set=question_set,
                scheduled_at=now - datetime.timedelta(days=first_day + number * 3),
            )
            write_scorecard(interview, alice, scores(period, number))
    return question_set


def figures(question_set):
    rows = calibration.question_analytics(question_set)
    return [row.leak for row in rows], [row.flags for row in rows]


def test_a_planted_leak_is_flagged_by_hand(alice):
    # Earlier: Q1 2, the others 2 and 3 (lead 2 − 2.5 = −0.5). Recent: Q1 4, the others the
    # same (lead +1.5). Shift +2.0 and no spread at all: the interval is a point.
    question_set = history(
        alice,
        recent=20,
        earlier=20,
        scores=lambda period, number: [4 if period == "recent" else 2, 2, 3],
    )
    leaks, flags = figures(question_set)
    first = leaks[0]
    assert (first.recent_answers, first.earlier_answers) == (20, 20)
    assert (first.recent_interviews, first.earlier_interviews) == (20, 20)
    assert (first.recent_lead, first.earlier_lead, first.shift) == (1.5, -0.5, 2.0)
    assert first.interval == (2.0, 2.0)
    assert flags[0] == [calibration.PROBABLE_LEAK]
    # Q2 and Q3 lose ground to Q1 in the rest's mean: their shift is negative, never a leak.
    # Q2: earlier 2 − 2.5 = −0.5, recent 2 − 3.5 = −1.5.
    assert leaks[1].shift == -1.0
    assert flags[1:] == [[], []]


def test_stronger_candidates_are_no_leak(alice):
    # Every question one point higher lately: the leads do not move.
    question_set = history(
        alice,
        recent=20,
        earlier=20,
        scores=lambda period, number: [3, 3, 4] if period == "recent" else [2, 2, 3],
    )
    leaks, flags = figures(question_set)
    assert [leak.shift for leak in leaks] == [0.0, 0.0, 0.0]
    assert flags == [[], [], []]


def test_noisy_leak_and_noise_alone(alice):
    """Seeded noise: Q1 planted +1 lately on top of the candidate's level, Q2 and Q3 the
    candidate's level plus noise. Only Q1 is flagged, and its interval covers the plant."""
    chance = random.Random(25)

    def scores(period, number):
        level = chance.uniform(1.5, 3.0)
        noisy = [level + chance.gauss(0, 0.5) for _ in range(3)]
        if period == "recent":
            noisy[0] += 1.0
        return [min(4, max(1, round(value))) for value in noisy]

    question_set = history(alice, recent=25, earlier=25, scores=scores)
    leaks, flags = figures(question_set)
    assert [calibration.PROBABLE_LEAK in row for row in flags] == [True, False, False]
    low, high = leaks[0].interval
    assert 0 < low < 1.0 < high


def test_too_few_answers_are_never_flagged(alice):
    question_set = history(
        alice,
        recent=19,
        earlier=20,
        scores=lambda period, number: [4 if period == "recent" else 2, 2, 3],
    )
    leaks, flags = figures(question_set)
    assert (leaks[0].recent_answers, leaks[0].shift, leaks[0].interval) == (19, 2.0, None)
    assert flags[0] == []


@pytest.mark.parametrize(
    "answers, interval, flagged",
    [
        ((20, 20), (0.01, 1.0), True),
        ((20, 20), (0.0, 1.0), False),
        ((20, 20), (-0.5, 1.0), False),
        ((19, 20), (0.5, 1.0), False),
        ((20, 19), (0.5, 1.0), False),
        ((20, 20), None, False),
    ],
)
def test_the_flag_at_its_thresholds(answers, interval, flagged):
    leak = LeakFigures(*answers, 10, 10, 1.0, 0.0, 1.0, interval)
    assert leak.flagged == flagged


def test_bootstrap_shift_is_seeded_and_needs_two_each():
    recent, earlier = np.array([1.0, 2.0, 3.0]), np.array([0.0, 0.5])
    first = calibration.bootstrap_shift(recent, earlier, key=(1,), resamples=200)
    assert first == calibration.bootstrap_shift(recent, earlier, key=(1,), resamples=200)
    assert calibration.bootstrap_shift(recent, earlier[:1], key=(1,)) is None


def test_the_page_shows_the_shift_and_explains_the_rule(client, curator, alice):
    question_set = history(
        alice,
        recent=20,
        earlier=20,
        scores=lambda period, number: [4 if period == "recent" else 2, 2, 3],
    )
    client.force_login(curator)
    response = client.get(
        reverse("question_analytics", args=[question_set.slug]), {"sort": "-leak"}
    )
    assert response.status_code == 200
    # Q2 and Q3 both −1.00, in their order.
    assert [row.question.position for row in response.context["rows"]] == [1, 2, 3]
    text = response.text
    assert '<span class="badge text-bg-warning me-1">probable leak</span>' in text
    assert '+2.00 <span class="small text-body-secondary">(+2.00 to +2.00)</span>' in text
    assert "n = 20 / 20" in text
    assert "both periods have at least 20 rated answers and the whole interval is above 0" in text
