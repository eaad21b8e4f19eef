import pytest
from django.contrib.auth.models import Group

from config import roles

pytestmark = pytest.mark.django_db

BANK_MODELS = ["answerpoint", "question", "questionset", "topic"]


def permissions_of(role):
    return sorted(
        f"{app}.{codename}"
        for app, codename in Group.objects.get(name=role).permissions.values_list(
            "content_type__app_label", "codename"
        )
    )


def test_the_migration_creates_the_three_roles():
    assert sorted(Group.objects.values_list("name", flat=True)) == sorted(
        [roles.HIRING_MANAGER, roles.INTERVIEWER, roles.QUESTION_CURATOR]
    )


def test_curators_may_change_the_bank():
    assert permissions_of(roles.QUESTION_CURATOR) == sorted(
        f"questions.{action}_{model}"
        for model in BANK_MODELS
        for action in ("add", "change", "delete", "view")
    )


@pytest.mark.parametrize("role", [roles.INTERVIEWER, roles.HIRING_MANAGER])
def test_interviewers_and_managers_may_only_read_the_bank(role):
    assert permissions_of(role) == [f"questions.view_{model}" for model in BANK_MODELS]


def test_a_user_gets_permissions_through_the_role(interviewer, curator):
    assert interviewer.has_perm("questions.view_question")
    assert not interviewer.has_perm("questions.change_question")
    assert curator.has_perm("questions.change_question")
