"""A hiring manager reads calibration and a curator reads question analytics, in a browser."""

import pytest
from playwright.sync_api import expect

from config import roles
from interviews.tests.factories import interviewer_user, planned_interview
from questions.tests.factories import UserFactory
from scoring.tests.factories import write_scorecard

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def history():
    alice, bob = interviewer_user("alice"), interviewer_user("bob")
    first = planned_interview(interviewers=[alice, bob], questions=2, points=1)
    second = planned_interview(interviewers=[alice, bob], question_set=first.question_set)
    for interview, alices in ((first, [4, 4]), (second, [3, 3])):
        write_scorecard(interview, alice, alices, recommendation=4)
        write_scorecard(interview, bob, [2, 2], recommendation=2)
    return first.question_set


def test_a_manager_reads_calibration_and_filters_it(page_for, history):
    page = page_for(UserFactory(username="harper", role=roles.HIRING_MANAGER))
    page.goto("/")
    page.get_by_role("link", name="Calibration").click()
    expect(page.get_by_role("heading", name="Calibration")).to_be_visible()
    table = page.locator("#interviewer-table")
    expect(table.get_by_role("row", name="alice")).to_contain_text("+1.50")
    expect(table.get_by_role("row", name="bob")).to_contain_text("-1.50")
    expect(page.locator("#overall-agreement")).to_contain_text("Krippendorff's α (ordinal)")
    page.get_by_label("Question set").select_option(history.slug)
    page.get_by_role("button", name="Show").click()
    assert f"set={history.slug}" in page.url
    expect(table.get_by_role("row")).to_have_count(3)  # the header, alice and bob
    page.goto("/calibration/?from=2026-13-45")
    expect(page.get_by_role("alert")).to_contain_text("Enter a valid date.")


def test_a_curator_sorts_question_analytics_and_opens_a_question(page_for, history):
    page = page_for(UserFactory(username="cora", role=roles.QUESTION_CURATOR, is_staff=True))
    page.goto(f"/questions/{history.slug}/analytics/")
    expect(
        page.get_by_role("heading", name=f"Question analytics: {history.title}")
    ).to_be_visible()
    page.get_by_role("link", name="#").click()
    expect(page.get_by_role("link", name="# ↓")).to_be_visible()
    rows = page.locator("#analytics-table > tbody > tr")
    expect(rows.first.locator("[data-column=asked]")).to_have_text("2")
    rows.first.get_by_role("link").first.click()
    expect(page.get_by_role("heading", name="Change question")).to_be_visible()
