"""An anonymised interview's panel never learns who the candidate is; nor, on the surfaces
that compare candidates, do hiring managers while the set hides names until decided (the
second half of this file). A canary name, email,
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
from scoring import services as scoring

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
    "debrief_csv": "the debrief as CSV, on the same terms",
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


# Hiring managers, while names are hidden until decided ----------------------------------------

# The candidate's name, email and the manager's note about them. Their role stays: it is what
# candidates are compared within, not who they are.
MANAGER_CANARIES = [CANARIES[0], CANARIES[1], CANARIES[3]]

# URLs the access table opens to a hiring manager that name the candidate on purpose: the
# candidate's own record and the scheduling of their interviews. Every other URL a manager
# can open (GET) is fetched and must not name them (each comparison surface among them:
# compare, its rows, chart and CSVs, the grid, the debrief and its CSV, a scorecard, an
# interview's scorecards, the API's compare and results).
MANAGER_NAMED = {
    "candidate_list": "the candidates",
    "candidate_detail": "the candidate's page, their record",
    "candidate_edit": "editing the candidate",
    "candidate_export": "everything stored about them",
    "candidate_erase[confirm]": "erasing them",
    "interview_list": "the interviews, for scheduling",
    "interview_detail": "an interview, for scheduling",
    "schedule_interview": "scheduling: the candidates to choose from",
    "reschedule_interview": "rescheduling",
    "api_candidates": "the API: candidates",
    "api_candidate": "the API: a candidate",
    "api_candidate_export": "the API: everything stored about them",
    "api_interviews": "the API: interviews",
    "api_interview": "the API: an interview",
}
COMPARING = [
    "compare",
    "compare_grid",
    "compare_csv",
    "compare_detail_csv",
    "debrief",
    "debrief_csv",
    "scorecard_detail",
    "interview_scorecards",
    "api_compare",
    "api_candidate_results",
]


def manager_reachable(key):
    return TABLE[key][ROLES.index("manager")] == 200 and key not in POSTED and key not in METHODS


MANAGER_SURFACES = sorted(
    key for key in TABLE if manager_reachable(key) and key not in MANAGER_NAMED
)


def test_every_url_a_manager_can_open_is_checked_or_named_on_purpose():
    assert sorted(key for key in MANAGER_NAMED if not manager_reachable(key)) == []
    assert sorted(set(COMPARING) - set(MANAGER_SURFACES)) == []


@pytest.fixture
def hidden(world):
    """The world's question set hides names until decided (for this test only)."""
    world.question_set.hide_names_until_decided = True
    world.question_set.save(update_fields=["hide_names_until_decided"])
    return world


def manager_fetches(world, key):
    response = request_as(world, "manager", "GET", url_for(world, key))
    assert response.status_code == 200, key
    body = b"".join(response) if response.streaming else response.content
    return body.decode(errors="replace")


def manager_leaks(text):
    return [canary for canary in MANAGER_CANARIES if canary.lower() in text.lower()]


@pytest.mark.parametrize("key", MANAGER_SURFACES)
def test_no_surface_names_an_undecided_candidate_to_a_manager_while_hidden(hidden, key):
    assert manager_leaks(manager_fetches(hidden, key)) == [], key


def test_managers_see_the_code_instead(hidden):
    code = f"Candidate {hidden.candidate.code}"
    for key in COMPARING[:-1]:  # the API's results name no candidate at all
        assert code in manager_fetches(hidden, key), key


def test_the_debrief_email_to_managers_names_no_one_while_hidden(
    hidden, django_capture_on_commit_callbacks
):
    scoring.submit_scorecard(scorecard=hidden.draft, recommendation=3, summary="Fine.")
    sent = notifications.debrief_ready(candidate=hidden.candidate)
    to_manager = [email for email in sent if email.to == hidden.users["manager"].email]
    assert len(to_manager) == 1
    email = to_manager[0]
    assert manager_leaks(" ".join([email.subject, email.text, email.html])) == []
    assert email.subject == f"Debrief ready: Candidate {hidden.candidate.code}"


def test_once_a_decision_is_recorded_managers_see_the_name(hidden):
    scoring.record_decision(
        candidate=hidden.candidate,
        manager=hidden.users["manager"],
        outcome="hold",
        rationale="Waiting for the team's plans.",
        early_reason="Headcount is frozen.",
    )
    for key in COMPARING[:-1]:
        assert CANARIES[0] in manager_fetches(hidden, key), key
    assert CANARIES[1] in manager_fetches(hidden, "compare_csv")


def test_the_other_sets_and_the_candidates_record_name_them(world):
    for key in ["compare", "debrief", "candidate_detail"]:
        assert CANARIES[0] in manager_fetches(world, key), key
