"""The bank's edit history (django-simple-history): who changed a question, its points and its
anchors, and when; the admin's readable diff; restoring a version; bulk actions, copies and
imports recorded; which version each interview question copied."""

import json

import pytest
from django.core.management import call_command
from django.urls import reverse

from interviews.models import InterviewQuestion
from interviews.tests.factories import planned_interview
from questions.models import AnswerPoint, LevelAnchor, Question
from questions.tests.factories import (
    AnswerPointFactory,
    QuestionFactory,
    QuestionSetFactory,
    TopicFactory,
)

from .test_admin import change_url, question_form_data, run_action

pytestmark = pytest.mark.django_db


def versions(question):
    """The question's recorded versions, oldest first: (type, user, reason, prompt)."""
    return [
        (
            record.history_type,
            record.history_user.username if record.history_user else None,
            record.history_change_reason,
            record.prompt,
        )
        for record in question.history.order_by("history_id")
    ]


def history_url(question):
    return reverse("admin:questions_question_history", args=[question.pk])


@pytest.fixture
def edited(client, curator):
    """A question with one point, then edited by the curator in the admin: a new prompt and
    the point's text changed."""
    question = QuestionFactory(prompt="How would you cache?")
    point = AnswerPointFactory(question=question, position=1, text="Redis")
    client.force_login(curator)
    question.prompt = "How would you cache a slow page?"
    response = client.post(
        change_url(question),
        question_form_data(
            question, [{"id": point.pk, "position": 1, "text": "Redis or Memcached", "weight": 1}]
        ),
    )
    assert response.status_code == 302
    return question


def test_an_admin_edit_is_recorded_with_who_and_what(edited):
    assert versions(edited) == [
        ("+", None, None, "How would you cache?"),
        ("~", "cora", None, "How would you cache a slow page?"),
    ]
    point = edited.points.get()
    assert [
        (r.history_type, r.history_user.username if r.history_user else None, r.text)
        for r in point.history.order_by("history_id")
    ] == [("+", None, "Redis"), ("~", "cora", "Redis or Memcached")]


def test_the_history_page_shows_readable_diffs(client, edited):
    response = client.get(history_url(edited))
    assert response.status_code == 200
    text = response.text
    assert (
        "<strong>Prompt:</strong> How would you cache? → How would you cache a slow page?" in text
    )
    assert "<strong>text:</strong> Redis → Redis or Memcached" in text
    assert "Answer point 1" in text
    first = edited.history.earliest()
    assert reverse("admin:questions_question_restore", args=[edited.pk, first.pk]) in text
    # Each version opens read-only.
    version_url = reverse("admin:questions_question_simple_history", args=[edited.pk, first.pk])
    assert client.get(version_url).status_code == 200


def test_saving_without_changes_records_nothing(client, curator):
    question = QuestionFactory()
    point = AnswerPointFactory(question=question, position=1, text="Redis")
    client.force_login(curator)
    data = question_form_data(question, [{"id": point.pk, "position": 1, "text": "Redis"}])
    data["points-0-weight"] = 1
    assert client.post(change_url(question), data).status_code == 302
    assert question.history.count() == 1
    assert point.history.count() == 1


def test_an_edit_of_points_alone_is_a_new_version_of_the_question(client, curator):
    question = QuestionFactory()
    client.force_login(curator)
    data = question_form_data(question, [{"position": 1, "text": "New point", "weight": 2}])
    assert client.post(change_url(question), data).status_code == 302
    assert versions(question)[-1] == (
        "~",
        "cora",
        "Answer points or rating anchors changed",
        question.prompt,
    )


def test_restoring_a_version_brings_back_its_words_points_and_anchors(client, curator, edited):
    LevelAnchor.objects.create(question=edited, level=4, text="Names both")
    first = edited.history.earliest()
    url = reverse("admin:questions_question_restore", args=[edited.pk, first.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert "How would you cache a slow page?" in page.text  # now
    assert "<li>Redis (weight 1)</li>" in page.text  # then
    # Asking changes nothing.
    assert edited.history.count() == 2
    response = client.post(url)
    assert response.status_code == 302
    assert response["Location"] == history_url(edited)
    edited.refresh_from_db()
    assert edited.prompt == "How would you cache?"
    assert list(edited.points.values_list("position", "text")) == [(1, "Redis")]
    assert list(edited.anchors.all()) == []  # the anchor came after that version
    [*_, restored] = versions(edited)
    assert restored[0:2] == ("~", "cora")
    assert restored[2].startswith("Restored the version of ")
    assert restored[3] == "How would you cache?"
    assert LevelAnchor.history.filter(history_type="-", history_user__username="cora").count() == 1


def test_restoring_another_questions_version_is_404(client, curator, edited):
    other = QuestionFactory()
    url = reverse(
        "admin:questions_question_restore", args=[edited.pk, other.history.earliest().pk]
    )
    assert client.post(url).status_code == 404
    edited.refresh_from_db()
    assert edited.prompt == "How would you cache a slow page?"


def test_an_interviewer_cannot_restore(client, interviewer, edited):
    interviewer.is_staff = True
    interviewer.save()
    client.force_login(interviewer)
    url = reverse(
        "admin:questions_question_restore", args=[edited.pk, edited.history.earliest().pk]
    )
    assert client.post(url).status_code == 403
    edited.refresh_from_db()
    assert edited.prompt == "How would you cache a slow page?"


def test_bulk_actions_are_recorded(client, curator):
    question = QuestionFactory()
    client.force_login(curator)
    run_action(client, "retire", [question])
    run_action(client, "retire", [question])  # already retired: no new version
    run_action(client, "activate", [question])
    assert [(v[0], v[1], v[2]) for v in versions(question)] == [
        ("+", None, None),
        ("~", "cora", "Retired (bulk action)"),
        ("~", "cora", "Activated (bulk action)"),
    ]
    assert [r.is_active for r in question.history.order_by("history_id")] == [True, False, True]


def test_a_copy_is_recorded_with_its_source(client, curator):
    source = QuestionSetFactory(slug="source")
    question = QuestionFactory(question_set=source, slug="caching")
    AnswerPointFactory(question=question, position=1)
    target = QuestionSetFactory()
    client.force_login(curator)
    run_action(client, "copy_to_set", [question], target=target.pk)
    copy = target.questions.get()
    assert versions(copy) == [("+", "cora", "Copied from source/caching", question.prompt)]
    assert [
        (r.history_type, r.history_user.username, r.history_change_reason)
        for r in AnswerPoint.history.filter(question_id=copy.pk)
    ] == [("+", "cora", "Copied with its question from source/caching")]


def test_an_import_is_recorded_and_the_export_has_no_history(tmp_path):
    question = QuestionFactory(question_set__slug="backend", prompt="Old words?")
    AnswerPointFactory(question=question, position=1)
    path = tmp_path / "backend.json"
    call_command("export_question_set", "backend", "-o", str(path), verbosity=0)
    objects = json.loads(path.read_text())
    assert {entry["model"] for entry in objects} == {
        "questions.topic",
        "questions.questionset",
        "questions.question",
        "questions.answerpoint",
    }
    for entry in objects:
        if entry["model"] == "questions.question":
            entry["fields"]["prompt"] = "New words?"
    path.write_text(json.dumps(objects))
    call_command("import_question_set", str(path), verbosity=0)
    assert versions(question)[-1] == ("~", None, "Imported from backend.json", "New words?")
    # Rows the import leaves as they were get no new version.
    assert question.points.get().history.count() == 1
    call_command("import_question_set", str(path), verbosity=0)
    assert question.history.count() == 2


def test_each_interview_question_knows_the_version_it_copied(client, curator, alice, edited):
    first = planned_interview(interviewers=[alice], question_set=edited.question_set)
    asked = first.questions.get()
    assert asked.question_version == edited.history.latest()
    assert asked.question_version.prompt == asked.prompt == "How would you cache a slow page?"
    edited.prompt = "Rewritten?"
    edited.save()
    second = planned_interview(interviewers=[alice], question_set=edited.question_set)
    assert second.questions.get().question_version.prompt == "Rewritten?"
    asked.refresh_from_db()
    assert asked.question_version.prompt == "How would you cache a slow page?"


def test_a_question_without_history_gets_a_first_version_when_asked(alice):
    question = QuestionFactory()
    question.history.all().delete()  # as loaddata leaves a fixture's rows
    interview = planned_interview(interviewers=[alice], question_set=question.question_set)
    asked = InterviewQuestion.objects.get(interview=interview)
    assert asked.question_version.history_change_reason == "First recorded when first asked"
    assert Question.history.filter(id=question.pk).count() == 1


def test_a_version_whose_topic_is_gone_is_refused_with_a_message(client, curator, edited):
    first = edited.history.earliest()
    old_topic = edited.topic
    edited.topic = TopicFactory()
    edited.save()
    old_topic.delete()
    url = reverse("admin:questions_question_restore", args=[edited.pk, first.pk])
    response = client.post(url, follow=True)
    assert "topic has been deleted since" in response.text
    edited.refresh_from_db()
    assert (edited.prompt, edited.history.count()) == ("How would you cache a slow page?", 3)
