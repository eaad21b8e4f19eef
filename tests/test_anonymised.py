"""An anonymised interview's panel never learns who the candidate is. A canary name, email,
role and note are put on the candidate of the access table's world, its interview is
anonymised, and every surface an interviewer can reach (every page and API response the
access table lets them open, every email they are sent with its calendar attachment, their
calendar feed) is fetched: none may contain any of them. A URL the access table opens to an
interviewer that is not on SURFACES fails, so a new page cannot slip past."""

from datetime import timedelta

import pytest
from django.db import transaction
from django.test import override_settings

from notifications import services as notifications
from notifications.models import OutgoingEmail
from scoring import results

from .test_access import (
    METHODS,
    POSTED,
    ROLES,
    TABLE,
    build_world,
    request_as,
    url_for,
)

pytestmark = pytest.mark.django_db

CANARIES = ["Zebulon Quillfeather", "zebulon.quill@canary.example", "CANARY-ROLE", "CANARY-NOTE"]
INTERVIEWERS = ["unassigned", "before", "after"]

# Every URL the access table opens (200) to an interviewer, or to anyone at all (the calendar
# feed, whose token is the interviewer's), with what it is.
SURFACES = {
    "login": "the sign-in page",
    "admin:login": "the admin's sign-in page",
    "account_login": "the sign-in page (allauth's name for it)",
    "account_reauthenticate": "typing the password again",
    "mfa_index": "my two-factor settings",
    "tokens": "my API tokens",
    "api_tokens": "the API: my tokens",
    "healthz": "the liveness probe (no data)",
    "readyz": "the readiness probe (check names only)",
    "accept_invitation": "an invitation's link",
    "password_reset": "asking for a password reset",
    "password_reset_done": "its sent page",
    "password_reset_confirm": "setting a new password",
    "password_reset_complete": "its done page",
    "question_sets": "the bank, read-only",
    "question_set_detail": "a question set, read-only",
    "my_interviews": "My interviews: the candidate's code",
    "live_interview": "the live page",
    "finish_scorecard": "the finish page",
    "interview_scorecards": "the panel's scorecards, after submitting",
    "scorecard_detail": "a scorecard and its printable form",
    "amend_scorecard": "the amend page",
    "interview_calendar": "the interview's .ics",
    "my_calendar": "the calendar page",
    "calendar_feed": "the calendar feed",
    "api_docs": "the API's documentation",
    "api_schema": "the API's schema and its examples",
    "api_question_sets": "the API: question sets",
    "api_question_set": "the API: a question set",
    "api_interviews": "the API: my interviews",
    "api_interview": "the API: an interview",
    "api_interview_scorecards": "the API: the panel's scorecards",
    "api_my_scorecard": "the API: my scorecard",
    "api_my_answer": "the API: an answer's reply",
    "api_my_submission": "the API: submitting",
    "api_my_amendment": "the API: amending",
    "api_scorecard": "the API: a scorecard",
    "api_scorecard[draft]": "the API: my draft",
    "scorecard_detail[draft]": "my draft",
    "debrief": "the candidate's debrief, once all one's scorecards are in",
}


def reachable(key):
    row = TABLE[key]
    return [role for role in ["anonymous", *INTERVIEWERS] if row[ROLES.index(role)] == 200]


REACHABLE = sorted(key for key in TABLE if reachable(key))


def test_every_url_an_interviewer_can_open_is_a_surface_checked_here():
    assert sorted(set(REACHABLE) - set(SURFACES)) == [], "add these to SURFACES"
    assert sorted(set(SURFACES) - set(REACHABLE)) == [], "no longer reachable: remove them"


def anonymise(world):
    candidate = world.candidate
    candidate.name, candidate.email, candidate.role_applied_for, candidate.notes = (
        CANARIES[0],
        CANARIES[1],
        f"{CANARIES[2]} Staff engineer",
        f"Met at a meetup. {CANARIES[3]}",
    )
    candidate.save()
    world.interview.anonymised = True
    world.interview.save(update_fields=["anonymised"])
    results.refresh_results_of(candidate)


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
            built = build_world()
            anonymise(built)
        yield built
        transaction.set_rollback(True)


def leaks(text):
    return [canary for canary in CANARIES if canary.lower() in text.lower()]


@pytest.mark.parametrize("key", REACHABLE)
def test_no_surface_shows_an_anonymised_candidate_to_an_interviewer(world, key):
    url = url_for(world, key)
    method = METHODS.get(key) or ("POST" if key in POSTED else "GET")
    for role in reachable(key):
        response = request_as(
            world, role, method, url, POSTED[key](world) if key in POSTED else None
        )
        body = b"".join(response) if response.streaming else response.content
        assert leaks(body.decode(errors="replace")) == [], f"{role} {method} {url}"


def test_the_panel_sees_the_candidates_code_instead(world):
    response = request_as(world, "before", "GET", "/interviews/mine/")
    assert f"Candidate {world.candidate.code}" in response.text


def test_the_panels_emails_and_calendar_attachments_name_no_one(
    world, django_capture_on_commit_callbacks
):
    notifications.interview_changed(interview=world.interview)
    later = world.interview.scheduled_at + timedelta(days=2)
    notifications.send_reminders(now=later)
    sent = OutgoingEmail.objects.filter(to__in=[world.users[role].email for role in INTERVIEWERS])
    kinds = set(sent.values_list("kind", flat=True))
    assert {OutgoingEmail.Kind.INVITATION, OutgoingEmail.Kind.REMINDER} <= kinds
    for email in sent:
        text = " ".join([email.subject, email.text, email.html, email.calendar])
        assert leaks(text) == [], email.subject
    invitation = sent.filter(kind=OutgoingEmail.Kind.INVITATION).latest("pk")
    assert f"Candidate {world.candidate.code}" in invitation.subject


def test_hiring_managers_still_see_the_name(world):
    response = request_as(world, "manager", "GET", url_for(world, "interview_scorecards"))
    assert CANARIES[0] in response.text
    assert f"Candidate {world.candidate.code}" not in response.text
