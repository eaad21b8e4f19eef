import pytest
from django.urls import reverse

from api.models import ApiToken, create_token, digest

pytestmark = pytest.mark.django_db


def test_a_token_is_made_on_the_page_and_shown_once(client, interviewer):
    client.force_login(interviewer)
    response = client.post(
        reverse("tokens"), {"name": "ATS sync", "can_write": "on", "expires_in": "30"}
    )
    assert response.status_code == 200
    secret = response.context["secret"]
    token = ApiToken.objects.get()
    assert (token.name, token.can_write, token.digest) == ("ATS sync", True, digest(secret))
    assert token.expires_at is not None
    assert secret in response.text
    again = client.get(reverse("tokens"))
    assert secret not in again.text
    assert f"{token.prefix}…" in again.text
    assert again["Cache-Control"] == "private, no-store"


def test_a_name_is_required(client, interviewer):
    client.force_login(interviewer)
    response = client.post(reverse("tokens"), {"name": "", "expires_in": ""})
    assert response.context["secret"] is None
    assert ApiToken.objects.count() == 0


def test_one_revokes_ones_own_token_only(client, interviewer, alice):
    mine, _ = create_token(user=interviewer, name="Mine")
    theirs, _ = create_token(user=alice, name="Alice's")
    client.force_login(interviewer)
    assert client.post(reverse("token_revoke", args=[theirs.pk])).status_code == 404
    response = client.post(reverse("token_revoke", args=[mine.pk]))
    assert response["Location"] == reverse("tokens")
    mine.refresh_from_db()
    theirs.refresh_from_db()
    assert (mine.is_revoked, theirs.is_revoked) == (True, False)


def test_the_navigation_links_to_the_page(client, interviewer):
    client.force_login(interviewer)
    response = client.get(reverse("question_sets"))
    assert f'href="{reverse("tokens")}"' in response.text
