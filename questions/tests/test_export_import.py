import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from questions.models import AnswerPoint, LevelAnchor, Question, QuestionSet, Topic
from questions.tests.factories import AnswerPointFactory, QuestionFactory, QuestionSetFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def exported_set():
    question_set = QuestionSetFactory(
        slug="backend", title="Backend Developer", level="senior", description="Für alle"
    )
    caching = QuestionFactory(
        question_set=question_set,
        slug="caching",
        position=1,
        topic__slug="caching",
        prompt="How would you cache?",
        intent="Performance thinking",
        guidance="Redis or Memcached",
        reference_answer="“Store it close.”",
        suggested_minutes=8,
    )
    AnswerPointFactory(question=caching, position=1, text="Redis", weight=2)
    AnswerPointFactory(question=caching, position=2, text="HTTP caching headers")
    QuestionFactory(
        question_set=question_set,
        slug="conflict",
        position=2,
        topic__slug="behavioural",
        kind="behavioural",
        is_active=False,
    )
    QuestionFactory(slug="elsewhere")  # another set, not exported
    return question_set


def bank_snapshot():
    """Every bank row by natural key with its fields, primary keys left out."""
    return {
        "topics": sorted(Topic.objects.values_list("slug", "name", "position")),
        "sets": sorted(
            QuestionSet.objects.values_list("slug", "title", "level", "description", "source")
        ),
        "questions": sorted(
            Question.objects.values_list(
                "question_set__slug",
                "slug",
                "position",
                "prompt",
                "topic__slug",
                "kind",
                "intent",
                "guidance",
                "reference_answer",
                "suggested_minutes",
                "is_active",
            )
        ),
        "points": sorted(
            AnswerPoint.objects.values_list(
                "question__question_set__slug", "question__slug", "position", "text", "weight"
            )
        ),
    }


def clear_bank():
    Question.objects.all().delete()
    QuestionSet.objects.all().delete()
    Topic.objects.all().delete()


def export(tmp_path, slug="backend"):
    path = tmp_path / f"{slug}.json"
    call_command("export_question_set", slug, "-o", str(path), verbosity=0)
    return path


@pytest.mark.parametrize("load_command", ["loaddata", "import_question_set"])
def test_an_exported_set_loads_into_an_empty_database_exactly(
    tmp_path, exported_set, load_command
):
    path = export(tmp_path)
    QuestionSet.objects.exclude(slug="backend").delete()
    Topic.objects.filter(questions=None).delete()
    before = bank_snapshot()
    clear_bank()

    call_command(load_command, str(path), verbosity=0)

    assert bank_snapshot() == before
    assert bank_snapshot()["questions"][0][:2] == ("backend", "caching")


def test_the_export_has_no_primary_keys_and_only_the_set(tmp_path, exported_set):
    objects = json.loads(export(tmp_path).read_text())
    assert [obj["model"] for obj in objects] == [
        "questions.topic",
        "questions.topic",
        "questions.questionset",
        "questions.question",
        "questions.answerpoint",
        "questions.answerpoint",
        "questions.question",
    ]
    assert all("pk" not in obj for obj in objects)
    assert objects[4]["fields"]["question"] == ["backend", "caching"]


def test_loading_an_export_twice_changes_nothing(tmp_path, exported_set):
    path = export(tmp_path)
    before = bank_snapshot()
    pks = sorted(Question.objects.values_list("pk", flat=True))
    call_command("import_question_set", str(path), verbosity=0)
    call_command("loaddata", str(path), verbosity=0)
    assert bank_snapshot() == before
    assert sorted(Question.objects.values_list("pk", flat=True)) == pks


def test_exporting_an_unknown_set_names_the_known_ones(exported_set):
    with pytest.raises(CommandError, match="No question set with slug 'nope'"):
        call_command("export_question_set", "nope")


def broken(objects, index, **fields):
    objects[index]["fields"].update(fields)
    return objects


@pytest.mark.parametrize(
    "corrupt, message",
    [
        (lambda objects: "[{", "is not valid JSON"),
        (lambda objects: broken(objects, 4, weight=0), "object 5 (questions.AnswerPoint"),
        (
            lambda objects: broken(objects, 4, weight=0),
            "An answer point's weight must be greater than 0.",
        ),
        (lambda objects: broken(objects, 3, kind="quiz"), "kind: Value 'quiz' is not a valid"),
        (lambda objects: broken(objects, 3, prompt=""), "prompt: This field cannot be blank"),
        (
            lambda objects: broken(objects, 5, question=["backend", "missing"]),
            "object 6: Question matching query does not exist",
        ),
        (lambda objects: broken(objects, 6, position=1), "Question set and Position"),
        (
            lambda objects: [*objects, {"model": "auth.user", "fields": {"username": "x"}}],
            "auth.User does not belong in a question set file",
        ),
        (lambda objects: [*objects, {"model": "questions.nope"}], "Invalid model identifier"),
    ],
)
def test_a_bad_file_is_refused_with_its_problem_and_changes_nothing(
    tmp_path, exported_set, corrupt, message
):
    path = export(tmp_path)
    objects = corrupt(json.loads(path.read_text()))
    path.write_text(objects if isinstance(objects, str) else json.dumps(objects))
    # Change the first question so a half-applied import would show.
    Question.objects.filter(slug="caching").update(prompt="Edited since the export?")
    before = bank_snapshot()

    with pytest.raises(CommandError) as error:
        call_command("import_question_set", str(path), verbosity=0)

    assert message in str(error.value)
    assert str(path) in str(error.value)
    assert bank_snapshot() == before


def test_loaddata_of_a_broken_file_also_changes_nothing(tmp_path, exported_set):
    path = export(tmp_path)
    path.write_text(json.dumps(broken(json.loads(path.read_text()), 4, weight=0)))
    Question.objects.filter(slug="caching").update(prompt="Edited since the export?")
    before = bank_snapshot()
    with pytest.raises(Exception, match="answerpoint_weight_positive"):
        call_command("loaddata", str(path), verbosity=0)
    assert bank_snapshot() == before


def test_a_missing_file_is_named(tmp_path):
    with pytest.raises(CommandError, match="Cannot read .*missing.json"):
        call_command("import_question_set", str(tmp_path / "missing.json"))


def test_a_seed_set_with_its_anchors_exports_imports_and_exports_identically(tmp_path):
    call_command("loaddata", "backend-developer", verbosity=0)
    first = export(tmp_path, "backend-developer").read_text()
    assert first.count('"model": "questions.levelanchor"') == 16 * 4
    clear_bank()
    assert LevelAnchor.objects.count() == 0

    call_command("import_question_set", str(tmp_path / "backend-developer.json"), verbosity=0)

    assert export(tmp_path, "backend-developer").read_text() == first
    anchor = json.loads(first)[-1]
    assert anchor == {
        "model": "questions.levelanchor",
        "fields": {
            "question": ["backend-developer", "conflict-resolution"],
            "level": 4,
            "text": LevelAnchor.objects.get_by_natural_key(
                "backend-developer", "conflict-resolution", 4
            ).text,
        },
    }
