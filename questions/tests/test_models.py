import pytest
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError

from questions.models import AnswerPoint, Question, QuestionSet, Topic
from questions.tests.factories import (
    AnswerPointFactory,
    QuestionFactory,
    QuestionSetFactory,
    TopicFactory,
)

pytestmark = pytest.mark.django_db


def assert_refused(create):
    with pytest.raises(IntegrityError), transaction.atomic():
        create()


def test_question_slug_is_unique_within_a_set_only():
    question = QuestionFactory(slug="caching")
    assert_refused(lambda: QuestionFactory(question_set=question.question_set, slug="caching"))
    assert QuestionFactory(slug="caching").slug == "caching"


def test_question_position_is_unique_within_a_set_only():
    question = QuestionFactory(position=3)
    assert_refused(lambda: QuestionFactory(question_set=question.question_set, position=3))
    assert QuestionFactory(position=3).position == 3


def test_answer_point_position_is_unique_within_a_question():
    point = AnswerPointFactory(position=1)
    assert_refused(lambda: AnswerPointFactory(question=point.question, position=1))
    assert AnswerPointFactory(position=1).position == 1


def test_answer_point_weight_must_be_positive():
    assert_refused(lambda: AnswerPointFactory(weight=0))


def test_topic_and_set_slugs_are_unique():
    TopicFactory(slug="databases")
    QuestionSetFactory(slug="backend")
    assert_refused(lambda: Topic.objects.create(slug="databases", name="Again"))
    assert_refused(lambda: QuestionSet.objects.create(slug="backend", title="Again"))


def test_a_topic_in_use_cannot_be_deleted():
    question = QuestionFactory()
    with pytest.raises(ProtectedError):
        question.topic.delete()
    assert Topic.objects.filter(pk=question.topic.pk).exists()


def test_natural_keys_find_the_same_rows():
    point = AnswerPointFactory(question__question_set__slug="backend", question__slug="caching")
    question = point.question
    assert question.natural_key() == ("backend", "caching")
    assert point.natural_key() == ("backend", "caching", point.position)
    assert Question.objects.get_by_natural_key("backend", "caching") == question
    assert AnswerPoint.objects.get_by_natural_key("backend", "caching", point.position) == point
    assert QuestionSet.objects.get_by_natural_key("backend") == question.question_set
    assert Topic.objects.get_by_natural_key(question.topic.slug) == question.topic


def test_questions_and_points_keep_their_order():
    question_set = QuestionSetFactory()
    third = QuestionFactory(question_set=question_set, position=3)
    first = QuestionFactory(question_set=question_set, position=1)
    second = QuestionFactory(question_set=question_set, position=2)
    assert list(question_set.questions.all()) == [first, second, third]
    late = AnswerPointFactory(question=first, position=2)
    early = AnswerPointFactory(question=first, position=1)
    assert list(first.points.all()) == [early, late]
