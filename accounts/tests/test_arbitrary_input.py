"""The sign-in forms and the provider's callback with arbitrary input (Hypothesis, with the
project's strategies in tests/test_arbitrary_input.py): never a 5xx, and a refused request
changes nothing but, for the callback, its audit line."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import User
from django.urls import reverse
from django.utils import timezone
from hypothesis import given

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
