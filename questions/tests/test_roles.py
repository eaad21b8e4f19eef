import pytest
from django.contrib.auth.models import Group

from config import roles

pytestmark = pytest.mark.django_db

BANK_MODELS = ["answerpoint", "levelanchor", "question", "questionset", "topic"]
READ_THE_BANK = [f"questions.view_{model}" for model in BANK_MODELS]
READ_THE_PLAN = [
    "interviews.view_interview",
    "interviews.view_interviewanchor",
    "interviews.view_interviewpoint",
    "interviews.view_interviewquestion",
]


def permissions_of(role):
    return sorted(
        f"{app}.{codename}"
        for app, codename in Group.objects.get(name=role).permissions.values_list(
            "content_type__app_label", "codename"
        )
    )


def test_the_migrations_create_the_three_roles():
    assert sorted(Group.objects.values_list("name", flat=True)) == sorted(
        [roles.HIRING_MANAGER, roles.INTERVIEWER, roles.QUESTION_CURATOR]
    )


def test_curators_may_change_the_bank_and_nothing_else():
    assert permissions_of(roles.QUESTION_CURATOR) == sorted(
        f"questions.{action}_{model}"
        for model in BANK_MODELS
        for action in ("add", "change", "delete", "view")
    )


def test_interviewers_read_the_bank_and_write_scorecards():
    assert permissions_of(roles.INTERVIEWER) == sorted(
        [
            *READ_THE_BANK,
            *READ_THE_PLAN,
            "scoring.add_amendment",
            "scoring.view_amendment",
            "scoring.add_pointmark",
            "scoring.change_pointmark",
            "scoring.delete_pointmark",
            "scoring.view_pointmark",
            "scoring.add_rating",
            "scoring.change_rating",
            "scoring.view_rating",
            "scoring.add_scorecard",
            "scoring.change_scorecard",
            "scoring.view_scorecard",
        ]
    )


def test_hiring_managers_plan_interviews_and_read_scorecards():
    assert permissions_of(roles.HIRING_MANAGER) == sorted(
        [
            *READ_THE_BANK,
            *READ_THE_PLAN,
            "accounts.add_invitation",
            "accounts.change_invitation",
            "accounts.view_invitation",
            "interviews.add_candidate",
            "interviews.change_candidate",
            "interviews.view_candidate",
            "interviews.add_interview",
            "interviews.change_interview",
            "scoring.view_amendment",
            "scoring.view_pointmark",
            "scoring.view_rating",
            "scoring.view_scorecard",
        ]
    )


def test_a_user_gets_permissions_through_the_role(interviewer, curator):
    assert interviewer.has_perm("questions.view_question")
    assert not interviewer.has_perm("questions.change_question")
    assert curator.has_perm("questions.change_question")
