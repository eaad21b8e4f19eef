"""Calibration and question analytics keep what they compute in the cache under the sets'
figures revisions (scoring/figures.py): after every kind of write that changes what they
show, the page served next is the page computed afresh, with the cache emptied."""

import datetime
import json
import re
from unittest import mock

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from interviews.tests.factories import planned_interview
from questions.models import Question
from questions.tests.test_admin import question_form_data
from scoring import figures, services
from scoring.models import CalibrationSum, Qualification, QuestionSum, Scorecard, Span
from scoring.tests.factories import write_scorecard

pytestmark = pytest.mark.django_db

TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="[^"]*"|"csrfToken": "[^"]*"')


@pytest.fixture
def history(alice, bob):
    first = planned_interview(interviewers=[alice, bob], questions=2, points=1)
    second = planned_interview(interviewers=[alice, bob], question_set=first.question_set)
    for interview, alices in ((first, [4, 4]), (second, [3, 3])):
        write_scorecard(interview, alice, alices, recommendation=4)
        write_scorecard(interview, bob, [2, 2], recommendation=2)
    return first.question_set


@pytest.fixture
def pages(client, hiring_manager, curator, history):
    """Each page as a manager or curator reads it, with the cache kept."""
    urls = [
        (hiring_manager, reverse("calibration")),
        (hiring_manager, reverse("calibration") + f"?set={history.slug}"),
        (hiring_manager, reverse("question_analytics", args=[history.slug])),
        (curator, reverse("question_analytics", args=[history.slug])),
        (hiring_manager, reverse("calibration_interviewers_csv")),
        (hiring_manager, reverse("calibration_agreement_csv") + f"?set={history.slug}"),
    ]

    def read():
        found = []
        for user, url in urls:
            client.force_login(user)
            response = client.get(url)
            assert response.status_code == 200
            found.append(TOKEN.sub("", response.content.decode()))
        return found

    return read


def assert_fresh(pages, change):
    """The pages, read once to fill the cache, then changed, read again: as if computed
    afresh."""
    before = pages()
    change()
    kept = pages()
    cache.clear()
    assert kept == pages()
    assert kept != before, "the change shows on neither page: the test proves nothing"


def amend_to_ones(scorecard, author):
    """Every answer of the scorecard amended to 1, and its recommendation to Strong no."""
    answers = {rating.interview_question_id: (1, "") for rating in scorecard.ratings.all()}
    services.amend_scorecard(
        scorecard=scorecard,
        author=author,
        reason="Misread my notes.",
        recommendation=1,
        summary="Changed.",
        answers=answers,
    )


def test_a_scorecard_submitted(pages, history, alice, bob):
    def change():
        interview = planned_interview(interviewers=[alice, bob], question_set=history)
        write_scorecard(interview, alice, [1, 1], recommendation=1)

    assert_fresh(pages, change)


def test_a_scorecard_amended(pages, history, alice):
    scorecard = Scorecard.objects.filter(interviewer=alice).first()
    assert_fresh(pages, lambda: amend_to_ones(scorecard, alice))


def test_a_decision_recorded(pages, history, hiring_manager):
    candidate = Scorecard.objects.first().interview.candidate
    assert_fresh(
        pages,
        lambda: services.record_decision(
            candidate=candidate, manager=hiring_manager, outcome="no_hire", rationale="Because."
        ),
    )


@pytest.fixture
def shadowed(history, alice, carol):
    """Carol shadows Alice on the set and agrees with her, on the same side of hire."""
    interview = planned_interview(interviewers=[alice], shadows=[carol], question_set=history)
    write_scorecard(interview, alice, [4, 4], recommendation=4)
    write_scorecard(interview, carol, [4, 4], recommendation=4)
    return interview


def test_a_shadowed_panel_amended(pages, shadowed, alice):
    # Carol's shadow scorecard no longer agrees with the panel, nor is on its side.
    scorecard = shadowed.scorecards.get(interviewer=alice)
    assert_fresh(pages, lambda: amend_to_ones(scorecard, alice))


def test_a_shadow_scorecard_submitted_before_its_panel(pages, shadowed, alice, carol):
    # Nothing counted changes: the trainee has one more shadow scorecard, not yet compared.
    def change():
        interview = planned_interview(
            interviewers=[alice], shadows=[carol], question_set=shadowed.question_set
        )
        write_scorecard(interview, carol, [4, 4], recommendation=4)

    assert_fresh(pages, change)


def test_a_trainee_renamed(pages, shadowed, carol):
    def change():
        carol.first_name = "Caroline"
        carol.save()

    assert_fresh(pages, change)


def test_a_trainee_qualified_by_an_admin(pages, shadowed, carol, superuser):
    assert_fresh(
        pages,
        lambda: Qualification.objects.create(
            interviewer=carol, question_set=shadowed.question_set, granted_by=superuser
        ),
    )


def test_an_interviewer_renamed(pages, alice):
    def change():
        alice.first_name, alice.last_name = "Alice", "Liddell"
        alice.save()

    assert_fresh(pages, change)


def test_a_question_edited_in_the_admin(pages, history, client, curator):
    question = Question.objects.filter(question_set=history).first()
    points = [
        {"id": point.pk, "position": point.position, "text": point.text, "weight": point.weight}
        for point in question.points.all()
    ]

    def change():
        client.force_login(curator)
        data = question_form_data(question, points) | {"prompt": "Reworded for the cache."}
        response = client.post(
            reverse("admin:questions_question_change", args=[question.pk]), data, follow=True
        )
        assert response.redirect_chain  # saved, and its message shown

    assert_fresh(pages, change)


def test_a_topic_renamed_in_the_admin(pages, history, client, superuser):
    topic = Question.objects.filter(question_set=history).first().topic

    def change():
        client.force_login(superuser)
        data = {"slug": topic.slug, "name": "Renamed topic", "position": topic.position}
        url = reverse("admin:questions_topic_change", args=[topic.pk])
        assert client.post(url, data, follow=True).redirect_chain

    assert_fresh(pages, change)


def test_a_question_set_imported(pages, history, tmp_path):
    def change():
        path = tmp_path / "set.json"
        call_command("export_question_set", history.slug, output=str(path))
        objects = json.loads(path.read_text())
        for item in objects:
            if item["model"] == "questions.question":
                item["fields"]["prompt"] = "Imported wording."
        path.write_text(json.dumps(objects))
        call_command("import_question_set", str(path))

    assert_fresh(pages, change)


def test_sums_rebuilt_by_recompute_results(pages):
    # Sums gone wrong (nothing but the app writes them), shown and kept; then rebuilt.
    CalibrationSum.objects.filter(span=Span.MONTH).update(scorecards=99)
    QuestionSum.objects.filter(span=Span.MONTH).update(answers=99)
    assert_fresh(pages, lambda: call_command("recompute_results", verbosity=0))


def test_kept_under_the_revisions_and_the_day():
    computed = []

    def compute():
        computed.append(1)
        return len(computed)

    assert figures.cached("test", [(1, 7)], "about", compute) == 1
    assert figures.cached("test", [(1, 7)], "about", compute) == 1
    assert figures.cached("test", [(1, 8)], "about", compute) == 2
    assert figures.cached("test", [(1, 8)], "other", compute) == 3
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    with mock.patch("scoring.figures.timezone.localdate", return_value=tomorrow):
        assert figures.cached("test", [(1, 8)], "other", compute) == 4
