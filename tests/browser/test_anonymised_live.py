"""The live page of an anonymised interview: the panel sees the candidate's code, and is
warned once when a note names the candidate; the note is kept as written."""

import re

import pytest
from playwright.sync_api import expect

from interviews.models import Interview
from scoring.models import Rating

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.interview(questions=2, points=1),
]


def test_the_panel_sees_a_code_and_is_warned_once_when_a_note_names_the_candidate(
    page_for, interview, alice
):
    Interview.objects.filter(pk=interview.pk).update(anonymised=True)
    code = interview.candidate.code
    page = page_for(alice)
    page.goto(f"/interviews/{interview.pk}/live/")
    expect(page.locator("h1")).to_have_text(f"Candidate {code}")
    assert "Ada" not in page.content()

    page.get_by_role("button", name="Start interview").click()
    expect(page.locator("[data-clock=interview]")).to_have_text(re.compile(r"^\d+:\d\d$"))
    notes = page.locator(".live-question.current textarea[name=notes]")
    warning = page.locator("[data-problem=names-candidate]")
    notes.fill("Ada explained caching well")
    notes.press("Tab")
    expect(warning).to_have_count(1)
    expect(warning).to_contain_text("anonymised")
    expect(page.locator("#save-status")).to_have_attribute("data-state", "saved")
    assert Rating.objects.get().notes == "Ada explained caching well"

    warning.get_by_role("button", name="Dismiss").click()
    notes.fill("Lovelace too, on indexes")
    notes.press("Tab")
    expect(page.locator("#save-status")).to_have_attribute("data-state", "saved")
    expect(page.locator("[data-problem=names-candidate]")).to_have_count(0)
    assert Rating.objects.get().notes == "Lovelace too, on indexes"
