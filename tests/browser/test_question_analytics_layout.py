"""Question analytics at a laptop's 1366 px: the question text has room, the figures beside
it stay narrow, and nothing spills out of the table's box."""

import pytest

from config import roles
from questions.tests.factories import (
    AnswerPointFactory,
    QuestionFactory,
    QuestionSetFactory,
    TopicFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db(transaction=True)

PROMPT = (
    "How do you handle database migrations while preserving existing data, and how do you "
    "roll one back when a deployment fails halfway?"
)
POINT = "Writes the migration in steps that old and new code can both run against"


@pytest.fixture
def question_set():
    question_set = QuestionSetFactory(title="Backend Developer")
    topic = TopicFactory(name="Caching and performance")
    for position in range(1, 4):
        question = QuestionFactory(
            question_set=question_set, position=position, prompt=PROMPT, topic=topic
        )
        for point in range(1, 4):
            AnswerPointFactory(question=question, position=point, text=POINT)
    return question_set


def widths(page):
    return page.evaluate(
        """() => {
            const table = document.querySelector('#analytics-table');
            const cell = table.querySelector(':scope > tbody > tr > td:nth-child(2)');
            return {
                question: cell.getBoundingClientRect().width,
                table: table.getBoundingClientRect().width,
                box: table.parentElement.getBoundingClientRect().width,
            };
        }"""
    )


def test_the_question_column_has_room_at_1366_px(page_for, question_set):
    manager = UserFactory(username="harper", role=roles.HIRING_MANAGER)
    page = page_for(manager, viewport={"width": 1366, "height": 768})
    page.goto(f"/questions/{question_set.slug}/analytics/")

    closed = widths(page)
    # Squeezed, the question got under 300 px (ten lines for a long prompt with its points)
    # while the figures' one-line headings took the rest.
    assert closed["question"] >= 380
    assert closed["table"] <= closed["box"] + 1

    page.locator("#analytics-table details").evaluate_all("all => all.forEach(d => d.open = true)")
    opened = widths(page)
    assert opened["question"] >= 380
    assert opened["table"] <= opened["box"] + 1
