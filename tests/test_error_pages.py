"""The app's own error pages: styled like every page, with navigation where the user is known,
the reason the app gave, and a way back; the 500 page without touching the database."""

import pytest
from django.test import Client, RequestFactory
from django.urls import get_resolver, reverse

from config import errors
from interviews.tests.factories import planned_interview
from scoring import services
from scoring.models import Recommendation

NAVIGATION = 'aria-label="Main navigation"'


@pytest.mark.django_db
def test_a_403_shows_the_apps_reason_and_the_navigation(client, alice, bob):
    interview = planned_interview(interviewers=[alice, bob])
    scorecard = services.scorecard_for(interview=interview, interviewer=bob)
    for question in interview.questions.all():
        services.save_answer(
            interview_question=question, interviewer=scorecard.interviewer, score=3
        )
    services.submit_scorecard(scorecard=scorecard, recommendation=Recommendation.YES, summary="")
    client.force_login(alice)
    response = client.get(reverse("interview_scorecards", args=[interview.pk]))
    assert response.status_code == 403
    assert "Submit your own scorecard to read your colleagues&#x27;." in response.text
    assert NAVIGATION in response.text
    assert 'href="/interviews/mine/"' in response.text
    assert "Back to the start page" in response.text


@pytest.mark.django_db
def test_a_403_without_a_reason_says_so_plainly(client, interviewer):
    client.force_login(interviewer)
    response = client.get(reverse("candidate_list"))
    assert response.status_code == 403
    assert errors.GENERIC_403 in response.text
    assert "Error 403" in response.text


@pytest.mark.django_db
def test_a_404_has_the_navigation_and_names_no_model(client, alice):
    client.force_login(alice)
    response = client.get(reverse("live_interview", args=[999_999]))
    assert response.status_code == 404
    assert NAVIGATION in response.text
    assert "There is no such page, or it is not one your account may open." in response.text
    assert "Interview" not in response.text.replace("My interviews", "")


@pytest.mark.django_db
def test_an_anonymous_404_has_a_way_back_and_no_navigation(client):
    response = client.get("/no/such/page/")
    assert response.status_code == 404
    assert NAVIGATION not in response.text
    assert "Back to the start page" in response.text


@pytest.mark.django_db
def test_a_csrf_failure_is_the_apps_403(hiring_manager):
    client = Client(enforce_csrf_checks=True)
    client.force_login(hiring_manager)
    response = client.post(reverse("candidate_create"), {"name": "Marco"})
    assert response.status_code == 403
    assert "This form was open too long or cookies are blocked." in response.text
    assert NAVIGATION in response.text


def test_the_handlers_are_the_apps():
    resolver = get_resolver()
    assert [resolver.resolve_error_handler(status) for status in (400, 403, 404, 500)] == [
        errors.bad_request,
        errors.permission_denied,
        errors.page_not_found,
        errors.server_error,
    ]


def test_the_500_page_renders_without_a_database():
    # No django_db mark: any query here would fail the test.
    response = errors.server_error(RequestFactory().get("/"))
    assert response.status_code == 500
    html = response.content.decode()
    assert "Something went wrong on our side" in html
    assert 'href="/"' in html
    assert "css/rubric.css" in html  # styled like every page


@pytest.mark.django_db
def test_the_lockout_page_is_an_error_page(client, settings, interviewer):
    settings.AXES_FAILURE_LIMIT = 1
    response = client.post(reverse("login"), {"username": "ivy", "password": "wrong"})
    assert response.status_code == 429
    assert "Error 429" in response.text
    assert "Too many failed logins" in response.text
    assert 'href="/accounts/login/"' in response.text
