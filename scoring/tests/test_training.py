"""Trainees qualify on a question set by shadowing panels: the agreement of each shadow
scorecard with its panel, computed by hand here, and the rule that qualifies them."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from audit.models import AuditEvent
from interviews.tests.factories import planned_interview
from questions.tests.factories import QuestionFactory, QuestionSetFactory
from scoring import training
from scoring.models import Qualification, Recommendation, Scorecard
from scoring.tests.factories import write_scorecard

pytestmark = pytest.mark.django_db

YES, NO, STRONG_NO = Recommendation.YES, Recommendation.NO, Recommendation.STRONG_NO


@pytest.fixture
def question_set():
    question_set = QuestionSetFactory(shadow_scorecards_to_qualify=2)
    for position in (1, 2):
        QuestionFactory(question_set=question_set, position=position)
    return question_set


def shadowed(question_set, panel, shadow, panel_scores, shadow_scores, *, shadow_says=YES):
    """An interview of `question_set` where the panel and the shadow rate both questions."""
    interview = planned_interview(
        interviewers=[user for user, _ in panel], shadows=[shadow], question_set=question_set
    )
    for (user, recommendation), scores in zip(panel, panel_scores, strict=True):
        write_scorecard(interview, user, scores, recommendation=recommendation)
    write_scorecard(interview, shadow, shadow_scores, recommendation=shadow_says)
    return interview


def test_agreement_with_the_panel_by_hand(question_set, alice, bob, carol):
    # Panel means: question 1 (3 + 3) / 2 = 3, question 2 (4 + 2) / 2 = 3; recommendations
    # (Yes 3 + No 2) / 2 = 2.5, the hire side. Carol: |4 − 3| and |3 − 3|, a mean of 0.5.
    shadowed(question_set, [(alice, YES), (bob, NO)], carol, [[3, 4], [3, 2]], [4, 3])
    [item] = training.compare_with_panels(Scorecard.objects.filter(interviewer=carol))
    assert (item.difference, item.same_side, item.agrees) == (0.5, True, True)


def test_a_shadow_further_than_half_a_point_does_not_agree(question_set, alice, carol):
    # One panel member: |4 − 3| = 1 and |2 − 3| = 1, a mean of 1; No against Yes.
    shadowed(question_set, [(alice, NO)], carol, [[3, 3]], [4, 2], shadow_says=YES)
    [item] = training.compare_with_panels(Scorecard.objects.filter(interviewer=carol))
    assert (item.difference, item.same_side, item.agrees) == (1.0, False, False)


def test_a_shadow_submitted_before_the_panel_has_nothing_to_compare_yet(
    question_set, alice, carol
):
    interview = planned_interview(interviewers=[alice], shadows=[carol], question_set=question_set)
    write_scorecard(interview, carol, [3, 3])
    [item] = training.compare_with_panels(Scorecard.objects.filter(interviewer=carol))
    assert (item.difference, item.same_side, item.agrees) == (None, None, False)


def test_the_sets_number_of_agreeing_shadow_scorecards_qualifies_them(question_set, alice, carol):
    shadowed(question_set, [(alice, YES)], carol, [[3, 3]], [3, 3])
    assert not Qualification.objects.exists()

    shadowed(question_set, [(alice, YES)], carol, [[2, 3]], [2, 3])
    qualification = Qualification.objects.get()
    assert (qualification.interviewer, qualification.question_set, qualification.granted_by) == (
        carol,
        question_set,
        None,
    )
    assert AuditEvent.objects.filter(action="interviewer_qualified").count() == 1
    # Qualified once: more agreeing scorecards change nothing.
    shadowed(question_set, [(alice, YES)], carol, [[3, 3]], [3, 3])
    assert Qualification.objects.count() == 1
    assert AuditEvent.objects.filter(action="interviewer_qualified").count() == 1


def test_agreeing_ratings_on_the_other_side_of_hire_do_not_qualify(question_set, alice, carol):
    for _ in range(2):
        shadowed(question_set, [(alice, STRONG_NO)], carol, [[3, 3]], [3, 3], shadow_says=YES)
    assert not Qualification.objects.exists()
    [progress] = training.trainee_progress()
    assert (len(progress.agreeing), progress.same_side, progress.meets_rule) == (2, 0, False)


def test_the_panel_submitting_last_qualifies_the_shadow_too(question_set, alice, carol):
    shadowed(question_set, [(alice, YES)], carol, [[3, 3]], [3, 3])
    interview = planned_interview(interviewers=[alice], shadows=[carol], question_set=question_set)
    write_scorecard(interview, carol, [3, 3])
    assert not Qualification.objects.exists()
    write_scorecard(interview, alice, [3, 3])
    assert Qualification.objects.filter(interviewer=carol).exists()


def test_calibration_shows_each_trainees_progress(
    client, hiring_manager, question_set, alice, carol
):
    shadowed(question_set, [(alice, YES)], carol, [[3, 3]], [3, 3])
    client.force_login(hiring_manager)
    page = client.get(reverse("calibration")).text
    assert "carol" in page
    assert "1 of 2" in page
    assert "In training" in page


def test_an_admin_qualifies_by_hand_and_it_is_recorded(admin_client, question_set, carol):
    response = admin_client.post(
        reverse("admin:scoring_qualification_add"),
        {"interviewer": carol.pk, "question_set": question_set.pk},
    )
    assert response.status_code == 302
    qualification = Qualification.objects.get()
    assert qualification.granted_by.is_superuser
    assert AuditEvent.objects.get(action="interviewer_qualified").subject == (
        f"carol on {question_set.slug}"
    )


def test_trainee_progress_takes_as_many_queries_for_one_shadow_scorecard_as_for_four(
    question_set, alice, bob, carol
):
    def queries():
        with CaptureQueriesContext(connection) as captured:
            training.trainee_progress()
        return len(captured)

    shadowed(question_set, [(alice, YES)], carol, [[3, 3]], [3, 3])
    one = queries()
    for _ in range(3):
        shadowed(question_set, [(alice, YES)], bob, [[3, 3]], [2, 2])
    assert queries() == one == 7  # the shadows, their panels (3), people, sets, qualifications
