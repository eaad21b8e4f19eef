"""Rating anchors on the live page: the chosen level's anchor shows under the rating buttons,
reached by the keyboard on a laptop and by a tap on a tablet."""

import pytest
from playwright.sync_api import expect

from interviews.tests.factories import planned_interview
from questions.tests.factories import LevelAnchorFactory, QuestionFactory, QuestionSetFactory

pytestmark = pytest.mark.django_db(transaction=True)

LEVELS = {1: "Poor", 2: "Mixed", 3: "Good", 4: "Excellent"}


@pytest.fixture
def anchored_interview(alice):
    question_set = QuestionSetFactory()
    for position in (1, 2):
        question = QuestionFactory(question_set=question_set, position=position)
        for level, name in LEVELS.items():
            LevelAnchorFactory(
                question=question, level=level, text=f"{name} answer to question {position}"
            )
    return planned_interview(interviewers=[alice], question_set=question_set)


def start(page, interview):
    page.goto(f"/interviews/{interview.pk}/live/")
    page.get_by_role("button", name="Start interview").click()
    current = page.locator(".live-question.current")
    expect(current).to_contain_text("Question 1")
    return current


def shown_anchors(question):
    return question.locator(".rating-anchor:visible")


def test_pressing_3_shows_the_good_anchor_and_focus_or_hover_previews_another(
    page_for, anchored_interview, alice
):
    page = page_for(alice, viewport={"width": 1366, "height": 768})
    current = start(page, anchored_interview)
    expect(current.locator(".rating-anchor-hint")).to_be_visible()
    expect(shown_anchors(current)).to_have_count(0)

    page.keyboard.press("3")

    expect(current.get_by_role("radio", name="3 Good")).to_be_checked()
    expect(shown_anchors(current)).to_have_text(["3 Good: Good answer to question 1"])
    expect(current.locator(".rating-anchor-hint")).to_be_hidden()

    # Keyboard focus on another level previews its anchor, as hovering does.
    current.get_by_role("radio", name="1 Poor").focus()
    expect(shown_anchors(current)).to_have_text(["1 Poor: Poor answer to question 1"])
    current.get_by_role("radio", name="1 Poor").blur()
    expect(shown_anchors(current)).to_have_text(["3 Good: Good answer to question 1"])

    current.locator("label[for$='-2']").hover()
    expect(shown_anchors(current)).to_have_text(["2 Mixed: Mixed answer to question 1"])
    page.mouse.move(0, 0)
    expect(shown_anchors(current)).to_have_text(["3 Good: Good answer to question 1"])


def test_tapping_a_rating_on_a_tablet_shows_its_anchor(page_for, anchored_interview, alice):
    page = page_for(alice, has_touch=True, viewport={"width": 768, "height": 1024})
    current = start(page, anchored_interview)

    current.locator("label[for$='-4']").tap()

    expect(current.get_by_role("radio", name="4 Excellent")).to_be_checked()
    expect(shown_anchors(current)).to_have_text(["4 Excellent: Excellent answer to question 1"])
