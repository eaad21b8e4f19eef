import pytest

from questions.tests.factories import AnswerPointFactory, QuestionFactory, QuestionSetFactory


@pytest.fixture
def backend_set():
    """Three active questions with points, and a retired one."""
    question_set = QuestionSetFactory(title="Backend Developer")
    for position, prompt in enumerate(["Caching?", "Indexes?", "Security?"], start=1):
        question = QuestionFactory(question_set=question_set, position=position, prompt=prompt)
        AnswerPointFactory(question=question, position=1, text=f"{prompt} point one")
        AnswerPointFactory(question=question, position=2, text=f"{prompt} point two", weight=2)
    QuestionFactory(question_set=question_set, position=4, prompt="Floppy disks?", is_active=False)
    return question_set


def bank(question_set):
    return {q.prompt: q for q in question_set.questions.all()}


def schedule_data(candidate, question_set, interviewers, chosen, /, **extra):
    """The POST of the form; `chosen` maps each question to tick to its order number."""
    data = {
        "candidate": candidate.pk,
        "question_set": question_set.pk,
        "stage": "Technical interview",
        "scheduled_at": "2030-05-06T10:30",
        "interviewers": [user.pk for user in interviewers],
        "questions": [question.pk for question in chosen],
        **{f"order_{question.pk}": order for question, order in chosen.items()},
    }
    data.update(extra)
    return data
