import factory
from django.contrib.auth.models import Group, User
from django.core.management import call_command

from questions.models import AnswerPoint, LevelAnchor, Question, QuestionSet, Topic


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ["username"]
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda user: f"{user.username}@example.com")
    password = factory.django.Password("secret")

    @factory.post_generation
    def role(user, create, extracted, **kwargs):
        if extracted:
            user.groups.add(Group.objects.get(name=extracted))


class TopicFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Topic
        django_get_or_create = ["slug"]

    slug = factory.Sequence(lambda n: f"topic-{n}")
    name = factory.LazyAttribute(lambda topic: topic.slug.replace("-", " ").capitalize())


class QuestionSetFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = QuestionSet

    slug = factory.Sequence(lambda n: f"set-{n}")
    title = factory.Sequence(lambda n: f"Question set {n}")


class QuestionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Question

    question_set = factory.SubFactory(QuestionSetFactory)
    slug = factory.Sequence(lambda n: f"question-{n}")
    position = factory.Sequence(lambda n: n + 1)
    prompt = factory.Sequence(lambda n: f"Question {n}?")
    topic = factory.SubFactory(TopicFactory)


class AnswerPointFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AnswerPoint

    question = factory.SubFactory(QuestionFactory)
    position = factory.Sequence(lambda n: n + 1)
    text = factory.Sequence(lambda n: f"Answer point {n}")


class LevelAnchorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LevelAnchor

    question = factory.SubFactory(QuestionFactory)
    level = 3
    text = factory.LazyAttribute(lambda a: f"Level {a.level} of {a.question.slug}")


def load_seeds():
    """The two seed question sets that ship as fixtures, as `make run` loads them."""
    call_command("loaddata", "junior-backend-developer", "backend-developer", verbosity=0)
