import pytest
from playwright.sync_api import expect

from questions.tests.factories import AnswerPointFactory, QuestionFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_curator_adds_an_answer_point_and_sees_it_in_the_bank(
    live_server, page, log_in, curator
):
    question = QuestionFactory(
        question_set__slug="backend",
        question_set__title="Backend Developer",
        prompt="How would you use caching?",
    )
    AnswerPointFactory(question=question, position=1, text="In-memory caching with Redis")
    log_in(curator)

    page.goto(f"{live_server.url}/admin/questions/question/{question.pk}/change/")
    # The existing point is row 0 of the inline; the blank row below it is row 1.
    page.locator("input[name='points-1-position']").fill("2")
    page.locator("input[name='points-1-text']").fill("Leveraging CDNs for static assets")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".messagelist")).to_contain_text("was changed successfully")

    page.goto(f"{live_server.url}/questions/")
    page.get_by_role("link", name="Backend Developer").click()
    card = page.locator("article", has_text="How would you use caching?")
    expect(card.locator("ol.answer-points li")).to_have_text(
        ["In-memory caching with Redis", "Leveraging CDNs for static assets"]
    )
    assert list(question.points.values_list("text", flat=True)) == [
        "In-memory caching with Redis",
        "Leveraging CDNs for static assets",
    ]

    page.get_by_label("Search questions").fill("cdns")
    expect(page.locator("#question-list")).to_contain_text("1 question matching “cdns”")
