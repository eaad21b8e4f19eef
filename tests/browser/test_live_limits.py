"""What the live page says when a note is too long or a follow-up has no question: it says
so next to the field, and drops no text."""

import re

import pytest
from playwright.sync_api import expect

from interviews.models import InterviewQuestion
from scoring.models import Rating

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.interview(questions=2, points=1),
]


def start(page):
    """Starts the interview and waits for the page's modules to run (its clock ticks)."""
    page.get_by_role("button", name="Start interview").click()
    expect(page.locator("[data-clock=interview]")).to_have_text(re.compile(r"^\d+:\d\d$"))


def expect_saved(page):
    expect(page.locator("#save-status")).to_have_attribute("data-state", "saved", timeout=10000)


def test_notes_over_the_limit_are_refused_beside_the_field_and_kept_on_the_page(
    page_for, interview, alice
):
    page = page_for(alice)
    page.goto(f"/interviews/{interview.pk}/live/")
    start(page)
    notes = page.locator(".live-question.current textarea[name=notes]")
    count = page.locator(".live-question.current [data-notes-count]")
    error = page.locator(".live-question.current [data-notes-error]")
    page.keyboard.press("e")
    page.keyboard.insert_text("a" * 8_000)  # as a paste is
    expect_saved(page)
    expect(count).to_have_text("")

    page.keyboard.insert_text("b" * 1_950)
    expect(count).to_have_text("9,950 / 10,000")
    expect_saved(page)

    page.keyboard.insert_text("c" * 100_000)
    expect(error).to_have_text("Notes are at most 10,000 characters: remove 99,950 to save them.")
    expect(error).to_be_visible()
    expect(count).to_have_text("109,950 / 10,000")
    assert page.evaluate(
        "document.querySelector('.current textarea[name=notes]').value.length"
    ) == (109_950)
    page.wait_for_timeout(1000)  # the notes' delay, and more
    expect_saved(page)
    assert Rating.objects.get().notes == "a" * 8_000 + "b" * 1_950

    notes.fill("a" * 10_000)
    expect(error).to_have_text("")
    notes.press("Tab")
    expect_saved(page)
    assert Rating.objects.get().notes == "a" * 10_000


def test_a_follow_up_without_a_question_says_what_is_missing(page_for, interview, alice):
    page = page_for(alice)
    page.goto(f"/interviews/{interview.pk}/live/")
    start(page)
    page.keyboard.press("+")
    prompt = page.locator(".live-question.current textarea[name=prompt]")
    prompt.fill("   ")
    page.locator(".live-question.current").get_by_role("button", name="Add follow-up").click()

    error = page.locator(".live-question.current [data-follow-up-error]")
    expect(error).to_have_text("Write the follow-up question.")
    expect(error).to_be_visible()
    expect(prompt).to_be_focused()
    prompt.fill("Why a B-tree?")
    expect(error).to_have_text("")
    page.locator(".live-question.current").get_by_role("button", name="Add follow-up").click()
    expect(page.locator("[data-label='Question 1.1']")).to_have_count(1)
    assert list(
        InterviewQuestion.objects.filter(added_by=alice).values_list("prompt", flat=True)
    ) == ["Why a B-tree?"]
