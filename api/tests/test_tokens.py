import datetime

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from api.models import ApiToken, create_token, digest, revoke_token

from .conftest import client_for

pytestmark = pytest.mark.django_db

SETS = "/api/v1/question-sets/"


def bearer(secret):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {secret}")
    return client


def test_a_token_is_stored_only_as_its_digest(interviewer):
    token, secret = create_token(user=interviewer, name="ATS")
    assert secret.startswith("rbc_")
    assert len(secret) == 4 + 43
    assert token.digest == digest(secret)
    assert token.prefix == secret[:8]
    assert secret not in str(ApiToken.objects.filter(pk=token.pk).values().get())


def test_a_token_authenticates_its_user(interviewer):
    _, secret = create_token(user=interviewer, name="ATS")
    response = bearer(secret).get(SETS)
    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"


def test_no_credentials_is_401_in_json(db):
    response = APIClient().get(SETS)
    assert response.status_code == 401
    assert response.json() == {"detail": "Authentication credentials were not provided."}
    assert response["WWW-Authenticate"] == "Bearer"


@pytest.mark.parametrize(
    "header, message",
    [
        ("Bearer rbc_wrong", "This token is not valid."),
        ("Bearer", "Send the header as: Bearer <token>."),
        ("Bearer a b", "Send the header as: Bearer <token>."),
    ],
)
def test_a_wrong_token_is_401(db, header, message):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=header)
    response = client.get(SETS)
    assert (response.status_code, response.json()) == (401, {"detail": message})


def test_a_revoked_token_is_refused(interviewer):
    token, secret = create_token(user=interviewer, name="ATS")
    revoke_token(token=token)
    response = bearer(secret).get(SETS)
    assert (response.status_code, response.json()) == (401, {"detail": "This token was revoked."})


def test_an_expired_token_is_refused(interviewer):
    past = timezone.now() - datetime.timedelta(seconds=1)
    _, secret = create_token(user=interviewer, name="ATS", expires_at=past)
    response = bearer(secret).get(SETS)
    assert (response.status_code, response.json()) == (401, {"detail": "This token has expired."})


def test_a_token_not_yet_expired_works(interviewer):
    future = timezone.now() + datetime.timedelta(days=1)
    assert client_for(interviewer, expires_at=future).get(SETS).status_code == 200


def test_an_inactive_users_token_is_refused(interviewer):
    _, secret = create_token(user=interviewer, name="ATS")
    interviewer.is_active = False
    interviewer.save()
    assert bearer(secret).get(SETS).status_code == 401


def test_a_read_token_cannot_write(hiring_manager):
    client = client_for(hiring_manager, write=False)
    response = client.post("/api/v1/candidates/", {"name": "A", "email": "a@example.com"})
    assert response.status_code == 403
    assert response.json() == {
        "detail": "This token can only read: make a token with write access to change data."
    }
    assert client.get("/api/v1/candidates/").status_code == 200


def test_last_used_is_written_at_most_once_a_minute(interviewer, django_assert_num_queries):
    token, secret = create_token(user=interviewer, name="ATS")
    client = bearer(secret)
    client.get(SETS)
    first = ApiToken.objects.get(pk=token.pk).last_used_at
    assert first is not None
    client.get(SETS)
    assert ApiToken.objects.get(pk=token.pk).last_used_at == first
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=first - datetime.timedelta(minutes=2))
    client.get(SETS)
    assert ApiToken.objects.get(pk=token.pk).last_used_at > first


def test_throttling_is_per_token(interviewer, settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"api": "2/minute"},
    }
    one, two = client_for(interviewer), client_for(interviewer)
    assert [one.get(SETS).status_code for _ in range(3)] == [200, 200, 429]
    assert two.get(SETS).status_code == 200


def test_a_session_works_and_writes_need_csrf(hiring_manager):
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(hiring_manager)
    assert client.get("/api/v1/candidates/").status_code == 200
    response = client.post("/api/v1/candidates/", {"name": "A", "email": "a@example.com"})
    assert response.status_code == 403
    assert response.json()["detail"].startswith("CSRF Failed")


def test_the_command_prints_the_token_last(interviewer, capsys):
    call_command("create_api_token", "ivy", "--name", "Sheets", "--write")
    secret = capsys.readouterr().out.strip().splitlines()[-1]
    token = ApiToken.objects.get(digest=digest(secret))
    assert (token.user, token.name, token.can_write) == (interviewer, "Sheets", True)


def test_the_command_refuses_an_unknown_user(db):
    with pytest.raises(CommandError, match="No active user is called 'nobody'."):
        call_command("create_api_token", "nobody")


def test_the_token_list_shows_ones_own_active_tokens_without_secrets(interviewer, alice):
    mine, _ = create_token(user=interviewer, name="Mine")
    revoke_token(token=create_token(user=interviewer, name="Revoked")[0])
    create_token(user=alice, name="Alice's")
    response = client_for(interviewer, write=False).get(reverse("api_tokens"))
    names = [row["name"] for row in response.json()["results"]]
    assert names == ["test", "Mine"]
    assert "digest" not in response.json()["results"][0]


def test_the_docs_page_loads_its_script_from_a_file(interviewer, client):
    client.force_login(interviewer)
    response = client.get("/api/v1/docs/")
    assert response.status_code == 200
    assert b"<script>" not in response.content
    assert b"<style" not in response.content
    assert b"/static/api/docs.css" in response.content
    assert b'src="/api/v1/docs/?script=' in response.content
    script = client.get("/api/v1/docs/?script=")
    assert script.status_code == 200
    assert script["Content-Type"].startswith("application/javascript")
