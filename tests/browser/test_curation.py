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


def test_a_curator_reads_a_questions_history_and_restores_an_earlier_version(
    live_server, page, log_in, curator
):
    question = QuestionFactory(prompt="How would you use caching?")
    AnswerPointFactory(question=question, position=1, text="In-memory caching with Redis")
    log_in(curator)

    # An edit through the admin: new wording and a point's text changed.
    page.goto(f"{live_server.url}/admin/questions/question/{question.pk}/change/")
    page.locator("textarea[name='prompt']").fill("How would you cache an expensive page?")
    page.locator("input[name='points-0-text']").fill("A cache in front of the database")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".messagelist")).to_contain_text("was changed successfully")

    # The history shows who changed what, as a diff, for the question and for its point.
    page.goto(f"{live_server.url}/admin/questions/question/{question.pk}/history/")
    newest = page.locator("#change-history tbody tr").first
    expect(newest).to_contain_text(curator.username)
    expect(newest).to_contain_text(
        "How would you use caching? → How would you cache an expensive page?"
    )
    expect(page.locator("#part-history")).to_contain_text(
        "In-memory caching with Redis → A cache in front of the database"
    )

    # Restore the first version: the confirmation names what changes, then it is restored.
    page.locator("#change-history tbody tr").last.get_by_role("link", name="Restore").click()
    expect(page.locator("#restore-changes")).to_contain_text("How would you use caching?")
    page.get_by_role("button", name="Restore this version").click()
    expect(page.locator(".messagelist")).to_contain_text("Restored the version of")

    question.refresh_from_db()
    assert question.prompt == "How would you use caching?"
    assert list(question.points.values_list("text", flat=True)) == ["In-memory caching with Redis"]
    restored = question.history.latest()
    assert restored.history_user == curator
    assert restored.history_change_reason.startswith("Restored the version of")
    assert question.history.count() == 3  # created, edited, restored
