"""Login throttling locks a username from one address, nothing wider: a colleague behind the
same office address still logs in, and so does the locked person from elsewhere."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

OFFICE, HOME = "10.0.0.1", "10.0.0.2"


def log_in(client, username, password, address):
    response = client.post(
        reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=address
    )
    client.logout()
    return response.status_code


def test_a_lockout_holds_only_that_username_from_that_address(
    client, interviewer, hiring_manager, settings
):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        log_in(client, "ivy", "wrong", OFFICE)

    assert log_in(client, "harper", "secret", OFFICE) == 302  # another username, same address
    assert log_in(client, "ivy", "secret", HOME) == 302  # the same username, another address
    assert log_in(client, "ivy", "secret", OFFICE) == 429  # the locked pair, still locked
