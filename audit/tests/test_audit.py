import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from audit.models import AuditEvent
from config import roles
from interviews.tests.factories import interviewer_user, planned_interview
from questions.tests.factories import UserFactory
from scoring import services
from scoring.tests.factories import write_scorecard

pytestmark = pytest.mark.django_db


def test_submitting_and_amending_are_recorded():
    alice = interviewer_user("alice")
    interview = planned_interview(interviewers=[alice], questions=1)
    scorecard = write_scorecard(interview, alice, recommendation=2)
    services.amend_scorecard(
        scorecard=scorecard, author=alice, reason="Typo", recommendation=3, summary="", answers={}
    )
    subject = f"Scorecard #{scorecard.pk} of interview #{interview.pk}"
    assert list(
        AuditEvent.objects.order_by("pk").values_list("action", "actor_name", "subject", "details")
    ) == [
        ("scorecard_submitted", "alice", subject, {"recommendation": "No"}),
        ("scorecard_amended", "alice", subject, {"changed": ["recommendation"]}),
    ]


def user_form(user, groups):
    return {
        "username": user.username,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": user.email,
        "is_active": "on",
        "groups": [g.pk for g in groups],
        "last_login_0": "",
        "last_login_1": "",
        "date_joined_0": "2026-01-01",
        "date_joined_1": "10:00:00",
    }


def test_a_role_change_in_admin_is_recorded(client, superuser):
    bob = UserFactory(username="bob", role=roles.INTERVIEWER)
    client.force_login(superuser)
    manager_group = Group.objects.get(name=roles.HIRING_MANAGER)
    response = client.post(
        reverse("admin:auth_user_change", args=[bob.pk]), user_form(bob, [manager_group])
    )
    assert response.status_code == 302
    event = AuditEvent.objects.get(action="role_changed")
    assert (event.actor, event.subject) == (superuser, f"User #{bob.pk} (bob)")
    assert event.details == {
        "before": {"groups": ["Interviewer"], "staff": False, "superuser": False},
        "after": {"groups": ["Hiring manager"], "staff": False, "superuser": False},
    }


def test_saving_a_user_without_a_role_change_records_nothing(client, superuser):
    bob = UserFactory(username="bob", role=roles.INTERVIEWER)
    client.force_login(superuser)
    client.post(
        reverse("admin:auth_user_change", args=[bob.pk]),
        user_form(bob, [Group.objects.get(name=roles.INTERVIEWER)]),
    )
    assert not AuditEvent.objects.exists()


@pytest.fixture
def event(superuser):
    return AuditEvent.objects.create(
        actor=superuser, actor_name="sam", action="candidate_erased", subject="Candidate #1"
    )


def test_admins_read_the_log_and_nobody_edits_it(client, superuser, event):
    client.force_login(superuser)
    assert client.get(reverse("admin:audit_auditevent_changelist")).status_code == 200
    assert client.get(reverse("admin:audit_auditevent_change", args=[event.pk])).status_code == 200
    assert client.get(reverse("admin:audit_auditevent_add")).status_code == 403
    assert (
        client.post(reverse("admin:audit_auditevent_delete", args=[event.pk])).status_code == 403
    )
    client.post(
        reverse("admin:audit_auditevent_change", args=[event.pk]), {"subject": "Rewritten"}
    )
    event.refresh_from_db()
    assert event.subject == "Candidate #1"


@pytest.mark.parametrize("who", ["curator", "hiring_manager", "interviewer"])
def test_nobody_else_reads_the_log(client, event, who, request):
    client.force_login(request.getfixturevalue(who))
    response = client.get(reverse("admin:audit_auditevent_changelist"))
    assert response.status_code in (302, 403)
    assert "Candidate #1" not in response.text
