"""The live interview page in a real browser: keyboard, reload, offline, two interviewers."""

import re

import pytest
from playwright.sync_api import expect

from scoring.models import PointMark, Rating, Scorecard

pytestmark = pytest.mark.django_db(transaction=True)


def current_question(page):
    return page.locator(".live-question.current")


def expect_saved(page):
    expect(page.locator("#save-status")).to_have_attribute("data-state", "saved", timeout=15000)


def answers(scorecard):
    """What the server holds: per question, the score, skip and notes, and the marks."""
    ratings = Rating.objects.filter(scorecard=scorecard).order_by("interview_question__position")
    return [
        (
            rating.interview_question.position,
            rating.score,
            rating.skipped,
            rating.notes,
            sorted(rating.marks.values_list("point__position", "mark")),
        )
        for rating in ratings
    ]


def test_a_whole_session_by_keyboard_with_a_reload_halfway(page_for, interview, alice):
    page = page_for(alice)
    page.goto(f"/interviews/{interview.pk}/live/")
    page.get_by_role("button", name="Start interview").click()
    expect(page.locator("[data-clock=interview]")).to_have_text(re.compile(r"^\d+:\d\d$"))

    # Question 1: Good, first point covered, second partial, notes.
    expect(current_question(page)).to_contain_text("Question 1")
    page.keyboard.press("3")
    page.keyboard.press("a")
    page.keyboard.press("s")
    page.keyboard.press("s")
    page.keyboard.press("e")
    page.keyboard.type("Explained it with an example.")
    page.keyboard.press("Escape")
    page.keyboard.press("n")

    # Question 2: skipped.
    expect(current_question(page)).to_contain_text("Question 2")
    page.keyboard.press("x")
    expect(page.locator("[data-nav]").nth(1)).to_have_attribute("data-state", "skipped")
    expect_saved(page)

    page.reload()
    expect(current_question(page)).to_contain_text("Question 2")
    expect(current_question(page).get_by_label("Skipped (not asked)")).to_be_checked()
    page.keyboard.press("p")
    first = current_question(page)
    expect(first.get_by_role("radio", name="3 Good")).to_be_checked()
    expect(first.locator("textarea[name=notes]")).to_have_value("Explained it with an example.")
    expect(
        first.locator(".live-point").nth(0).get_by_role("radio", name="Covered")
    ).to_be_checked()
    expect(
        first.locator(".live-point").nth(1).get_by_role("radio", name="Partial")
    ).to_be_checked()

    # Question 3: Excellent, third point missed; the help overlay opens with ?.
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    expect(current_question(page)).to_contain_text("Question 3")
    page.keyboard.press("4")
    page.keyboard.press("d")
    page.keyboard.press("d")
    page.keyboard.press("d")
    page.keyboard.press("?")
    expect(page.get_by_role("dialog")).to_contain_text("Keyboard shortcuts")
    expect(page.get_by_role("dialog")).to_be_focused()  # opened: Bootstrap takes Esc now
    # The keys of each row stay on one line.
    lines = page.locator(".live-keys td:first-child").evaluate_all(
        """(cells) => cells.map((cell) => new Set(Array.from(cell.querySelectorAll("kbd"),
            (kbd) => Math.round(kbd.getBoundingClientRect().top))).size)"""
    )
    assert lines == [1] * 8
    page.keyboard.press("Escape")
    expect(page.get_by_role("dialog")).to_be_hidden()
    expect_saved(page)

    page.get_by_role("link", name="Finish…").click()
    expect(page.locator("#unrated")).to_contain_text("skipped")
    page.get_by_text("Yes", exact=True).click()
    page.get_by_label("Summary").fill("Solid fundamentals.")
    page.get_by_role("button", name="Submit scorecard").click()
    expect(page.get_by_role("heading", name="Scorecards")).to_be_visible()

    scorecard = Scorecard.objects.get(interviewer=alice)
    assert (scorecard.recommendation, scorecard.summary, scorecard.is_submitted) == (
        3,
        "Solid fundamentals.",
        True,
    )
    assert answers(scorecard) == [
        (1, 3, False, "Explained it with an example.", [(1, 2), (2, 1)]),
        (2, None, True, "", []),
        (3, 4, False, "", [(3, 0)]),
    ]


def test_changes_made_offline_reach_the_server_when_it_returns(
    page_for, interview, alice, go_offline
):
    page = page_for(alice)
    page.goto(f"/interviews/{interview.pk}/live/")
    expect_saved(page)

    go_offline(page)
    page.keyboard.press("2")
    page.keyboard.press("a")
    page.keyboard.press("e")
    page.keyboard.type("Typed while the network was down.")
    page.keyboard.press("Escape")
    page.keyboard.press("n")
    page.keyboard.press("4")
    expect(page.locator("#save-status")).to_have_attribute("data-state", "retrying")
    expect(page.locator("#save-status")).to_contain_text("Offline")
    assert Rating.objects.count() == 0

    page.context.set_offline(False)
    expect_saved(page)
    scorecard = Scorecard.objects.get(interviewer=alice)
    assert answers(scorecard) == [
        (1, 2, False, "Typed while the network was down.", [(1, 2)]),
        (2, 4, False, "", []),
    ]


def test_two_interviewers_at_once_each_write_only_their_own(page_for, interview, alice, bob):
    alice_page, bob_page = page_for(alice), page_for(bob)
    for page in (alice_page, bob_page):
        page.goto(f"/interviews/{interview.pk}/live/")

    alice_page.keyboard.press("4")
    bob_page.keyboard.press("1")
    alice_page.keyboard.press("e")
    bob_page.keyboard.press("e")
    alice_page.keyboard.type("ALICE NOTES")
    bob_page.keyboard.type("BOB NOTES")
    alice_page.keyboard.press("Escape")
    bob_page.keyboard.press("Escape")
    expect_saved(alice_page)
    expect_saved(bob_page)

    alice_page.reload()
    bob_page.reload()
    expect(alice_page.locator("textarea[name=notes]").first).to_have_value("ALICE NOTES")
    expect(bob_page.locator("textarea[name=notes]").first).to_have_value("BOB NOTES")
    assert "BOB NOTES" not in alice_page.content()
    assert "ALICE NOTES" not in bob_page.content()
    alice_page.goto(f"/interviews/{interview.pk}/scorecards/")
    assert "BOB NOTES" not in alice_page.content()

    for page, recommendation in ((alice_page, "Strong yes"), (bob_page, "No")):
        page.goto(f"/interviews/{interview.pk}/finish/")
        page.get_by_text(recommendation, exact=True).click()
        page.get_by_role("button", name="Submit scorecard").click()
        expect(page.get_by_role("heading", name="Scorecards")).to_be_visible()

    bob_page.reload()
    expect(bob_page.locator("tbody tr")).to_have_count(2)
    bob_page.get_by_role("link", name="alice").click()
    expect(bob_page.locator("body")).to_contain_text("ALICE NOTES")
    assert sorted(
        Rating.objects.values_list("scorecard__interviewer__username", "score", "notes")
    ) == [("alice", 4, "ALICE NOTES"), ("bob", 1, "BOB NOTES")]
    assert PointMark.objects.count() == 0
