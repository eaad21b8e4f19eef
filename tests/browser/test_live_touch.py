"""The live and finish pages on a tablet, by touch only, in landscape and portrait: targets of
44 × 44 CSS px, axe-core's contrast and target-size rules, the rating within one scroll, and
a session by taps that lands in the database as tapped."""

from pathlib import Path

import axe_playwright_python
import pytest
from playwright.sync_api import expect

from interviews.tests.factories import CandidateFactory, planned_interview
from scoring.models import Rating

pytestmark = pytest.mark.django_db(transaction=True)

AXE = Path(axe_playwright_python.__file__).parent / "axe.min.js"
TABLETS = {"landscape": (1024, 768), "portrait": (768, 1024)}

# Everything a finger can act on; Bootstrap's toggle inputs are hidden behind their labels.
SMALL_TARGETS = """(root) => Array.from(document.querySelector(root).querySelectorAll(
    "a, button, summary, textarea, select, input:not([type=hidden]):not(.btn-check), label.btn"))
  .filter((element) => element.getClientRects().length
    && getComputedStyle(element).visibility !== "hidden")
  .map((element) => [element.textContent.trim().slice(0, 30) || element.name,
    element.getBoundingClientRect()])
  .filter(([, box]) => box.width < 44 || box.height < 44)
  .map(([name, box]) => `${name}: ${Math.round(box.width)}×${Math.round(box.height)}`)"""

AXE_RUN = """async () => (await axe.run(document, {
    runOnly: {type: "rule", values: ["color-contrast", "target-size"]}
  })).violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`)"""


def axe_violations(page):
    page.add_script_tag(path=AXE)
    return page.evaluate(AXE_RUN)


@pytest.mark.parametrize("orientation", TABLETS)
def test_a_session_by_touch_on_a_tablet(page_for, alice, bob, orientation):
    candidate = CandidateFactory(name="דנה כהן Dana", email="dana@example.com")
    interview = planned_interview(
        interviewers=[alice, bob], candidate=candidate, questions=3, points=3
    )
    width, height = TABLETS[orientation]
    page = page_for(
        alice,
        viewport={"width": width, "height": height},
        has_touch=True,
        bypass_csp=True,  # only for injecting axe-core; the pages' own scripts are files
    )
    page.goto(f"/interviews/{interview.pk}/live/")
    page.get_by_role("button", name="Start interview").tap()
    question = page.locator(".live-question.current")
    expect(question).to_have_attribute("data-label", "Question 1")

    assert page.evaluate("window.scrollY") == 0
    assert page.evaluate(SMALL_TARGETS, "body") == []
    # The rating is reachable with at most one scroll: it ends within two screens.
    bottom = question.locator(".live-scores").evaluate(
        "(scores) => scores.getBoundingClientRect().bottom + window.scrollY"
    )
    assert bottom <= 2 * height
    assert page.locator("h1 bdi").text_content() == "דנה כהן Dana"
    expect(question.locator("textarea[name=notes]")).to_have_attribute("dir", "auto")

    # Question 1: Good, the three points covered, partial and missed, notes.
    question.get_by_text("3 Good").tap()
    for number, label in enumerate(["Covered", "Partial", "Missed"]):
        question.locator(".live-point").nth(number).get_by_text(label, exact=True).tap()
    question.locator("textarea[name=notes]").tap()
    page.keyboard.type("Tapped on a tablet.")
    assert axe_violations(page) == []  # every toggle state is on screen now

    question.get_by_role("button", name="Next →").tap()
    expect(question).to_have_attribute("data-label", "Question 2")
    question.get_by_text("Skipped (not asked)").tap()
    expect(question.get_by_label("Skipped (not asked)")).to_be_checked()
    page.locator("[data-nav]").nth(2).tap()
    expect(question).to_have_attribute("data-label", "Question 3")
    question.get_by_text("4 Excellent").tap()
    question.get_by_text("4 Excellent").tap()  # a second tap clears it
    question.get_by_text("2 Mixed").tap()
    page.locator("[data-nav]").nth(1).tap()
    assert axe_violations(page) == []  # the skipped state
    expect(page.locator("#save-status")).to_have_attribute("data-state", "saved")

    assert sorted(
        (
            r.interview_question.position,
            r.score,
            r.skipped,
            r.notes,
            list(r.marks.values_list("mark", flat=True)),
        )
        for r in Rating.objects.select_related("interview_question")
    ) == [
        (1, 3, False, "Tapped on a tablet.", [2, 1, 0]),
        (2, None, True, "", []),
        (3, 2, False, "", []),
    ]

    page.get_by_role("link", name="Finish…").tap()
    page.get_by_text("Yes", exact=True).tap()
    expect(page.get_by_label("Yes", exact=True)).to_be_checked()
    assert page.evaluate(SMALL_TARGETS, "body") == []
    assert axe_violations(page) == []
