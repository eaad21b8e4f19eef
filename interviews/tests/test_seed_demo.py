import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from config import roles
from interviews.models import Candidate, Interview
from notifications.models import OutgoingEmail
from notifications.selectors import due_reminders
from scoring.models import Rating, Scorecard

pytestmark = pytest.mark.django_db


@pytest.fixture
def seed_sets():
    call_command("loaddata", "junior-backend-developer", "backend-developer", verbosity=0)


def test_seed_demo_creates_the_demo_logins(settings, seed_sets, capsys):
    settings.DEBUG = True
    call_command("seed_demo")
    users = {
        user.username: (user.is_superuser, sorted(user.groups.values_list("name", flat=True)))
        for user in User.objects.all()
    }
    assert users == {
        "admin": (True, []),
        "manager": (False, [roles.HIRING_MANAGER]),
        "alice": (False, [roles.INTERVIEWER]),
        "bob": (False, [roles.INTERVIEWER]),
    }
    assert User.objects.get(username="alice").check_password("demo")
    assert "password for each: demo" in capsys.readouterr().out


def test_seed_demo_makes_a_lived_in_app(settings, seed_sets):
    settings.DEBUG = True
    call_command("seed_demo", verbosity=0)
    assert Candidate.objects.count() == 16
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
    submitted = Scorecard.objects.filter(submitted_at__isnull=False)
    assert set(submitted.values_list("interviewer__username", flat=True)) == {"alice", "bob"}
    assert submitted.count() == 27
    scores = set(Rating.objects.exclude(score=None).values_list("score", flat=True))
    assert scores == {1, 2, 3, 4}
    # Every completed interview has a submitted scorecard from each of its interviewers.
    for interview in Interview.objects.filter(status="completed"):
        assert interview.scorecards.filter(submitted_at__isnull=False).count() == 2
    # A first run of send_reminders has something to send; the demo invitations are dropped
    # before they could be sent.
    due = due_reminders(now=timezone.now())
    assert {reminder.recipient.username for reminder in due} == {"alice", "bob", "manager"}
    assert OutgoingEmail.objects.count() == 0


def test_seed_demo_twice_changes_nothing(settings, seed_sets):
    settings.DEBUG = True
    call_command("seed_demo", verbosity=0)
    before = (
        list(User.objects.order_by("pk").values()),
        Interview.objects.count(),
        Rating.objects.count(),
    )
    call_command("seed_demo", verbosity=0)
    after = (
        list(User.objects.order_by("pk").values()),
        Interview.objects.count(),
        Rating.objects.count(),
    )
    assert after == before


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
