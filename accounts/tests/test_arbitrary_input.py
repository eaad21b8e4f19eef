"""The sign-in forms and the provider's callback with arbitrary input (Hypothesis, with the
project's strategies in tests/test_arbitrary_input.py): never a 5xx, and a refused request
changes nothing but, for the callback, its audit line."""

from datetime import timedelta

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP
from django.contrib.auth.models import User
from django.urls import reverse
from django.utils import timezone
from hypothesis import given

from accounts import services
from accounts.models import Invitation, digest
from config import roles
from notifications.models import OutgoingEmail
from questions.tests.factories import UserFactory
from tests.test_arbitrary_input import TEXT, fuzz

from .flows import CALLBACK

pytestmark = pytest.mark.django_db


def rows():
    return [
        list(model.objects.order_by("pk").values())
        for model in (User, User.groups.through, Invitation, OutgoingEmail)
    ]


@fuzz
@given(email=TEXT, role=TEXT)
def test_inviting_anything(client, email, role):
    client.force_login(UserFactory(username="harper", role=roles.HIRING_MANAGER))
    before = rows()
    response = client.post(reverse("invitations"), {"email": email, "role": role})
    assert response.status_code in (302, 400)
    if response.status_code == 400:
        assert rows() == before


@fuzz
@given(username=TEXT, password1=TEXT, password2=TEXT)
def test_accepting_an_invitation_with_anything(client, username, password1, password2):
    Invitation.objects.get_or_create(
        token_digest=digest("FUZZ"),
        defaults={
            "email": "new@corp.example",
            "role": roles.INTERVIEWER,
            "expires_at": timezone.now() + timedelta(days=1),
        },
    )
    before = rows()
    response = client.post(
        reverse("accept_invitation", args=["FUZZ"]),
        {"username": username, "password1": password1, "password2": password2},
    )
    assert response.status_code in (302, 400, 410)
    if response.status_code != 302:
        assert rows() == before


@fuzz
@given(email=TEXT)
def test_asking_for_a_password_reset_with_anything(client, email):
    before = rows()[:3]
    response = client.post(reverse("password_reset"), {"email": email})
    assert response.status_code in (200, 302)
    assert rows()[:3] == before


@fuzz
@given(code=TEXT, state=TEXT, error=TEXT)
def test_the_callback_with_anything(client, sso, code, state, error):
    before = rows()
    response = client.get(CALLBACK, {"code": code, "state": state, "error": error})
    assert response.status_code == 400
    assert rows() == before
    assert "_auth_user_id" not in client.session


# Two-factor ----------------------------------------------------------------------------------


def authenticators():
    return list(Authenticator.objects.order_by("pk").values())


@pytest.fixture
def second_step(client, settings):
    """pat has an authenticator app, and has typed the password: the code is asked."""
    settings.AXES_FAILURE_LIMIT = 10**6  # every example reaches the form
    pat = UserFactory(username="pat", role=roles.HIRING_MANAGER)
    TOTP.activate(pat, "JBSWY3DPEHPK3PXP")
    services.make_recovery_codes(user=pat)
    client.post(reverse("login"), {"username": "pat", "password": "secret"})
    return client


@fuzz
@given(code=TEXT)
def test_the_second_step_with_any_code(second_step, code):
    before = authenticators()
    response = second_step.post(reverse("mfa_authenticate"), {"code": code})
    assert response.status_code == 200
    assert authenticators() == before
    assert "_auth_user_id" not in second_step.session


@fuzz
@given(credential=TEXT)
def test_the_second_step_with_any_passkey_answer(second_step, credential):
    before = authenticators()
    response = second_step.post(reverse("mfa_authenticate"), {"credential": credential})
    assert response.status_code == 200
    assert authenticators() == before
    assert "_auth_user_id" not in second_step.session


@pytest.fixture
def signed_in(client):
    """ivy signed in a moment ago: two-factor's pages ask for no password again."""
    UserFactory(username="ivy", role=roles.INTERVIEWER)
    client.post(reverse("login"), {"username": "ivy", "password": "secret"})
    return client


@fuzz
@given(code=TEXT)
def test_enrolling_an_app_with_any_code(signed_in, code):
    signed_in.get(reverse("mfa_activate_totp"))
    response = signed_in.post(reverse("mfa_activate_totp"), {"code": code})
    assert response.status_code == 200
    assert authenticators() == []


@fuzz
@given(name=TEXT, credential=TEXT)
def test_adding_a_passkey_with_anything(signed_in, name, credential):
    signed_in.get(reverse("mfa_add_webauthn"))
    response = signed_in.post(
        reverse("mfa_add_webauthn"), {"name": name, "credential": credential}
    )
    assert response.status_code == 200
    assert authenticators() == []


@fuzz
@given(password=TEXT)
def test_confirming_the_password_with_anything(signed_in, password):
    response = signed_in.post(reverse("account_reauthenticate"), {"password": password})
    assert response.status_code in (200, 302, 429)
    if response.status_code == 302:
        assert password == "secret"
