"""Shadows: trainees on a panel write scorecards like anyone, under the blind rule, and those
scorecards never count: not in results, tallies, the grid or calibration."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from interviews.tests.factories import planned_interview
from notifications import services as scheduling
from scoring import calibration, results, services
from scoring.models import AnswerTally, CandidateResult, Recommendation, Scorecard
from scoring.tests.factories import write_scorecard

pytestmark = pytest.mark.django_db


@pytest.fixture
def shadowed(alice, bob, carol, candidate):
    """Alice and bob on the panel, carol shadowing them."""
    return planned_interview(
        interviewers=[alice, bob], shadows=[carol], candidate=candidate, questions=2, points=1
    )


def stored_result(interview):
    result = CandidateResult.objects.get(candidate=interview.candidate)
    return (result.scorecard_count, result.mean, result.strong_no, result.yes)


def test_a_shadows_scorecard_is_marked_when_made(shadowed, alice, carol):
    assert services.scorecard_for(interview=shadowed, interviewer=carol).shadow is True
    assert services.scorecard_for(interview=shadowed, interviewer=alice).shadow is False


def test_a_shadows_scorecard_changes_no_result_or_tally(shadowed, alice, bob, carol):
    write_scorecard(shadowed, alice, [3, 3])
    write_scorecard(shadowed, bob, [4, 4])
    before = stored_result(shadowed)
    tallies = list(AnswerTally.objects.order_by("pk").values_list("answers", "scored_1"))

    write_scorecard(shadowed, carol, [1, 1], recommendation=Recommendation.STRONG_NO)

    assert stored_result(shadowed) == before == (2, 3.5, 0, 2)
    assert list(AnswerTally.objects.order_by("pk").values_list("answers", "scored_1")) == tallies
    assert Scorecard.objects.get(interviewer=carol).scored_1 == 0
    assert results.recompute_results(check=True) == []
    assert results.recompute_tallies(check=True) == []


def test_the_interview_completes_when_the_shadow_has_submitted_too(shadowed, alice, bob, carol):
    write_scorecard(shadowed, alice, [3, 3])
    write_scorecard(shadowed, bob, [3, 3])
    shadowed.refresh_from_db()
    assert shadowed.status != "completed"
    write_scorecard(shadowed, carol, [3, 3])
    shadowed.refresh_from_db()
    assert shadowed.status == "completed"


def test_calibration_and_the_grid_leave_shadows_out(
    client, hiring_manager, shadowed, alice, bob, carol
):
    other = planned_interview(interviewers=[bob], question_set=shadowed.question_set)
    write_scorecard(other, bob, [2, 2])
    write_scorecard(shadowed, alice, [3, 3])
    write_scorecard(shadowed, bob, [3, 3])
    shadow = write_scorecard(shadowed, carol, [1, 1])
    assert shadow not in calibration.counted_scorecards()
    assert set(calibration.counted_scorecards()) == set(Scorecard.objects.exclude(pk=shadow.pk))

    client.force_login(hiring_manager)
    query = (
        f"?set={shadowed.question_set.slug}"
        f"&candidate={shadowed.candidate_id}&candidate={other.candidate_id}"
    )
    grid = client.get(reverse("compare_grid") + query).text
    assert "alice" in grid
    assert "carol" not in grid


def test_a_shadow_is_blind_until_submitting_then_sees_the_panel_marked(
    client, shadowed, alice, carol
):
    write_scorecard(shadowed, alice, [3, 3])
    client.force_login(carol)
    url = reverse("interview_scorecards", args=[shadowed.pk])
    assert client.get(url).status_code == 403
    write_scorecard(shadowed, carol, [2, 2])
    page = client.get(url).text
    assert ">alice</a>" in page
    assert page.count(">Shadow</span>") == 1


def test_one_person_cannot_be_both_interviewer_and_shadow(alice, bob):
    with pytest.raises(ValidationError) as refused:
        planned_interview(interviewers=[alice], shadows=[alice])
    assert refused.value.message_dict == {
        "shadows": ["Either an interviewer or a shadow, not both: alice."]
    }


def test_a_shadow_must_be_in_the_interviewer_pool(alice, hiring_manager):
    with pytest.raises(ValidationError) as refused:
        planned_interview(interviewers=[alice], shadows=[hiring_manager])
    assert list(refused.value.message_dict) == ["shadows"]


def test_rescheduling_keeps_shadows_unless_told_and_a_writer_keeps_their_role(
    shadowed, alice, bob, carol
):
    scheduling.reschedule_interview(
        interview=shadowed, scheduled_at=shadowed.scheduled_at, interviewers=[alice, bob]
    )
    assert list(shadowed.shadows.all()) == [carol]

    services.scorecard_for(interview=shadowed, interviewer=carol)  # carol began writing
    with pytest.raises(ValidationError) as refused:
        scheduling.reschedule_interview(
            interview=shadowed,
            scheduled_at=shadowed.scheduled_at,
            interviewers=[alice, bob, carol],
            shadows=[],
        )
    assert refused.value.message_dict == {
        "shadows": ["Already writing a scorecard, so staying as they are: carol."]
    }
    assert list(shadowed.shadows.all()) == [carol]
