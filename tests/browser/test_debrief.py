"""The loop's journey in a real browser: two interviewers submit, the panel is emailed (through
a real SMTP server on loopback) that the debrief is ready, the manager opens it, an
interviewer amends after it, the manager decides, amending is then refused, and compare
filters by the decision."""

import email
import email.policy
import socket

import pytest
from aiosmtpd.controller import Controller
from playwright.sync_api import expect

from config import roles
from interviews.tests.factories import CandidateFactory, interviewer_user, planned_interview
from questions.tests.factories import UserFactory
from scoring.models import Decision, Recommendation, Scorecard
from scoring.tests.factories import write_scorecard

pytestmark = pytest.mark.django_db(transaction=True)


class Inbox:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(
            email.message_from_bytes(envelope.content, policy=email.policy.default)
        )
        return "250 Message accepted for delivery"


@pytest.fixture
def inbox(settings):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": port, "timeout": 5},
        }
    }
    yield inbox
    controller.stop()


def finish(page, interview, recommendation):
    page.goto(f"/interviews/{interview.pk}/finish/")
    page.get_by_text(recommendation, exact=True).click()
    page.get_by_role("button", name="Submit scorecard").click()
    expect(page.get_by_text("Scorecard submitted.")).to_be_visible()


def test_submit_debrief_amend_decide_and_filter(page_for, inbox):
    alice, bob = interviewer_user("alice"), interviewer_user("bob")
    manager = UserFactory(username="harper", role=roles.HIRING_MANAGER, email="harper@example.com")
    candidate = CandidateFactory(name="Ada Lovelace")
    interview = planned_interview(interviewers=[alice, bob], candidate=candidate, questions=2)
    other = planned_interview(interviewers=[alice], question_set=interview.question_set)
    write_scorecard(interview, alice, [4, 3], submit=False)
    write_scorecard(interview, bob, [1, 3], submit=False)
    inbox.messages.clear()  # the invitations

    finish(page_for(alice), interview, "Strong yes")
    assert inbox.messages == []
    bob_page = page_for(bob)
    finish(bob_page, interview, "No")
    assert sorted(message["To"] for message in inbox.messages) == [
        "alice@example.com",
        "bob@example.com",
        "harper@example.com",
    ]
    assert {message["Subject"] for message in inbox.messages} == {"Debrief ready: Ada Lovelace"}

    manager_page = page_for(manager)
    manager_page.goto(f"/candidates/{candidate.pk}/")
    expect(manager_page.locator("#loop-status")).to_have_text("Ready for debrief")
    manager_page.get_by_role("link", name="Open the debrief").click()
    differing = manager_page.locator("[data-differs]")
    expect(differing).to_have_count(1)  # rated 4 and 1
    expect(differing).to_contain_text("ratings 3 apart")

    # Bob changes his mind after the debrief.
    bob_card = Scorecard.objects.get(interviewer=bob)
    bob_page.goto(f"/scorecards/{bob_card.pk}/amend/")
    bob_page.get_by_label("Yes", exact=True).check()
    bob_page.get_by_label("Reason").fill("The debrief showed I misread question 1.")
    bob_page.get_by_role("button", name="Amend scorecard").click()
    expect(bob_page.get_by_text("Scorecard amended.")).to_be_visible()

    manager_page.reload()
    card = manager_page.locator(f"[data-scorecard='{bob_card.pk}']")
    expect(card).to_contain_text("changed after debrief")
    expect(card.locator("[data-now]")).to_contain_text("Yes")
    expect(card.locator("[data-at-debrief]")).to_contain_text("at the debrief: No")

    manager_page.get_by_label("No hire").check()
    manager_page.get_by_label("Rationale").fill("Gaps on the core question.")
    manager_page.get_by_role("button", name="Record decision").click()
    expect(manager_page.get_by_text("Decision recorded.")).to_be_visible()
    decision = Decision.objects.get()
    assert (decision.outcome, decision.rationale, decision.decided_by) == (
        "no_hire",
        "Gaps on the core question.",
        manager,
    )

    # Amending is now refused, with the reason, and nothing changes.
    bob_page.goto(f"/scorecards/{bob_card.pk}/amend/")
    bob_page.get_by_label("Strong yes", exact=True).check()
    bob_page.get_by_label("Reason").fill("One more change.")
    bob_page.get_by_role("button", name="Amend scorecard").click()
    expect(bob_page.get_by_text("The candidate was decided (No hire")).to_be_visible()
    assert Scorecard.objects.get(pk=bob_card.pk).recommendation == Recommendation.YES

    manager_page.goto(f"/compare/?set={interview.question_set.slug}")
    rows = manager_page.locator("#compare-table tbody tr")
    expect(rows).to_have_count(2)
    manager_page.get_by_label("Decision").select_option("no_hire")
    manager_page.get_by_role("button", name="Show").click()
    expect(rows).to_have_count(1)
    expect(rows.first).to_have_attribute("data-candidate", str(candidate.pk))
    expect(rows.first.locator("[data-column=decision]")).to_contain_text("No hire")
    manager_page.get_by_label("Decision").select_option("undecided")
    manager_page.get_by_role("button", name="Show").click()
    expect(rows.first).to_have_attribute("data-candidate", str(other.candidate_id))
