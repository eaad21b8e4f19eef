"""The login page. That every other page needs a login (and every API request a token) is
checked for every URL by the access table in tests/test_access.py."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_the_login_page_is_public_and_styled(client):
    response = client.get(reverse("login"))
    assert response.status_code == 200
    assert 'name="username"' in response.text
    assert "bootstrap.min.css" in response.text


def test_logging_in_leads_an_interviewer_to_my_interviews(client, interviewer):
    response = client.post(
        reverse("login"), {"username": "ivy", "password": "secret"}, follow=True
    )
    assert response.redirect_chain[-1][0] == reverse("my_interviews")


def test_a_wrong_password_is_refused_with_a_message(client, interviewer):
    response = client.post(reverse("login"), {"username": "ivy", "password": "wrong"})
    assert response.status_code == 200
    assert "Please enter a correct username and password" in response.text
