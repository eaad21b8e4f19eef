from importlib import import_module

import pytest
from django.apps import apps

from config import roles
from interviews.tests.factories import CandidateFactory, interviewer_user, planned_interview
from questions.tests.factories import UserFactory


@pytest.fixture(autouse=True)
def fast_and_plain_settings(settings):
    # A fast hasher, and static files without a manifest (which live_server cannot serve).
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


# The data migrations that make the roles and grant their permissions, in order.
ROLE_MIGRATIONS = [
    ("questions.migrations.0002_roles", "create_roles"),
    ("scoring.migrations.0002_roles", "grant_permissions"),
    ("questions.migrations.0003_levelanchor", "grant_anchor_permissions"),
    ("interviews.migrations.0002_interviewanchor", "grant_view_permission"),
    ("accounts.migrations.0002_roles", "grant_invitation_permissions"),
]


@pytest.fixture(autouse=True)
def roles_after_a_flush(request):
    """A transactional test (browser tests, threads) ends by emptying every table, the roles
    the data migrations made included: each such test makes them again first, as the
    migrations do, so that whatever ran before it on the same worker does not matter."""
    marker = request.node.get_closest_marker("django_db")
    if not (marker and marker.kwargs.get("transaction")):
        return
    request.getfixturevalue("transactional_db")
    for module, function in ROLE_MIGRATIONS:
        getattr(import_module(module), function)(apps, None)


@pytest.fixture
def interviewer(db):
    return UserFactory(username="ivy", role=roles.INTERVIEWER)


@pytest.fixture
def hiring_manager(db):
    return UserFactory(username="harper", role=roles.HIRING_MANAGER)


@pytest.fixture
def curator(db):
    return UserFactory(username="cora", role=roles.QUESTION_CURATOR, is_staff=True)


@pytest.fixture
def superuser(db):
    return UserFactory(username="sam", is_staff=True, is_superuser=True)


@pytest.fixture
def alice(db):
    return interviewer_user("alice")


@pytest.fixture
def bob(db):
    return interviewer_user("bob")


@pytest.fixture
def carol(db):
    """An interviewer whom tests leave unassigned."""
    return interviewer_user("carol")


@pytest.fixture
def candidate(db):
    return CandidateFactory(
        name="Ada Lovelace", email="ada@example.com", role_applied_for="Backend Developer"
    )


@pytest.fixture
def interview(request, alice, bob, candidate):
    """The candidate's interview by alice and bob: three questions of three points each, or
    as many as a test or module marked `@pytest.mark.interview(questions=2, points=2)` asks."""
    marker = request.node.get_closest_marker("interview")
    size = {"questions": 3, "points": 3} | (marker.kwargs if marker else {})
    return planned_interview(interviewers=[alice, bob], candidate=candidate, **size)


# The test OpenID Connect provider (tests/oidc_provider/), for accounts/ and browser tests.
from tests.oidc_provider.fixtures import oidc_provider, sso  # noqa: E402, F401
