"""The seed question sets load on top of a live bank safely: loading them again changes
nothing, and a set made in the admin stays as it was."""

import pytest

from questions.models import AnswerPoint, Question, QuestionSet, Topic
from questions.tests.factories import load_seeds

pytestmark = pytest.mark.django_db


def snapshot():
    return {
        model.__name__: sorted(model.objects.values_list("pk", flat=True))
        for model in (Topic, QuestionSet, Question, AnswerPoint)
    }


def test_loading_the_seeds_again_changes_nothing():
    load_seeds()
    first = snapshot()
    points = list(AnswerPoint.objects.order_by("pk").values())

    load_seeds()

    assert snapshot() == first
    assert {name: len(pks) for name, pks in first.items()} == {
        "Topic": 8,
        "QuestionSet": 2,
        "Question": 40,
        "AnswerPoint": 99 + 83,
    }
    assert list(AnswerPoint.objects.order_by("pk").values()) == points


def test_loading_the_seeds_leaves_an_admin_made_set_alone():
    topic = Topic.objects.create(slug="soft-skills", name="Soft skills", position=9)
    question_set = QuestionSet.objects.create(
        slug="platform-engineer", title="Platform Engineer", level="senior", description="Ours."
    )
    question = Question.objects.create(
        question_set=question_set,
        slug="caching",
        position=1,
        prompt="How do you cache?",
        topic=topic,
        intent="Ours.",
        guidance="Ours.",
        reference_answer="Ours.",
    )
    point = AnswerPoint.objects.create(question=question, position=1, text="Ours.", weight=2)
    before = [
        list(model.objects.filter(pk=obj.pk).values())
        for model, obj in (
            (Topic, topic),
            (QuestionSet, question_set),
            (Question, question),
            (AnswerPoint, point),
        )
    ]

    load_seeds()

    after = [
        list(model.objects.filter(pk=obj.pk).values())
        for model, obj in (
            (Topic, topic),
            (QuestionSet, question_set),
            (Question, question),
            (AnswerPoint, point),
        )
    ]
    assert after == before
    assert question_set.questions.count() == 1
    assert question.points.count() == 1
    assert Topic.objects.count() == 9
    assert QuestionSet.objects.count() == 3
