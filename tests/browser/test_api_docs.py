"""The API's interactive docs run in a real browser under the Content Security Policy."""

import pytest
from playwright.sync_api import expect

from questions.tests.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_docs_render_the_schema_without_breaking_the_csp(page_for):
    page = page_for(UserFactory(username="ivy"))
    refused = []
    page.on(
        "console",
        lambda message: (
            refused.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    page.goto("/api/v1/docs/")
    expect(page.get_by_role("heading", name="Rubric API")).to_be_visible()
    expect(page.get_by_text("/api/v1/question-sets/").first).to_be_visible()
    assert refused == []
