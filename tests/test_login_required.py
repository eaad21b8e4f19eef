"""Every page needs a login: walk the URL configuration, so a new page is covered too."""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.urls.converters import IntConverter

pytestmark = pytest.mark.django_db

# The calendar feed is opened by its secret token instead (tests/test_access.py).
PUBLIC = {"login", "calendar_feed"}


def is_api(name):
    # The API answers 401 in JSON instead of sending anyone to a login page.
    return name.startswith("api_")


def named_patterns(resolver=None, namespace=""):
    for pattern in (resolver or get_resolver()).url_patterns:
        if isinstance(pattern, URLResolver):
            if pattern.namespace == "admin":
                continue  # the admin has its own login, tested in questions/tests/test_admin.py
            yield from named_patterns(pattern, pattern.namespace or namespace)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield f"{namespace}:{pattern.name}" if namespace else pattern.name, pattern


def sample_url(name, pattern):
    kwargs = {
        key: 1 if isinstance(converter, IntConverter) else "sample"
        for key, converter in pattern.pattern.converters.items()
    }
    return reverse(name, kwargs=kwargs)


@pytest.mark.parametrize(
    "name, pattern",
    [
        (name, pattern)
        for name, pattern in named_patterns()
        if name not in PUBLIC and not is_api(name)
    ],
    ids=lambda value: value if isinstance(value, str) else "",
)
def test_anonymous_visitors_are_sent_to_the_login_page(client, name, pattern):
    url = sample_url(name, pattern)
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('login')}?next={url}"


@pytest.mark.parametrize(
    "name, pattern",
    [(name, pattern) for name, pattern in named_patterns() if is_api(name)],
    ids=lambda value: value if isinstance(value, str) else "",
)
def test_anonymous_api_requests_are_401(client, name, pattern):
    response = client.get(sample_url(name, pattern))
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Bearer"


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
