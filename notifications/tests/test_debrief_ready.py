"""When the last scorecard of a candidate's loop is submitted, the hiring managers and the
panel are told, once, that the debrief is ready."""

import pytest
from django.core import mail
from django.urls import reverse

from config import roles
from interviews.tests.factories import planned_interview
from notifications import services as notifications
from notifications.models import OutgoingEmail
from questions.tests.factories import UserFactory
from scoring.models import Recommendation
from scoring.tests.factories import write_scorecard

from .conftest import SITE

pytestmark = pytest.mark.django_db


@pytest.fixture
def manager(db):
    return UserFactory(username="harper", role=roles.HIRING_MANAGER, email="harper@example.com")


def finish(client, interview, user):
    client.force_login(user)
    return client.post(
        reverse("finish_scorecard", args=[interview.pk]),
        {"recommendation": Recommendation.YES, "summary": "Done."},
    )


def test_the_last_submission_emails_managers_and_panel_once(
    client, send_now, candidate, interview, alice, bob, carol, manager
):
    with send_now():
        assert finish(client, interview, alice).status_code == 302
    assert mail.outbox == []
    with send_now():
        assert finish(client, interview, bob).status_code == 302
    assert sorted(message.to[0] for message in mail.outbox) == [
        "alice@example.com",
        "bob@example.com",
        "harper@example.com",
    ]
    message = mail.outbox[0]
    assert message.subject == "Debrief ready: Ada Lovelace"
    assert f"{SITE}/candidates/{candidate.pk}/debrief/" in message.body
    assert OutgoingEmail.objects.filter(kind="debrief").count() == 3
    # Called again (a retried request, another submission path): nothing more is sent.
    with send_now():
        assert notifications.debrief_ready(candidate=candidate) == []
    assert len(mail.outbox) == 3


def test_no_email_while_the_loop_is_not_ready(send_now, candidate, interview, alice, carol):
    planned_interview(interviewers=[carol], candidate=candidate)
    write_scorecard(interview, alice, [3, 3, 3])
    with send_now():
        assert notifications.debrief_ready(candidate=candidate) == []
    assert mail.outbox == []


def test_the_api_submission_tells_too(client, send_now, candidate, interview, alice, bob, manager):
    write_scorecard(interview, alice, [3, 3, 3])
    client.force_login(bob)
    with send_now():
        response = client.post(
            reverse("api_my_submission", args=[interview.pk]),
            {"recommendation": 2, "summary": ""},
            content_type="application/json",
        )
    assert response.status_code == 200
    assert sorted(message.to[0] for message in mail.outbox) == [
        "alice@example.com",
        "bob@example.com",
        "harper@example.com",
    ]


def test_the_panel_of_an_anonymised_interview_is_told_the_code(
    client, send_now, candidate, interview, alice, bob, manager
):
    interview.anonymised = True
    interview.save(update_fields=["anonymised"])
    write_scorecard(interview, alice, [3, 3, 3])
    with send_now():
        finish(client, interview, bob)
    subjects = {message.to[0]: message.subject for message in mail.outbox}
    code = f"Candidate {candidate.code}"
    assert subjects == {
        "alice@example.com": f"Debrief ready: {code}",
        "bob@example.com": f"Debrief ready: {code}",
        "harper@example.com": "Debrief ready: Ada Lovelace",
    }
    assert all(
        "Ada" not in message.body
        for message in mail.outbox
        if message.to[0] != "harper@example.com"
    )
    client.force_login(alice)
    page = client.get(reverse("debrief", args=[candidate.pk])).content.decode()
    assert code in page
    assert "Ada Lovelace" not in page


def test_a_loop_ready_again_after_a_new_interview_sends_one_new_email(
    client, send_now, candidate, interview, alice, bob, carol, manager
):
    with send_now():
        finish(client, interview, alice)
        finish(client, interview, bob)
    assert len(mail.outbox) == 3
    later = planned_interview(interviewers=[carol], candidate=candidate, stage="Culture")
    with send_now():
        assert notifications.debrief_ready(candidate=candidate) == []  # interviewing again
        assert finish(client, later, carol).status_code == 302
    assert sorted(message.to[0] for message in mail.outbox[3:]) == [
        "alice@example.com",
        "bob@example.com",
        "carol@example.com",
        "harper@example.com",
    ]
    with send_now():
        assert notifications.debrief_ready(candidate=candidate) == []
    assert len(mail.outbox) == 7
