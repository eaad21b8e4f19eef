import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from config import roles
from interviews.models import Candidate, Interview
from notifications.models import OutgoingEmail
from notifications.selectors import due_reminders
from questions.models import QuestionSet
from scoring import calibration
from scoring.models import Decision, Rating, Scorecard

pytestmark = pytest.mark.django_db


@pytest.fixture
def seed_sets():
    call_command("loaddata", "junior-backend-developer", "backend-developer", verbosity=0)


# seed_demo takes seconds: one test runs it once, checks each thing it promises, then runs it
# again to see that nothing changes.


def test_seed_demo_makes_a_lived_in_app_and_a_second_run_changes_nothing(
    settings, seed_sets, capsys
):
    settings.DEBUG = True
    call_command("seed_demo")
    assert "password for each: demo" in capsys.readouterr().out
    # What is stored from the scorecards matches them, the calibration sums included.
    call_command("recompute_results", "--check")
    check_demo_logins()
    check_lived_in_app()
    check_calibration_history()
    check_decisions()
    before = everything_seeded()
    call_command("seed_demo", verbosity=0)
    assert everything_seeded() == before


def check_demo_logins():
    users = {
        user.username: (user.is_superuser, sorted(user.groups.values_list("name", flat=True)))
        for user in User.objects.all()
    }
    assert users == {
        "admin": (True, []),
        "manager": (False, [roles.HIRING_MANAGER]),
        "alice": (False, [roles.INTERVIEWER]),
        "bob": (False, [roles.INTERVIEWER]),
        "tess": (False, [roles.INTERVIEWER]),
        "carlos": (False, [roles.INTERVIEWER]),
        "dana": (False, [roles.INTERVIEWER]),
    }
    assert User.objects.get(username="alice").check_password("demo")


def check_lived_in_app():
    assert Candidate.objects.exclude(email__endswith="@history.example.com").count() == 16
    assert set(Interview.objects.values_list("status", flat=True)) == {
        "scheduled",
        "in_progress",
        "completed",
        "cancelled",
    }
    assert set(Interview.objects.values_list("question_set__slug", flat=True)) == {
        "backend-developer",
        "junior-backend-developer",
    }
    submitted = Scorecard.objects.filter(submitted_at__isnull=False).exclude(
        interview__candidate__email__endswith="@history.example.com"
    )
    assert set(submitted.values_list("interviewer__username", flat=True)) == {
        "alice",
        "bob",
        "tess",
    }
    assert sorted(
        submitted.filter(shadow=True).values_list(
            "interviewer__username", "interview__candidate__name"
        )
    ) == [("tess", "Priya Raman"), ("tess", "Tom Becker")]
    assert submitted.count() == 29  # 27 of the panels and 2 of tess shadowing
    scores = set(Rating.objects.exclude(score=None).values_list("score", flat=True))
    assert scores == {1, 2, 3, 4}
    # Every completed interview has a submitted scorecard from each of its interviewers.
    for interview in Interview.objects.filter(status="completed"):
        assert (
            interview.scorecards.filter(submitted_at__isnull=False).count()
            == interview.interviewers.count()
        )
    # A first run of send_reminders has something to send; the demo invitations are dropped
    # before they could be sent.
    due = due_reminders(now=timezone.now())
    assert {reminder.recipient.username for reminder in due} == {"alice", "bob", "manager"}
    assert OutgoingEmail.objects.count() == 0


def everything_seeded():
    return (
        list(User.objects.order_by("pk").values()),
        Interview.objects.count(),
        Rating.objects.count(),
    )


def test_seed_demo_needs_the_seed_sets(settings):
    settings.DEBUG = True
    with pytest.raises(CommandError, match="Load the seed question sets first"):
        call_command("seed_demo", verbosity=0)
    assert User.objects.count() == 0


def test_seed_demo_refuses_without_debug(settings, seed_sets):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="only runs with DJANGO_DEBUG=1"):
        call_command("seed_demo")
    assert User.objects.count() == 0


def check_decisions():
    """Most past candidates are decided, some after a panel member moved in the debrief."""
    history = Decision.objects.filter(candidate__email__endswith="@history.example.com")
    assert history.filter(ended_at=None).count() == 32 - 5
    assert set(history.values_list("outcome", flat=True)) == {"hire", "no_hire", "hold"}
    figures = calibration.debrief_calibration(calibration.counted_scorecards())
    assert sum(item.moved for item in figures.values()) >= 4
    assert all(item.decided for item in figures.values())


def check_calibration_history():
    """Four interviewers, one lenient and one harsh, and two questions whose ratings say
    nothing about the candidate (see create_history)."""
    history = Candidate.objects.filter(
        email__endswith="@history.example.com", interviews__scorecards__submitted_at__isnull=False
    ).distinct()
    assert history.count() == 32
    rows = calibration.interviewer_calibration(calibration.counted_scorecards(), resamples=200)
    flags = {row.name: row.leniency_flag for row in rows}
    assert (flags["Carlos Ortega"], flags["Dana Whitfield"]) == ("rates higher", "rates lower")
    # Alice and Bob rate about as their panels do. With the debriefs, the planted leak and the
    # shadows of the demo, each one's interval now ends near 0 (Alice −0.35 to 0.00, Bob
    # −0.02 to 0.33, which move a little with the day it runs), so their flags are left out.
    near = {row.name: abs(row.leniency) < 0.25 for row in rows}
    assert (near["Alice Archer"], near["Bob Baker"]) == (True, True)
    backend = QuestionSet.objects.get(slug="backend-developer")
    flagged = [
        row.question.position
        for row in calibration.question_analytics(backend)
        if "does not separate candidates" in row.flags
    ]
    assert flagged == [9, 10]
    # The planted leak (the plan's seventh question, a point higher in the last 90 days), and
    # no other.
    leaked = [
        row.question.position
        for row in calibration.question_analytics(backend)
        if calibration.PROBABLE_LEAK in row.flags
    ]
    assert leaked == [9]
