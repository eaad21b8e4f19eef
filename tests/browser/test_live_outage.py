"""The live page rides out a database outage (issue 23): the server answers its saves 503, the
page says so and keeps the change, and sends it once the database is back. The test ends by
reading the database."""

import pytest
from playwright.sync_api import expect

from interviews.tests.factories import planned_interview
from ops.tests.conftest import Database
from scoring.models import Rating

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def database(monkeypatch):
    return Database(monkeypatch)


def test_the_page_says_the_server_is_unavailable_and_loses_nothing(page_for, alice, bob, database):
    interview = planned_interview(interviewers=[alice, bob], questions=2, points=2)
    page = page_for(alice, viewport={"width": 1366, "height": 768})
    page.goto(f"/interviews/{interview.pk}/live/")
    expect(page.locator("#save-status")).to_have_attribute("data-state", "saved")
    answered = []
    page.on(
        "response",
        lambda response: answered.append(response.status) if "/questions/" in response.url else 0,
    )

    database.drop()  # the server's every query fails, as while PostgreSQL restarts
    page.keyboard.press("3")
    status = page.locator("#save-status")
    expect(status).to_have_text("Server unavailable, retrying (1 waiting)")
    expect(status).to_have_attribute("data-state", "retrying")
    database.restore()

    expect(status).to_have_attribute("data-state", "saved", timeout=15000)
    assert answered[0] == 503
    assert answered[-1] == 200
    assert 500 not in answered
    assert list(Rating.objects.values_list("interview_question__position", "score")) == [(1, 3)]
