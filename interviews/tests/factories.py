import datetime

import factory
from django.utils import timezone

from config import roles
from interviews.models import Candidate
from notifications import services as scheduling
from questions.tests.factories import (
    AnswerPointFactory,
    QuestionFactory,
    QuestionSetFactory,
    UserFactory,
)


class CandidateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Candidate

    name = factory.Sequence(lambda n: f"Candidate {n}")
    email = factory.LazyAttribute(lambda c: f"{c.name.lower().replace(' ', '.')}@example.com")
    role_applied_for = "Backend Developer"


def interviewer_user(username):
    return UserFactory(username=username, role=roles.INTERVIEWER)


def planned_interview(
    *,
    interviewers,
    candidate=None,
    question_set=None,
    questions=2,
    points=3,
    stage="Technical interview",
    scheduled_at=None,
    shadows=(),
):
    """An interview planned through the service, against a new set of `questions` bank
    questions with `points` answer points each, unless a question set is given."""
    if question_set is None:
        question_set = QuestionSetFactory()
        for position in range(1, questions + 1):
            question = QuestionFactory(question_set=question_set, position=position)
            for point in range(1, points + 1):
                AnswerPointFactory(question=question, position=point)
    return scheduling.schedule_interview(
        candidate=candidate or CandidateFactory(),
        question_set=question_set,
        stage=stage,
        scheduled_at=scheduled_at or timezone.now() + datetime.timedelta(days=1),
        interviewers=interviewers,
        questions=list(question_set.questions.filter(is_active=True)),
        shadows=shadows,
    )
