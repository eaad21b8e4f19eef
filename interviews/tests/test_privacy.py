import datetime
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent
from interviews.models import Candidate, Interview
from interviews.tests.factories import CandidateFactory, interviewer_user, planned_interview
from scoring import services
from scoring.models import Amendment, CandidateResult, PointMark, Rating, Scorecard
from scoring.tests.factories import write_scorecard

pytestmark = pytest.mark.django_db


@pytest.fixture
def scored_candidate(alice):
    candidate = CandidateFactory(
        name="Grace Hopper", email="grace@example.com", notes="Referred by Ada."
    )
    interview = planned_interview(interviewers=[alice], candidate=candidate, questions=2)
    scorecard = write_scorecard(
        interview,
        alice,
        [4, 2],
        notes=["Grace said X."],
        marks=[[2]],
        recommendation=3,
        summary="Grace is great.",
    )
    first, second = interview.questions.order_by("position")
    services.amend_scorecard(
        scorecard=scorecard,
        author=alice,
        reason="Grace emailed a correction.",
        recommendation=4,
        summary="Grace is great.",
        answers={
            first.pk: (4, "Grace said X and Y."),
            second.pk: (2, ""),
        },
    )
    return candidate


def test_a_hiring_manager_exports_everything_about_a_candidate(
    client, hiring_manager, scored_candidate
):
    client.force_login(hiring_manager)
    response = client.get(reverse("candidate_export", args=[scored_candidate.pk]))
    assert response.status_code == 200
    assert response["Content-Disposition"] == (
        f'attachment; filename="candidate-{scored_candidate.pk}.json"'
    )
    data = json.loads(response.content)
    assert data["candidate"]["name"] == "Grace Hopper"
    assert data["candidate"]["email"] == "grace@example.com"
    assert data["candidate"]["notes"] == "Referred by Ada."
    [interview] = data["interviews"]
    [scorecard] = interview["scorecards"]
    assert (scorecard["recommendation"], scorecard["summary"]) == ("Strong yes", "Grace is great.")
    assert scorecard["answers"][0]["notes"] == "Grace said X and Y."
    assert list(scorecard["answers"][0]["points"].values()) == ["Covered"]
    assert scorecard["amendments"][0]["reason"] == "Grace emailed a correction."
    event = AuditEvent.objects.get(action="candidate_exported")
    assert (event.actor, event.subject) == (hiring_manager, f"Candidate #{scored_candidate.pk}")


def result_of(candidate):
    return (
        CandidateResult.objects.filter(candidate=candidate)
        .values("scorecard_count", "mean", "median", "spread", "coverage", "yes", "strong_yes")
        .get()
    )


def test_erasing_removes_personal_data_and_keeps_the_numbers(
    client, hiring_manager, scored_candidate
):
    before = result_of(scored_candidate)
    scores_before = sorted(Rating.objects.values_list("score", flat=True))
    marks_before = list(PointMark.objects.values_list("mark", flat=True))
    client.force_login(hiring_manager)
    url = reverse("candidate_erase", args=[scored_candidate.pk])
    assert "Erase Grace Hopper?" in client.get(url).text

    response = client.post(url)
    assert response["Location"] == reverse("candidate_detail", args=[scored_candidate.pk])

    candidate = Candidate.objects.get(pk=scored_candidate.pk)
    assert (candidate.name, candidate.email, candidate.notes) == (
        f"Erased candidate #{candidate.pk}",
        "",
        "",
    )
    assert candidate.is_erased
    assert set(Rating.objects.values_list("notes", flat=True)) == {""}
    assert set(Scorecard.objects.values_list("summary", flat=True)) == {""}
    amendment = Amendment.objects.get()
    assert amendment.reason == ""
    assert "Grace" not in json.dumps([amendment.before, amendment.after])
    # The statistics are untouched.
    assert result_of(candidate) == before
    call_command("recompute_results", "--check")
    assert sorted(Rating.objects.values_list("score", flat=True)) == scores_before
    assert list(PointMark.objects.values_list("mark", flat=True)) == marks_before
    event = AuditEvent.objects.get(action="candidate_erased")
    assert (event.actor, event.subject) == (hiring_manager, f"Candidate #{candidate.pk}")
    # Nothing of her is left on her page or in an export.
    page = client.get(reverse("candidate_detail", args=[candidate.pk])).text
    exported = client.get(reverse("candidate_export", args=[candidate.pk])).content.decode()
    for text in (page, exported):
        assert "Grace" not in text
        assert "Ada" not in text


def test_erasing_twice_is_refused(client, hiring_manager, scored_candidate):
    client.force_login(hiring_manager)
    url = reverse("candidate_erase", args=[scored_candidate.pk])
    client.post(url)
    response = client.post(url, follow=True)
    assert "This candidate was already erased." in response.text
    assert AuditEvent.objects.filter(action="candidate_erased").count() == 1


def age(candidate, days):
    """Make the candidate and everything about them `days` days old."""
    then = timezone.now() - datetime.timedelta(days=days)
    Candidate.objects.filter(pk=candidate.pk).update(updated_at=then)
    Interview.objects.filter(candidate=candidate).update(
        scheduled_at=then, completed_at=then, started_at=then
    )
    Scorecard.objects.filter(interview__candidate=candidate).update(updated_at=then)


def test_purge_erases_candidates_inactive_for_that_long(scored_candidate, capsys):
    old = CandidateFactory(name="Old Timer")
    age(old, 400)
    age(scored_candidate, 400)
    recent = CandidateFactory(name="Recent")
    interview_recent = CandidateFactory(name="Interviewing")
    age(interview_recent, 400)
    planned_interview(interviewers=[interviewer_user("bob")], candidate=interview_recent)

    call_command("purge_candidates", "--older-than", "365", "--dry-run")
    assert capsys.readouterr().out.strip() == (
        f"Would erase 2 candidates with no activity in the last 365 days: "
        f"#{scored_candidate.pk}, #{old.pk}"
    )
    assert Candidate.objects.filter(erased_at__isnull=False).count() == 0

    call_command("purge_candidates", "--older-than", "365")
    assert capsys.readouterr().out.strip().startswith("Erased 2 candidates")
    assert set(Candidate.objects.filter(erased_at__isnull=False).values_list("pk", flat=True)) == {
        scored_candidate.pk,
        old.pk,
    }
    assert Candidate.objects.get(pk=recent.pk).name == "Recent"
    assert Candidate.objects.get(pk=interview_recent.pk).name == "Interviewing"
    events = AuditEvent.objects.filter(action="candidate_erased")
    assert (events.count(), set(events.values_list("actor_name", flat=True))) == (2, {"system"})

    call_command("purge_candidates", "--older-than", "365")
    assert capsys.readouterr().out.strip() == (
        "Erased 0 candidates with no activity in the last 365 days."
    )


@pytest.mark.parametrize("days", ["0", "-3"])
def test_purge_refuses_a_nonsense_age(days):
    with pytest.raises(CommandError, match="--older-than must be at least 1 day"):
        call_command("purge_candidates", "--older-than", days)
