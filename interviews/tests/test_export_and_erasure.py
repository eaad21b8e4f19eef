"""A candidate's export, field by field; their erasure, down to the words of an amendment;
and no second erasure a year on. `make mutate` found these unchecked."""

from datetime import timedelta

import pytest
from django.utils import timezone

from interviews.models import Candidate, Interview
from interviews.tests.factories import CandidateFactory, planned_interview
from scoring import selectors as scoring_selectors
from scoring import services as scoring
from scoring.models import Amendment, Mark, Recommendation, Scorecard
from scoring.tests.factories import write_scorecard

pytestmark = pytest.mark.django_db


@pytest.fixture
def amended(alice, bob):
    """Grace's first interview: Alice rated, marked and noted the first answer, skipped the
    second, submitted and then amended her summary, recommendation and first answer. Her
    second interview, with Bob, has no scorecard yet."""
    grace = CandidateFactory(name="Grace Hopper", email="grace@example.com", notes="Via Ada.")
    interview = planned_interview(interviewers=[alice], candidate=grace, points=1)
    later = planned_interview(
        interviewers=[bob], candidate=grace, question_set=interview.question_set
    )
    first, second = interview.questions.order_by("position")
    scorecard = write_scorecard(
        interview,
        alice,
        [4, None],
        notes=["Grace said X."],
        marks=[[Mark.COVERED]],
        recommendation=Recommendation.YES,
        summary="Grace is good.",
    )
    scoring.amend_scorecard(
        scorecard=scorecard,
        author=alice,
        reason="Grace wrote in.",
        recommendation=Recommendation.STRONG_YES,
        summary="Grace is great.",
        answers={first.pk: (3, "Grace said X and Y.")},
    )
    return {"grace": grace, "interview": interview, "later": later, "first": first}


def test_the_export_holds_every_field_and_an_interview_without_scorecards(
    amended, hiring_manager, django_assert_num_queries
):
    grace, interview, later = amended["grace"], amended["interview"], amended["later"]
    scorecard = interview.scorecards.get()
    amendment = Amendment.objects.get()
    with django_assert_num_queries(9):  # a query per table, not per answer
        data = scoring.export_candidate(candidate=grace, actor=hiring_manager)

    assert data.pop("exported_at")
    assert data == {
        "candidate": {
            "id": grace.pk,
            "name": "Grace Hopper",
            "email": "grace@example.com",
            "role_applied_for": "Backend Developer",
            "notes": "Via Ada.",
            "created_at": grace.created_at.isoformat(),
            "erased_at": None,
        },
        "interviews": [
            {
                "stage": "Technical interview",
                "question_set": interview.question_set.title,
                "status": "Completed",
                "scheduled_at": interview.scheduled_at.isoformat(),
                "scorecards": [
                    {
                        "interviewer": "alice",
                        "submitted_at": scorecard.submitted_at.isoformat(),
                        "recommendation": "Strong yes",
                        "summary": "Grace is great.",
                        "answers": [
                            {
                                "question": amended["first"].prompt,
                                "rating": 3,
                                "skipped": False,
                                "notes": "Grace said X and Y.",
                                "points": {amended["first"].points.get().text: "Covered"},
                            },
                            {
                                "question": interview.questions.get(position=2).prompt,
                                "rating": None,
                                "skipped": True,
                                "notes": "",
                                "points": {},
                            },
                        ],
                        "amendments": [
                            {
                                "at": amendment.created_at.isoformat(),
                                "reason": "Grace wrote in.",
                                "before": amendment.before,
                                "after": amendment.after,
                            }
                        ],
                    }
                ],
            },
            {
                "stage": "Technical interview",
                "question_set": interview.question_set.title,
                "status": "Scheduled",
                "scheduled_at": later.scheduled_at.isoformat(),
                "scorecards": [],
            },
        ],
        "decisions": [],
    }


def test_erasing_blanks_the_words_of_an_amendment_and_keeps_its_numbers(amended, hiring_manager):
    erased = scoring.erase_candidate(candidate=amended["grace"], actor=hiring_manager)

    amendment = Amendment.objects.get()
    assert (amendment.reason, amendment.before, amendment.after) == (
        "",
        {"recommendation": 3, "summary": "", "Question 1": {"score": 4, "notes": ""}},
        {"recommendation": 4, "summary": "", "Question 1": {"score": 3, "notes": ""}},
    )
    exported = scoring.export_candidate(candidate=erased, actor=hiring_manager)
    assert exported["candidate"]["erased_at"] == erased.erased_at.isoformat()


def test_a_candidate_erased_long_ago_is_not_inactive_again(amended, hiring_manager):
    scoring.erase_candidate(candidate=amended["grace"], actor=hiring_manager)
    never_erased = CandidateFactory()
    then = timezone.now() - timedelta(days=400)
    Candidate.objects.update(updated_at=then)
    Interview.objects.update(scheduled_at=then, completed_at=then)
    Scorecard.objects.update(updated_at=then)

    # A year on, the nightly purge must not find her again (erasing twice is refused).
    assert list(scoring_selectors.inactive_candidates(days=365)) == [never_erased]
