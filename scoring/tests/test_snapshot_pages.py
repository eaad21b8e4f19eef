"""An interview keeps the questions as it asked them: after the bank's prompt, guidance and
points are edited, every page about that interview still shows its own copy."""

import pytest
from django.urls import reverse

from interviews.tests.factories import planned_interview
from questions.tests.factories import AnswerPointFactory, QuestionFactory
from scoring import services
from scoring.models import Recommendation

pytestmark = pytest.mark.django_db

PROMPT, GUIDANCE, POINTS = "How do indexes work?", "Asked guidance", ["Selectivity", "Write cost"]


@pytest.fixture
def edited_bank(alice, bob):
    """Alice's interview and Bob's, planned; then the bank's question rewritten, its points
    reworded and one added. Alice has a note on it (a draft); Bob has submitted."""
    question = QuestionFactory(prompt=PROMPT, guidance=GUIDANCE)
    for position, text in enumerate(POINTS, start=1):
        AnswerPointFactory(question=question, position=position, text=text)
    first = planned_interview(interviewers=[alice], question_set=question.question_set)
    second = planned_interview(interviewers=[bob], question_set=question.question_set)

    question.prompt, question.guidance = "Bank now: prompt?", "Bank now: guidance"
    question.save()
    for point in question.points.all():
        point.text = f"Bank now: point {point.position}"
        point.save()
    AnswerPointFactory(question=question, position=3, text="Bank now: a new point")

    services.save_answer(
        interview_question=first.questions.get(), interviewer=alice, notes="A note"
    )
    bobs = services.scorecard_for(interview=second, interviewer=bob)
    services.save_answer(interview_question=second.questions.get(), interviewer=bob, score=3)
    services.submit_scorecard(scorecard=bobs, recommendation=Recommendation.YES, summary="")
    return {"first": first, "second": second, "bobs": bobs}


def grid(interviews):
    return reverse("compare_grid") + "?set={}&candidate={}&candidate={}".format(
        interviews["first"].question_set.slug,
        interviews["first"].candidate_id,
        interviews["second"].candidate_id,
    )


# Each page, who reads it, and what of the question as asked it shows.
PAGES = {
    "live page": (
        "alice",
        lambda i: reverse("live_interview", args=[i["first"].pk]),
        [PROMPT, GUIDANCE, *POINTS],
    ),
    "finish page": (
        "alice",
        lambda i: reverse("finish_scorecard", args=[i["first"].pk]),
        [PROMPT],  # among the questions not rated yet
    ),
    "draft scorecard": (
        "alice",
        lambda i: reverse("scorecard_detail", args=[i["first"].scorecards.get().pk]),
        [PROMPT, *POINTS],
    ),
    "submitted scorecard": (
        "hiring_manager",
        lambda i: reverse("scorecard_detail", args=[i["bobs"].pk]),
        [PROMPT, *POINTS],
    ),
    "grid": ("hiring_manager", grid, [PROMPT]),
    "answers CSV": (
        "hiring_manager",
        lambda i: reverse("compare_detail_csv") + f"?set={i['first'].question_set.slug}",
        [PROMPT],
    ),
}


@pytest.mark.parametrize("shown_on", PAGES)
def test_pages_show_the_question_as_the_interview_asked_it(client, edited_bank, shown_on, request):
    reader, url, shown = PAGES[shown_on]
    client.force_login(request.getfixturevalue(reader))
    response = client.get(url(edited_bank))
    text = response.getvalue().decode()

    assert response.status_code == 200
    assert [part for part in shown if part not in text] == []
    assert "Bank now" not in text
