"""DJANGO_PASSWORD_LOGIN=0: the login page offers only the identity provider, and refuses a
password even when it is right; the admin's login keeps the break-glass superuser."""

import pytest
from axes.models import AccessAttempt
from django.urls import reverse

from config import roles
from questions.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def sso_only(settings, sso):
    settings.PASSWORD_LOGIN = False
    return sso


def test_the_login_page_offers_password_and_provider_when_both_are_on(client, sso):
    page = client.get(reverse("login")).content.decode()
    assert 'name="password"' in page
    assert "Sign in with Test IdP" in page


def test_without_a_provider_the_login_page_has_no_button(client):
    page = client.get(reverse("login")).content.decode()
    assert 'name="password"' in page
    assert "single sign-on" not in page


def test_sso_only_hides_the_password_form(client, sso_only):
    page = client.get(reverse("login")).content.decode()
    assert 'name="password"' not in page
    assert "Sign in with Test IdP" in page


def test_sso_only_refuses_a_right_password_before_trying_it(client, sso_only):
    UserFactory(username="pat", role=roles.HIRING_MANAGER)
    response = client.post(reverse("login"), {"username": "pat", "password": "secret"})
    assert response.status_code == 200
    assert "Signing in with a password is turned off" in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert AccessAttempt.objects.count() == 0


def test_sso_only_admin_login_lets_only_the_break_glass_superuser_in(client, sso_only):
    UserFactory(username="cora", role=roles.QUESTION_CURATOR, is_staff=True)
    UserFactory(username="root", is_staff=True, is_superuser=True)
    response = client.post(reverse("admin:login"), {"username": "cora", "password": "secret"})
    assert response.status_code == 200
    assert "except for the break-glass superuser" in response.content.decode()
    assert "_auth_user_id" not in client.session
    response = client.post(reverse("admin:login"), {"username": "root", "password": "secret"})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(
        UserFactory._meta.model.objects.get(username="root").pk
    )


def test_passwords_still_work_when_sso_is_on(client, sso):
    user = UserFactory(username="pat", role=roles.HIRING_MANAGER)
    response = client.post(reverse("login"), {"username": "pat", "password": "secret"})
    assert (response.status_code, client.session["_auth_user_id"]) == (302, str(user.pk))
