"""A request that meets a dropped database connection or an unreachable cache answers 503 with
Retry-After (the styled page; JSON for the API and the live page's saves), never a 500; once
the database is back, the same request succeeds."""

import pytest
from django.urls import reverse

from api.models import create_token
from scoring.models import Rating
from scoring.tests.live_saves import JSON, questions, save_url

from .conftest import free_port

pytestmark = pytest.mark.django_db

UNAVAILABLE = "The server is unavailable for a moment. Nothing was saved: try again shortly."


@pytest.fixture
def client(client):
    """Answers as a server does: the test client would re-raise what the app answered."""
    client.raise_request_exception = False
    return client


def test_a_page_answers_503_with_the_styled_page(client, alice, database):
    client.force_login(alice)
    database.drop()
    response = client.get(reverse("my_interviews"))
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert response["Content-Type"] == "text/html; charset=utf-8"
    assert "Server unavailable for a moment" in response.text
    database.restore()
    assert client.get(reverse("my_interviews")).status_code == 200


def test_the_api_answers_503_in_json(client, alice, database):
    secret = create_token(user=alice, name="laptop")[1]
    headers = {"Authorization": f"Bearer {secret}"}
    database.drop()
    response = client.get("/api/v1/interviews/", headers=headers)
    assert (response.status_code, response["Retry-After"]) == (503, "5")
    assert response.json() == {"detail": UNAVAILABLE}
    database.restore()
    assert client.get("/api/v1/interviews/", headers=headers).status_code == 200


def test_a_live_save_answers_503_in_json_and_succeeds_once_the_database_is_back(
    client, interview, alice, database
):
    client.force_login(alice)
    client.post(reverse("start_interview", args=[interview.pk]))
    question = questions(interview)[0]
    change = {"score": "3", "notes": "Kept through the outage", "version": "1"}
    database.drop()
    response = client.post(save_url(interview, question), change, headers=JSON)
    assert (response.status_code, response["Retry-After"]) == (503, "5")
    assert response.json() == {"error": UNAVAILABLE}
    database.restore()
    assert Rating.objects.filter(interview_question=question).count() == 0  # nothing half-saved
    # The page's queue sends the same change again.
    response = client.post(save_url(interview, question), change, headers=JSON)
    assert response.status_code == 200
    ratings = Rating.objects.filter(interview_question=question)
    assert list(ratings.values_list("score", "notes")) == [(3, "Kept through the outage")]


def test_an_unreachable_cache_answers_503(client, settings, alice):
    """The API's rate limits are counted in the cache."""
    secret = create_token(user=alice, name="laptop")[1]
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": f"redis://127.0.0.1:{free_port()}/5",
        }
    }
    response = client.get("/api/v1/interviews/", headers={"Authorization": f"Bearer {secret}"})
    assert (response.status_code, response["Retry-After"]) == (503, "5")
    assert response.json() == {"detail": UNAVAILABLE}


def test_other_errors_are_still_500s(client):
    from django.test import RequestFactory

    from config.errors import server_error

    try:
        raise ValueError("a bug")
    except ValueError:
        response = server_error(RequestFactory().get("/"))
    assert response.status_code == 500
