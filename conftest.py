import pytest

from config import roles
from interviews.tests.factories import interviewer_user
from questions.tests.factories import UserFactory


@pytest.fixture(autouse=True)
def fast_and_plain_settings(settings):
    # A fast hasher, and static files without a manifest (which live_server cannot serve).
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


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
