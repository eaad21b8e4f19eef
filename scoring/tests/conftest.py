import pytest

from interviews.tests.factories import planned_interview


@pytest.fixture
def interview(alice, bob):
    return planned_interview(interviewers=[alice, bob], questions=3, points=3)
