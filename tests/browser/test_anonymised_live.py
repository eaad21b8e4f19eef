"""The live page of an anonymised interview: the panel sees the candidate's code, and is
warned once when a note names the candidate; the note is kept as written."""

import re

import pytest
from playwright.sync_api import expect

from interviews.models import Interview
from interviews.tests.factories import planned_interview
from scoring.models import CandidateResult, Rating, Scorecard

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


def test_an_anonymised_interview_with_a_shadow_end_to_end(page_for, alice, carol, candidate):
    interview = planned_interview(
        interviewers=[alice], shadows=[carol], candidate=candidate, questions=1, points=1
    )
    Interview.objects.filter(pk=interview.pk).update(anonymised=True)
    pages = {user.username: page_for(user) for user in (alice, carol)}
    for username, score in (("carol", "1"), ("alice", "4")):
        page = pages[username]
        page.goto("/interviews/mine/")
        expect(page.locator("body")).to_contain_text(f"Candidate {candidate.code}")
        page.goto(f"/interviews/{interview.pk}/live/")
        if username == "carol":  # the first to open it starts it
            page.get_by_role("button", name="Start interview").click()
        expect(page.locator("[data-clock=interview]")).to_have_text(re.compile(r"^\d+:\d\d$"))
        page.keyboard.press(score)
        expect(page.locator("#save-status")).to_have_attribute("data-state", "saved")
        page.goto(f"/interviews/{interview.pk}/finish/")
        page.get_by_text("Yes", exact=True).click()
        page.get_by_role("button", name="Submit scorecard").click()
        expect(page.get_by_role("heading", name="Scorecards")).to_be_visible()
        assert "Ada" not in page.content()

    shadow_page = pages["carol"]
    shadow_page.reload()
    expect(shadow_page.locator("tbody tr")).to_have_count(2)
    expect(shadow_page.locator("tbody")).to_contain_text("Shadow")
    assert sorted(
        Scorecard.objects.values_list("interviewer__username", "shadow", "score_mean")
    ) == [("alice", False, 4.0), ("carol", True, 1.0)]
    result = CandidateResult.objects.get(candidate=candidate)
    assert (result.scorecard_count, result.mean) == (1, 4.0)
    interview.refresh_from_db()
    assert interview.status == "completed"
