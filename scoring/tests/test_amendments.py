import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from scoring import services
from scoring.models import Amendment, Rating, Recommendation, Scorecard
from scoring.tests.factories import write_scorecard

pytestmark = pytest.mark.django_db


@pytest.fixture
def submitted(interview, alice):
    return write_scorecard(
        interview,
        alice,
        [2, 2],
        notes=["Hesitant."],
        recommendation=Recommendation.NO,
        summary="Unsure.",
    )


def answers_of(scorecard):
    return {
        rating.interview_question_id: (rating.score, rating.notes)
        for rating in scorecard.ratings.all()
    }


def test_amending_changes_the_scorecard_and_keeps_the_earlier_values(submitted, alice):
    first = submitted.interview.questions.order_by("position").first()
    answers = answers_of(submitted)
    answers[first.pk] = (4, "Hesitant.\r\nThen clear.")
    amendment = services.amend_scorecard(
        scorecard=submitted,
        author=alice,
        reason="Re-read my notes.",
        recommendation=Recommendation.YES,
        summary="Unsure.",
        answers=answers,
    )
    submitted.refresh_from_db()
    assert (submitted.recommendation, submitted.score_mean) == (Recommendation.YES, 3.0)
    assert Rating.objects.get(scorecard=submitted, interview_question=first).notes == (
        "Hesitant.\nThen clear."
    )
    assert amendment.before == {
        "recommendation": 2,
        "Question 1": {"score": 2, "notes": "Hesitant."},
    }
    assert amendment.after == {
        "recommendation": 3,
        "Question 1": {"score": 4, "notes": "Hesitant.\nThen clear."},
    }
    assert amendment.changes == [
        ("Recommendation", "No", "Yes"),
        ("Question 1", "2 Mixed; notes: Hesitant.", "4 Excellent; notes: Hesitant.\nThen clear."),
    ]


def test_an_amendment_that_changes_nothing_is_refused(submitted, alice):
    with pytest.raises(ValidationError, match="Nothing was changed"):
        services.amend_scorecard(
            scorecard=submitted,
            author=alice,
            reason="No reason",
            recommendation=submitted.recommendation,
            summary=submitted.summary,
            answers=answers_of(submitted),
        )
    assert Amendment.objects.count() == 0


def test_only_the_author_amends_and_only_after_submitting(submitted, interview, alice, bob):
    with pytest.raises(PermissionDenied):
        services.amend_scorecard(
            scorecard=submitted,
            author=bob,
            reason="Mine now",
            recommendation=4,
            summary="",
            answers={},
        )
    draft = services.scorecard_for(interview=interview, interviewer=bob)
    with pytest.raises(ValidationError, match="Only a submitted scorecard"):
        services.amend_scorecard(
            scorecard=draft, author=bob, reason="Early", recommendation=4, summary="", answers={}
        )
    with pytest.raises(ValidationError, match="Say why"):
        services.amend_scorecard(
            scorecard=submitted, author=alice, reason=" ", recommendation=4, summary="", answers={}
        )
    assert Amendment.objects.count() == 0
    assert Scorecard.objects.get(pk=submitted.pk).recommendation == Recommendation.NO


def amend_form(scorecard, **changes):
    data = {
        "reason": "Second thoughts",
        "recommendation": scorecard.recommendation,
        "summary": scorecard.summary,
    }
    for rating in scorecard.ratings.all():
        data[f"score_{rating.interview_question_id}"] = rating.score or ""
        data[f"notes_{rating.interview_question_id}"] = rating.notes
    for question in scorecard.interview.questions.all():
        data.setdefault(f"score_{question.pk}", "")
        data.setdefault(f"notes_{question.pk}", "")
    data.update(changes)
    return data


def test_the_amend_page_and_the_history_hiring_managers_read(
    client, submitted, alice, bob, hiring_manager
):
    url = reverse("amend_scorecard", args=[submitted.pk])
    client.force_login(alice)
    assert client.get(url).status_code == 200
    response = client.post(url, amend_form(submitted, reason=""))
    assert "Say why the scorecard changes." in response.text
    response = client.post(url, amend_form(submitted, recommendation="4"))
    assert response.status_code == 302
    assert Scorecard.objects.get(pk=submitted.pk).recommendation == Recommendation.STRONG_YES

    client.force_login(hiring_manager)
    page = client.get(reverse("scorecard_detail", args=[submitted.pk])).text
    assert "Second thoughts" in page
    assert "<td>Recommendation</td><td>No</td><td>Strong yes</td>" in page

    client.force_login(bob)  # another interviewer of the interview, not submitted
    assert client.get(url).status_code == 404


def test_nobody_else_amends(client, submitted, hiring_manager):
    client.force_login(hiring_manager)
    url = reverse("amend_scorecard", args=[submitted.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, amend_form(submitted, recommendation="4")).status_code == 404
    assert Scorecard.objects.get(pk=submitted.pk).recommendation == Recommendation.NO
