"""Signing in through the test provider with Django's test client and a plain HTTP session
standing for the person's browser at the provider."""

from urllib.parse import parse_qs, urlsplit

import requests
from django.urls import reverse

CALLBACK = "http://testserver/accounts/oidc/sso/login/callback/"


def to_provider(client):
    """Press Rubric's button: the provider's authorization URL Rubric redirects to."""
    response = client.post(reverse("openid_connect_login", kwargs={"provider_id": "sso"}))
    assert response.status_code == 302, response.content
    return response["Location"]


def at_provider(provider, authorize_url, username):
    """Sign in at the provider and authorize: the callback URL it sends the browser back to."""
    browser = requests.Session()
    parts = urlsplit(authorize_url)
    browser.post(
        f"{provider.url}/login/",
        data={
            "username": username,
            "password": "provider-pass",
            "next": f"{parts.path}?{parts.query}",
        },
        allow_redirects=False,
        timeout=10,
    )
    answer = browser.get(authorize_url, allow_redirects=False, timeout=10)
    assert answer.status_code == 302, answer.text
    return answer.headers["Location"]


def back_at_rubric(client, callback_url):
    parts = urlsplit(callback_url)
    assert f"{parts.scheme}://{parts.netloc}{parts.path}" == CALLBACK
    return client.get(
        parts.path, {key: values[0] for key, values in parse_qs(parts.query).items()}
    )


def sign_in(client, provider, username):
    return back_at_rubric(client, at_provider(provider, to_provider(client), username))
