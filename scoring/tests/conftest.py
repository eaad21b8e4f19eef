import pytest

from interviews.tests.factories import interviewer_user, planned_interview


@pytest.fixture
def alice(db):
    return interviewer_user("alice")


@pytest.fixture
def bob(db):
    return interviewer_user("bob")


@pytest.fixture
def carol(db):
    """An interviewer who is not assigned to the interview."""
    return interviewer_user("carol")


@pytest.fixture
def interview(alice, bob):
    return planned_interview(interviewers=[alice, bob], questions=3, points=3)
