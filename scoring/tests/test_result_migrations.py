"""Migrations that store something new on the results fill it in for the results already
there, as `refresh_result` stores it from then on."""

import pytest
from django.core.management import call_command

from interviews.tests.factories import planned_interview
from notifications import services as scheduling
from scoring.models import CandidateResult, ResultGroup, TopicMean
from scoring.tests.factories import write_scorecard

MIGRATED_FROM = "0016_result_decision"


@pytest.mark.django_db(transaction=True)
def test_statuses_topic_means_and_counts_are_filled_in_for_existing_results(alice, bob):
    done = planned_interview(interviewers=[alice, bob], questions=2)
    write_scorecard(done, alice, [4, 2], summary="Seen.")
    write_scorecard(done, bob, [3, 3], summary="Seen.")
    cancelled = planned_interview(interviewers=[alice], question_set=done.question_set)
    scheduling.cancel_interview(interview=cancelled)
    planned_interview(interviewers=[alice], question_set=done.question_set)
    stored = {
        result.pk: (result.any_scheduled, result.any_completed, result.any_cancelled)
        for result in CandidateResult.objects.all()
    }
    means = sorted(TopicMean.objects.values_list("result", "topic", "name", "mean"))
    assert len(means) == 2

    call_command("migrate", "scoring", MIGRATED_FROM, verbosity=0)
    call_command("migrate", verbosity=0)

    assert {
        result.pk: (result.any_scheduled, result.any_completed, result.any_cancelled)
        for result in CandidateResult.objects.all()
    } == stored
    assert sorted(TopicMean.objects.values_list("result", "topic", "name", "mean")) == means
    groups = ResultGroup.objects.filter(question_set=done.question_set)
    assert sorted(groups.values_list("any_completed", "any_cancelled", "results")) == [
        (False, False, 1),
        (False, True, 1),
        (True, False, 1),
    ]
    call_command("recompute_results", "--check")
