"""A candidate's stored result follows every change that affects it, and recompute_results
finds and mends a stored result that does not."""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.models import Sum
from django.urls import reverse
from rest_framework.test import APIClient

from api.models import create_token
from interviews.models import Interview
from interviews.tests.factories import planned_interview
from notifications import services as scheduling
from scoring import results, services
from scoring.models import CandidateResult, Recommendation, ResultGroup, TopicMean
from scoring.tests.factories import write_scorecard

pytestmark = pytest.mark.django_db


def result_of(interview):
    return CandidateResult.objects.get(
        candidate=interview.candidate, question_set=interview.question_set
    )


def check_results():
    call_command("recompute_results", "--check")


def test_the_result_follows_submit_amend_cancel_and_erase(alice, bob, carol, hiring_manager):
    interview = planned_interview(interviewers=[alice, bob, carol], questions=2)
    # Scheduling stores an empty result, so that comparing the set reads this table alone.
    result = result_of(interview)
    assert (result.scorecard_count, result.mean, result.median, result.net_votes) == (
        0,
        None,
        None,
        0,
    )
    check_results()

    alices = write_scorecard(
        interview, alice, 4, recommendation=Recommendation.STRONG_YES, summary="Seen."
    )
    result = result_of(interview)
    assert (result.scorecard_count, result.mean, result.median, result.disagreement) == (
        1,
        4.0,
        4.0,
        False,
    )
    check_results()

    write_scorecard(interview, bob, 2, recommendation=Recommendation.NO, summary="Seen.")
    result = result_of(interview)
    assert (result.scorecard_count, result.mean, result.spread, result.net_votes) == (
        2,
        3.0,
        2.0,
        0,
    )
    assert (result.split_decision, result.disagreement) == (True, True)
    check_results()

    first = interview.questions.order_by("position").first()
    answers = {r.interview_question_id: (r.score, r.notes) for r in alices.ratings.all()}
    answers[first.pk] = (2, "")
    services.amend_scorecard(
        scorecard=alices,
        author=alice,
        reason="Re-read my notes.",
        recommendation=Recommendation.NO,
        summary="Seen.",
        answers=answers,
    )
    result = result_of(interview)
    assert (result.mean, result.median, result.lowest, result.highest) == (2.5, 2.5, 2.0, 3.0)
    assert (result.strong_yes, result.no, result.disagreement) == (0, 2, False)
    check_results()

    # Carol never submits; the interview is cancelled, and what was submitted still counts.
    scheduling.cancel_interview(interview=interview)
    assert result_of(interview).scorecard_count == 2
    check_results()

    before = {
        field: getattr(result_of(interview), field)
        for field in ("scorecard_count", "mean", "median", "spread", "coverage", "topic_means")
    }
    services.erase_candidate(candidate=interview.candidate, actor=hiring_manager)
    after = {field: getattr(result_of(interview), field) for field in before}
    assert after == before
    check_results()


def test_check_reports_a_stale_result_and_recompute_mends_it(alice, capsys):
    interview = planned_interview(interviewers=[alice])
    write_scorecard(interview, alice, 3, recommendation=Recommendation.YES, summary="Seen.")
    CandidateResult.objects.update(mean=1.0, topic_means={})
    with pytest.raises(CommandError, match=r"^2 stored result\(s\) differ"):
        check_results()
    errors = capsys.readouterr().err.splitlines()
    pk, set_pk = interview.candidate_id, interview.question_set_id
    assert errors[0] == f"candidate {pk}, set {set_pk}: mean is 1.0, not 3.0"
    assert errors[1].startswith(f"candidate {pk}, set {set_pk}: topic_means is {{}}, not {{")

    call_command("recompute_results")
    assert result_of(interview).mean == 3.0
    check_results()


def test_check_reports_missing_and_orphaned_results(alice, capsys):
    interview = planned_interview(interviewers=[alice])
    write_scorecard(interview, alice, 3, recommendation=Recommendation.YES, summary="Seen.")
    orphan = CandidateResult.objects.get()
    CandidateResult.objects.all().delete()
    with pytest.raises(CommandError):
        check_results()
    pk, set_pk = interview.candidate_id, interview.question_set_id
    assert capsys.readouterr().err == f"candidate {pk}, set {set_pk}: missing\n"

    call_command("recompute_results")
    assert capsys.readouterr().out == "Stored results rebuilt; 1 difference(s) fixed.\n"
    orphan.pk, orphan.question_set = None, planned_interview(interviewers=[alice]).question_set
    orphan.save()
    with pytest.raises(CommandError):
        check_results()
    assert capsys.readouterr().err == (
        f"candidate {pk}, set {orphan.question_set_id}: stored but has no interview\n"
    )


def test_the_result_carries_the_candidate_name_and_role_through_edits_and_erasure(
    client, alice, hiring_manager
):
    """Compare sorts and filters by the name and role stored on the result: every way of
    changing them stores them again, with the topic means' rows, which sort by name too."""
    interview = planned_interview(interviewers=[alice])
    write_scorecard(interview, alice, 3, summary="Seen.")
    candidate = interview.candidate
    result = result_of(interview)
    assert (result.name, result.role_applied_for) == (
        candidate.name,
        candidate.role_applied_for,
    )

    client.force_login(hiring_manager)
    response = client.post(
        reverse("candidate_edit", args=[candidate.pk]),
        {"name": "Zoë Renamed", "email": candidate.email, "role_applied_for": "SRE"},
    )
    assert response.status_code == 302
    result = result_of(interview)
    assert (result.name, result.role_applied_for) == ("Zoë Renamed", "SRE")
    assert {name for _, name, _ in topic_mean_rows(interview)} == {"Zoë Renamed"}
    check_results()

    _, secret = create_token(user=hiring_manager, name="test", can_write=True)
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {secret}")
    response = api.patch(
        f"/api/v1/candidates/{candidate.pk}/", {"role_applied_for": "Data Engineer"}, format="json"
    )
    assert response.status_code == 200
    result = result_of(interview)
    assert (result.name, result.role_applied_for) == ("Zoë Renamed", "Data Engineer")
    check_results()

    services.erase_candidate(candidate=candidate, actor=hiring_manager)
    assert result_of(interview).name == f"Erased candidate #{candidate.pk}"
    check_results()


def test_check_reports_a_stale_name_or_role(alice, capsys):
    interview = planned_interview(interviewers=[alice])
    CandidateResult.objects.update(name="Old name", role_applied_for="Old role")
    with pytest.raises(CommandError):
        check_results()
    pk, set_pk, candidate = (
        interview.candidate_id,
        interview.question_set_id,
        interview.candidate,
    )
    assert capsys.readouterr().err.splitlines() == [
        f"candidate {pk}, set {set_pk}: name is 'Old name', not {candidate.name!r}",
        f"candidate {pk}, set {set_pk}: role_applied_for is 'Old role', "
        f"not {candidate.role_applied_for!r}",
    ]
    call_command("recompute_results")
    check_results()


def test_the_result_carries_the_standing_decision_on_every_set_of_the_loop(
    alice, hiring_manager, capsys
):
    interview = planned_interview(interviewers=[alice])
    write_scorecard(interview, alice, 3, recommendation=Recommendation.YES, summary="Seen.")
    candidate = interview.candidate
    # A second set in the loop: its result carries the decision too.
    other = planned_interview(interviewers=[alice], candidate=candidate)
    write_scorecard(other, alice, 3, recommendation=Recommendation.YES, summary="Seen.")

    def decisions():
        return [result_of(interview).decision, result_of(other).decision]

    assert decisions() == [None, None]
    first = services.record_decision(
        candidate=candidate, manager=hiring_manager, outcome="hold", rationale="Wait."
    )
    assert decisions() == ["hold", "hold"]
    check_results()
    services.record_decision(
        candidate=candidate,
        manager=hiring_manager,
        outcome="hire",
        rationale="Seen enough.",
        replaces=first.pk,
    )
    assert decisions() == ["hire", "hire"]
    check_results()
    services.reopen_decision(
        decision=candidate.decisions.get(ended_at__isnull=True),
        manager=hiring_manager,
        reason="New evidence.",
    )
    assert decisions() == [None, None]
    check_results()

    # A stale one is found and mended.
    CandidateResult.objects.update(decision="no_hire")
    with pytest.raises(CommandError):
        check_results()
    pk, set_pk = candidate.pk, interview.question_set_id
    assert f"candidate {pk}, set {set_pk}: decision is 'no_hire', not None" in (
        capsys.readouterr().err.splitlines()
    )
    call_command("recompute_results")
    assert decisions() == [None, None]


def statuses(interview):
    result = result_of(interview)
    return {
        status
        for status in ("scheduled", "in_progress", "completed", "cancelled")
        if getattr(result, f"any_{status}")
    }


def test_the_result_says_which_statuses_the_candidates_interviews_have(alice, bob, client):
    interview = planned_interview(interviewers=[alice, bob], questions=2)
    assert statuses(interview) == {"scheduled"}
    # A second interview of the loop on the same set, cancelled before it starts.
    again = planned_interview(
        interviewers=[alice], candidate=interview.candidate, question_set=interview.question_set
    )
    scheduling.cancel_interview(interview=again)
    assert statuses(interview) == {"scheduled", "cancelled"}
    check_results()

    client.force_login(alice)
    client.post(reverse("start_interview", args=[interview.pk]))
    assert statuses(interview) == {"in_progress", "cancelled"}
    check_results()

    write_scorecard(interview, alice, 3, summary="Seen.")
    assert statuses(interview) == {"in_progress", "cancelled"}
    # The last of the panel submits: the interview completes.
    write_scorecard(interview, bob, 3, summary="Seen.")
    assert statuses(interview) == {"completed", "cancelled"}
    check_results()


def test_check_reports_a_stale_status_and_recompute_mends_it(alice, capsys):
    interview = planned_interview(interviewers=[alice])
    CandidateResult.objects.update(any_scheduled=False, any_completed=True)
    with pytest.raises(CommandError, match=r"^2 stored result\(s\) differ"):
        check_results()
    pk, set_pk = interview.candidate_id, interview.question_set_id
    assert capsys.readouterr().err.splitlines() == [
        f"candidate {pk}, set {set_pk}: any_scheduled is False, not True",
        f"candidate {pk}, set {set_pk}: any_completed is True, not False",
    ]
    call_command("recompute_results")
    assert statuses(interview) == {"scheduled"}
    check_results()


def topic_mean_rows(interview):
    return {
        (row.topic_id, row.name, row.mean)
        for row in TopicMean.objects.filter(
            result=result_of(interview),
            question_set=interview.question_set,
            candidate=interview.candidate,
        )
    }


def test_the_topic_means_are_stored_as_rows_too_and_follow_every_change(alice, bob):
    interview = planned_interview(interviewers=[alice, bob], questions=2)
    first, second = interview.questions.order_by("position")
    assert first.topic_id != second.topic_id
    assert topic_mean_rows(interview) == set()
    alices = write_scorecard(interview, alice, [4, 2], summary="Seen.")
    name = interview.candidate.name
    assert topic_mean_rows(interview) == {
        (first.topic_id, name, 4.0),
        (second.topic_id, name, 2.0),
    }
    write_scorecard(interview, bob, [2, None], summary="Seen.")
    assert topic_mean_rows(interview) == {
        (first.topic_id, name, 3.0),
        (second.topic_id, name, 2.0),
    }
    services.amend_scorecard(
        scorecard=alices,
        author=alice,
        reason="Re-read my notes.",
        recommendation=Recommendation.YES,
        summary="Seen.",
        answers={first.pk: (4, ""), second.pk: (None, "")},
    )
    # Nobody rated the second topic any more: its row goes.
    assert topic_mean_rows(interview) == {(first.topic_id, name, 3.0)}
    check_results()


def test_check_reports_stale_topic_mean_rows_and_recompute_mends_them(alice, capsys):
    interview = planned_interview(interviewers=[alice], questions=1)
    write_scorecard(interview, alice, 3, summary="Seen.")
    (topic,) = {row[0] for row in topic_mean_rows(interview)}
    TopicMean.objects.update(mean=1.0)
    with pytest.raises(CommandError, match=r"^1 stored result\(s\) differ"):
        check_results()
    pk, set_pk = interview.candidate_id, interview.question_set_id
    name = interview.candidate.name
    assert capsys.readouterr().err == (
        f"candidate {pk}, set {set_pk}: topic mean rows are "
        f"[({topic}, {set_pk}, {pk}, {name!r}, 1.0)], "
        f"not [({topic}, {set_pk}, {pk}, {name!r}, 3.0)]\n"
    )
    call_command("recompute_results")
    assert topic_mean_rows(interview) == {(topic, name, 3.0)}
    TopicMean.objects.all().delete()
    with pytest.raises(CommandError):
        check_results()
    call_command("recompute_results")
    check_results()


def test_each_set_counts_its_results_by_what_compare_filters_as_they_come_and_go(
    alice, hiring_manager, capsys
):
    first = planned_interview(interviewers=[alice])
    question_set = first.question_set
    second = planned_interview(interviewers=[alice], question_set=question_set)
    # Another interview of a candidate with a result already: still one result each.
    planned_interview(interviewers=[alice], candidate=first.candidate, question_set=question_set)

    def groups():
        return {
            tuple(row[:-1]): row[-1]
            for row in ResultGroup.objects.filter(question_set=question_set)
            .values_list("role_applied_for", "decision", "any_scheduled", "any_completed")
            .annotate(total=Sum("results"))
            if row[-1]
        }

    role = first.candidate.role_applied_for
    assert groups() == {(role, None, True, False): 2}
    check_results()

    # Submitted and decided: the result moves to the completed, then the decided group.
    write_scorecard(second, alice, 3, recommendation=Recommendation.YES, summary="Seen.")
    assert groups() == {(role, None, True, False): 1, (role, None, False, True): 1}
    services.record_decision(
        candidate=second.candidate, manager=hiring_manager, outcome="hire", rationale="Good."
    )
    assert groups() == {(role, None, True, False): 1, (role, "hire", False, True): 1}
    check_results()

    # Removed: its group counts one fewer.
    Interview.objects.filter(candidate=first.candidate).delete()
    results.refresh_result(candidate_id=first.candidate_id, question_set_id=question_set.pk)
    assert groups() == {(role, "hire", False, True): 1}
    check_results()

    # A group may have two rows (two first results at once): counted as their sum.
    ResultGroup.objects.create(
        question_set=question_set,
        role_applied_for=role,
        decision="hire",
        any_scheduled=False,
        any_in_progress=False,
        any_completed=True,
        any_cancelled=False,
        results=0,
    )
    check_results()

    ResultGroup.objects.filter(question_set=question_set, decision="hire").update(results=7)
    with pytest.raises(CommandError, match=r"^1 stored result\(s\) differ"):
        check_results()
    assert capsys.readouterr().err == (
        f"set {question_set.pk}, {{'role_applied_for': {role!r}, 'decision': 'hire', "
        "'any_scheduled': False, 'any_in_progress': False, 'any_completed': True, "
        "'any_cancelled': False}: 14 results counted, not 1\n"
    )
    call_command("recompute_results")
    assert groups() == {(role, "hire", False, True): 1}
    assert ResultGroup.objects.count() == 1
    check_results()
