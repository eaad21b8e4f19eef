"""The sign-in URLs with single sign-on on, for every role (tests/test_access.py requests
them with it off). They are open to anyone: they are how one signs in."""

import pytest
from django.urls import reverse

from audit.models import AuditEvent
from config import roles
from questions.tests.factories import UserFactory

from .flows import CALLBACK

pytestmark = pytest.mark.django_db

USERS = {
    "anonymous": None,
    "interviewer": {"role": roles.INTERVIEWER},
    "manager": {"role": roles.HIRING_MANAGER},
    "curator": {"role": roles.QUESTION_CURATOR, "is_staff": True},
    "superuser": {"is_staff": True, "is_superuser": True},
    "no role": {},
}
LOGIN = reverse("openid_connect_login", kwargs={"provider_id": "sso"})


@pytest.fixture(params=USERS)
def person(request, client, sso):
    sso.register(CALLBACK)
    if USERS[request.param] is not None:
        client.force_login(UserFactory(username="someone", **USERS[request.param]))
    return request.param


def test_the_button_asks_to_confirm_on_get_and_goes_to_the_provider_on_post(client, person, sso):
    page = client.get(LOGIN)
    assert page.status_code == 200
    assert "You are about to sign in with Sign in with Test IdP." in page.content.decode()
    response = client.post(LOGIN)
    assert response.status_code == 302
    assert response["Location"].startswith(f"{sso.issuer}/authorize/?")


def test_a_callback_without_state_is_refused(client, person):
    response = client.get(CALLBACK, {"code": "made-up", "state": "made-up"})
    assert response.status_code == 400
    assert AuditEvent.objects.get().action == "sign_in_refused"


def test_an_unknown_provider_is_not_found(client, person):
    for url in (
        reverse("openid_connect_login", kwargs={"provider_id": "other"}),
        reverse("openid_connect_callback", kwargs={"provider_id": "other"}),
    ):
        assert client.get(url).status_code == 404


def test_the_no_role_page_shows_only_to_those_without_a_role(client, person):
    response = client.get(reverse("no_role"))
    expected = {"anonymous": 302, "no role": 200}.get(person, 302)
    assert response.status_code == expected
    if person == "anonymous":
        assert response["Location"].startswith(reverse("login"))
    elif person != "no role":
        assert response["Location"] == reverse("home")
