"""The admin's actions on flagged questions: retire, and replace with a copy for editing, each
asked first with the flags' figures, and recorded in the history."""

import pytest
from django.urls import reverse

from questions.models import Question
from questions.tests.test_admin import run_action
from scoring.tests.test_leaks import history

pytestmark = pytest.mark.django_db


@pytest.fixture
def leaked(alice):
    """Q1 of three leaked lately: +2.00 over the others."""
    return history(
        alice,
        recent=20,
        earlier=20,
        scores=lambda period, number: [4 if period == "recent" else 2, 2, 3],
    )


def test_retiring_shows_the_figures_then_retires(client, curator, leaked):
    first = leaked.questions.get(position=1)
    client.force_login(curator)
    page = run_action(client, "retire_flagged", [first])
    assert page.status_code == 200
    assert "probable leak" in page.text
    assert "+2.00 (+2.00 to +2.00), n = 20 / 20" in page.text
    assert "10 · 20 · 40 · 40" in page.text  # candidates in 30, 90, 365 days and in all
    first.refresh_from_db()
    assert first.is_active  # asking changes nothing
    response = run_action(client, "retire_flagged", [first], confirmed="yes")
    assert response.status_code == 302
    first.refresh_from_db()
    assert not first.is_active
    latest = first.history.latest()
    assert (latest.history_user.username, latest.history_change_reason) == (
        "cora",
        "Retired after reading its flags",
    )


def test_replacing_retires_and_opens_a_retired_copy(client, curator, leaked):
    first = leaked.questions.get(position=1)
    client.force_login(curator)
    assert (
        "Retire them and make the copies" in run_action(client, "replace_with_copy", [first]).text
    )
    response = run_action(client, "replace_with_copy", [first], confirmed="yes")
    copy = Question.objects.get(question_set=leaked, position=4)
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:questions_question_change", args=[copy.pk])
    first.refresh_from_db()
    assert (first.is_active, copy.is_active) == (False, False)
    assert (copy.prompt, copy.slug) == (first.prompt, f"{first.slug}-2")
    assert first.history.latest().history_change_reason == (
        f"Replaced by a copy for editing: {copy.slug}"
    )
    assert copy.history.get().history_change_reason == f"Copied from {leaked.slug}/{first.slug}"


def test_the_over_exposed_filter(client, curator, leaked):
    leaked.exposure_threshold = 19
    leaked.save()
    client.force_login(curator)
    url = reverse("admin:questions_question_changelist")
    listed = client.get(url, {"over_exposed": "yes"}).context["cl"].result_list
    assert sorted(q.position for q in listed) == [1, 2, 3]
    leaked.exposure_threshold = 20
    leaked.save()
    assert list(client.get(url, {"over_exposed": "yes"}).context["cl"].result_list) == []


@pytest.mark.parametrize("action", ["retire_flagged", "replace_with_copy"])
def test_only_curators_may_act(client, interviewer, hiring_manager, leaked, action):
    first = leaked.questions.get(position=1)
    interviewer.is_staff = True
    interviewer.save()
    for user in (interviewer, hiring_manager):
        client.force_login(user)
        response = run_action(client, action, [first], confirmed="yes")
        if user is hiring_manager:  # not staff: sent to the admin's login
            assert response["Location"].startswith(reverse("admin:login"))
        else:  # staff who may only read the bank: the list, without the action
            assert response.status_code == 200
            assert action not in response.text
    first.refresh_from_db()
    assert first.is_active
    assert Question.objects.filter(question_set=leaked).count() == 3
