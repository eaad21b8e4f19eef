import datetime

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from interviews import services
from interviews.models import Interview, InterviewQuestion
from interviews.tests.factories import planned_interview
from notifications import services as scheduling
from questions.tests.factories import (
    QuestionFactory,
    UserFactory,
)
from scoring import services as scoring_services
from scoring.tests.factories import write_scorecard

from .conftest import bank, schedule_data

pytestmark = [pytest.mark.django_db, pytest.mark.interview(questions=2)]


def messages_of(response):
    return [str(message) for message in get_messages(response.wsgi_request)]


def plan_of(interview):
    return [
        (q.position, q.prompt, [(p.position, p.text, p.weight) for p in q.points.all()])
        for q in interview.questions.prefetch_related("points")
    ]


# Access (who may open each page as whom is in tests/test_access.py)


@pytest.mark.parametrize("role", ["interviewer", "curator"])
def test_others_cannot_schedule_by_posting(client, request, role, candidate, backend_set, alice):
    client.force_login(request.getfixturevalue(role))
    data = schedule_data(candidate, backend_set, [alice], {bank(backend_set)["Caching?"]: 1})
    assert client.post(reverse("schedule_interview"), data).status_code == 403
    assert Interview.objects.count() == 0


def test_an_unknown_interview_is_404(client, hiring_manager):
    client.force_login(hiring_manager)
    assert client.get(reverse("interview_detail", args=[999999])).status_code == 404


# The list of interviews


def test_the_list_shows_the_newest_first_with_counts_per_status(client, hiring_manager, alice):
    now = timezone.now()
    old = planned_interview(interviewers=[alice], scheduled_at=now - datetime.timedelta(days=3))
    new = planned_interview(interviewers=[alice], scheduled_at=now + datetime.timedelta(days=3))
    middle = planned_interview(interviewers=[alice], scheduled_at=now)
    scheduling.cancel_interview(interview=middle)
    client.force_login(hiring_manager)

    response = client.get(reverse("interview_list"))
    assert list(response.context["page"].object_list) == [new, middle, old]
    assert response.context["statuses"] == [
        ("scheduled", "Scheduled", 2),
        ("in_progress", "In progress", 0),
        ("completed", "Completed", 0),
        ("cancelled", "Cancelled", 1),
    ]
    assert response.context["total"] == 3
    assert reverse("interview_detail", args=[new.pk]) in response.text
    assert new.candidate.name in response.text


def test_the_list_filters_by_status(client, hiring_manager, alice):
    scheduled = planned_interview(interviewers=[alice])
    cancelled = planned_interview(interviewers=[alice])
    scheduling.cancel_interview(interview=cancelled)
    client.force_login(hiring_manager)
    url = reverse("interview_list")
    assert list(client.get(url, {"status": "cancelled"}).context["page"].object_list) == [
        cancelled
    ]
    assert list(client.get(url, {"status": "scheduled"}).context["page"].object_list) == [
        scheduled
    ]
    response = client.get(url, {"status": "completed"})
    assert list(response.context["page"].object_list) == []
    assert "No interview is “Completed”." in response.text
    # An unknown status shows them all.
    assert client.get(url, {"status": "bogus"}).context["status"] == ""


def test_the_list_pages_by_25_and_keeps_the_filter(client, hiring_manager, alice):
    question_set = planned_interview(interviewers=[alice]).question_set
    for _ in range(25):
        planned_interview(interviewers=[alice], question_set=question_set)
    client.force_login(hiring_manager)
    response = client.get(reverse("interview_list"), {"status": "scheduled"})
    assert len(response.context["page"].object_list) == 25
    assert 'href="?status=scheduled&amp;page=2"' in response.text
    response = client.get(reverse("interview_list"), {"status": "scheduled", "page": "2"})
    assert len(response.context["page"].object_list) == 1


@pytest.mark.parametrize("size", [2, 10])
def test_list_queries_do_not_grow_with_interviews(
    client, hiring_manager, alice, bob, django_assert_num_queries, size
):
    question_set = planned_interview(interviewers=[alice, bob]).question_set
    for _ in range(size - 1):
        planned_interview(interviewers=[alice, bob], question_set=question_set)
    client.force_login(hiring_manager)
    # session, user, user and group permissions, counts, page count, interviews, interviewers
    # … and the session's save, which keeps it alive (3)
    with django_assert_num_queries(10):
        response = client.get(reverse("interview_list"))
    assert len(response.context["page"].object_list) == size


# Scheduling


def test_the_form_starts_with_the_candidate_preselected(client, hiring_manager, candidate):
    client.force_login(hiring_manager)
    response = client.get(reverse("schedule_interview"), {"candidate": candidate.pk})
    form = response.context["form"]
    assert form["candidate"].value() == str(candidate.pk)
    assert f'<option value="{candidate.pk}" selected>Ada Lovelace</option>' in response.text
    assert 'type="datetime-local"' in response.text
    assert "Choose a question set to see its questions." in response.text


def test_the_interviewers_to_choose_from_are_the_interviewer_pool(
    client, hiring_manager, alice, bob
):
    UserFactory(username="not-an-interviewer")
    client.force_login(hiring_manager)
    response = client.get(reverse("schedule_interview"))
    assert list(response.context["form"].fields["interviewers"].queryset) == [alice, bob]
    assert (
        response.text.count('type="checkbox" class="form-check-input"  name="interviewers"') == 2
    )
    assert "not-an-interviewer" not in response.text


def test_a_chosen_set_shows_its_active_questions_all_ticked_in_set_order(
    client, hiring_manager, backend_set
):
    client.force_login(hiring_manager)
    response = client.get(reverse("schedule_interview"), {"question_set": backend_set.pk})
    rows = list(response.context["form"].question_rows())
    assert [(row["question"].prompt, row["checked"], row["order"].value()) for row in rows] == [
        ("Caching?", True, 1),
        ("Indexes?", True, 2),
        ("Security?", True, 3),
    ]
    assert "Floppy disks?" not in response.text
    assert response.text.count('name="questions"') == 3
    assert response.text.count('name="questions" value') == response.text.count("checked>")


def test_changing_the_set_with_htmx_returns_only_its_questions(
    client, hiring_manager, backend_set
):
    client.force_login(hiring_manager)
    response = client.get(
        reverse("schedule_interview"),
        {"question_set": backend_set.pk},
        headers={"HX-Request": "true"},
    )
    assert response.text.lstrip().startswith('<div id="question-choice"')
    assert "Caching?" in response.text
    assert "navbar" not in response.text
    assert response["Vary"] == "HX-Request, Cookie"


def test_the_set_select_reloads_the_questions_with_htmx(client, hiring_manager):
    client.force_login(hiring_manager)
    response = client.get(reverse("schedule_interview"))
    assert f'hx-get="{reverse("schedule_interview")}"' in response.text
    assert 'hx-target="#question-choice"' in response.text


def test_show_questions_without_javascript_keeps_what_was_filled_in(
    client, hiring_manager, candidate, backend_set, alice
):
    client.force_login(hiring_manager)
    data = schedule_data(candidate, backend_set, [alice], {}, show_questions="1")
    response = client.post(reverse("schedule_interview"), data)
    assert response.status_code == 200
    form = response.context["form"]
    assert (form["candidate"].value(), form["scheduled_at"].value()) == (
        str(candidate.pk),
        "2030-05-06T10:30",
    )
    assert form["interviewers"].value() == [str(alice.pk)]
    assert [row["checked"] for row in form.question_rows()] == [True, True, True]
    assert "This field is required" not in response.text
    assert Interview.objects.count() == 0


def test_scheduling_snapshots_the_chosen_questions_in_the_chosen_order(
    client, hiring_manager, candidate, backend_set, alice, bob
):
    questions = bank(backend_set)
    client.force_login(hiring_manager)
    data = schedule_data(
        candidate,
        backend_set,
        [alice, bob],
        {questions["Security?"]: 1, questions["Caching?"]: 2},
        **{f"order_{questions['Indexes?'].pk}": 3},  # not ticked: left out
    )
    response = client.post(reverse("schedule_interview"), data)

    interview = Interview.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("interview_detail", args=[interview.pk])
    assert messages_of(response) == ["Scheduled “Technical interview” with Ada Lovelace."]
    assert (interview.candidate, interview.question_set, interview.stage) == (
        candidate,
        backend_set,
        "Technical interview",
    )
    assert interview.scheduled_at == datetime.datetime(2030, 5, 6, 10, 30, tzinfo=datetime.UTC)
    assert interview.status == "scheduled"
    assert interview.created_by == hiring_manager
    assert set(interview.interviewers.all()) == {alice, bob}
    assert plan_of(interview) == [
        (1, "Security?", [(1, "Security? point one", 1), (2, "Security? point two", 2)]),
        (2, "Caching?", [(1, "Caching? point one", 1), (2, "Caching? point two", 2)]),
    ]
    assert [q.question for q in interview.questions.all()] == [
        questions["Security?"],
        questions["Caching?"],
    ]


def test_equal_or_blank_order_numbers_keep_the_set_order(
    client, hiring_manager, candidate, backend_set, alice
):
    questions = bank(backend_set)
    client.force_login(hiring_manager)
    data = schedule_data(
        candidate,
        backend_set,
        [alice],
        {questions["Security?"]: 1, questions["Indexes?"]: 1, questions["Caching?"]: ""},
    )
    client.post(reverse("schedule_interview"), data)
    assert [q.prompt for q in Interview.objects.get().questions.all()] == [
        "Caching?",
        "Indexes?",
        "Security?",
    ]


def bad_schedule(client, hiring_manager, data):
    client.force_login(hiring_manager)
    response = client.post(reverse("schedule_interview"), data)
    assert response.status_code == 200
    assert Interview.objects.count() == 0
    assert InterviewQuestion.objects.count() == 0
    return response


def test_a_user_outside_the_interviewer_pool_is_refused(
    client, hiring_manager, candidate, backend_set
):
    outsider = UserFactory(username="outsider")
    data = schedule_data(candidate, backend_set, [outsider], {bank(backend_set)["Caching?"]: 1})
    response = bad_schedule(client, hiring_manager, data)
    assert response.context["form"].errors == {
        "interviewers": [
            f"Select a valid choice. {outsider.pk} is not one of the available choices."
        ]
    }


def test_no_interviewer_is_refused(client, hiring_manager, candidate, backend_set):
    data = schedule_data(candidate, backend_set, [], {bank(backend_set)["Caching?"]: 1})
    response = bad_schedule(client, hiring_manager, data)
    assert response.context["form"].errors == {"interviewers": ["This field is required."]}


def test_no_question_is_refused(client, hiring_manager, candidate, backend_set, alice):
    response = bad_schedule(
        client, hiring_manager, schedule_data(candidate, backend_set, [alice], {})
    )
    assert response.context["form"].errors == {
        "questions": ["Choose at least one question to ask."]
    }
    assert "Choose at least one question to ask." in response.text
    # The questions stay on the page, unticked as they were sent.
    assert [row["checked"] for row in response.context["form"].question_rows()] == [
        False,
        False,
        False,
    ]


def test_a_question_of_another_set_is_refused(
    client, hiring_manager, candidate, backend_set, alice
):
    other = QuestionFactory(prompt="Another set's question?")
    data = schedule_data(
        candidate, backend_set, [alice], {bank(backend_set)["Caching?"]: 1, other: 2}
    )
    response = bad_schedule(client, hiring_manager, data)
    assert response.context["form"].errors == {
        "questions": ["“Another set's question?” is not an active question of this set."]
    }


def test_a_retired_question_is_refused(client, hiring_manager, candidate, backend_set, alice):
    data = schedule_data(candidate, backend_set, [alice], {bank(backend_set)["Floppy disks?"]: 1})
    response = bad_schedule(client, hiring_manager, data)
    assert response.context["form"].errors == {
        "questions": ["“Floppy disks?” is not an active question of this set."]
    }


@pytest.mark.parametrize(
    "field, value, error",
    [
        ("scheduled_at", "tomorrow-ish", "Enter a valid date/time."),
        ("stage", "", "This field is required."),
        (
            "candidate",
            "999999",
            "Select a valid choice. That choice is not one of the available choices.",
        ),
    ],
)
def test_other_bad_input_is_a_form_error(
    client, hiring_manager, candidate, backend_set, alice, field, value, error
):
    data = schedule_data(
        candidate, backend_set, [alice], {bank(backend_set)["Caching?"]: 1}, **{field: value}
    )
    response = bad_schedule(client, hiring_manager, data)
    assert response.context["form"].errors == {field: [error]}


def test_an_order_number_must_be_a_positive_number(
    client, hiring_manager, candidate, backend_set, alice
):
    caching = bank(backend_set)["Caching?"]
    data = schedule_data(candidate, backend_set, [alice], {caching: 0})
    response = bad_schedule(client, hiring_manager, data)
    assert response.context["form"].errors == {
        f"order_{caching.pk}": ["Ensure this value is greater than or equal to 1."]
    }
    assert "Ensure this value is greater than or equal to 1." in response.text


# The interview page


def test_the_interview_page_shows_the_plan_and_the_panel(client, hiring_manager, interview):
    client.force_login(hiring_manager)
    response = client.get(reverse("interview_detail", args=[interview.pk]))
    assert response.status_code == 200
    assert response.context["interview"] == interview
    asked = list(interview.questions.all())
    assert list(response.context["questions"]) == asked
    page = response.text
    for question in asked:
        assert question.prompt in page
        for point in question.points.all():
            assert point.text in page
    assert page.index(asked[0].prompt) < page.index(asked[1].prompt)
    assert "Ada Lovelace" in page
    assert "Technical interview" in page
    assert [(u.username, u.scorecard_submitted) for u in response.context["panel"]] == [
        ("alice", False),
        ("bob", False),
    ]
    assert "Cancel interview" in page


def test_the_interview_page_leaves_out_follow_ups(client, hiring_manager, interview, alice):
    services.add_follow_up(
        after=interview.questions.first(), interviewer=alice, prompt="Why that cache?"
    )
    client.force_login(hiring_manager)
    response = client.get(reverse("interview_detail", args=[interview.pk]))
    assert len(response.context["questions"]) == 2
    assert "Why that cache?" not in response.text


def test_the_panel_shows_who_submitted_and_never_a_draft(
    client, hiring_manager, interview, alice, bob
):
    question = interview.questions.first()
    draft = scoring_services.scorecard_for(interview=interview, interviewer=bob)
    scoring_services.save_answer(
        interview_question=question, interviewer=draft.interviewer, score=1
    )
    scoring_services.save_answer(
        interview_question=question,
        interviewer=draft.interviewer,
        notes="Bob's private draft note",
    )
    write_scorecard(interview, alice)
    client.force_login(hiring_manager)
    response = client.get(reverse("interview_detail", args=[interview.pk]))
    assert [(u.username, u.scorecard_submitted) for u in response.context["panel"]] == [
        ("alice", True),
        ("bob", False),
    ]
    assert "Submitted</span>" in response.text
    assert "Not submitted" in response.text
    assert "private draft note" not in response.text
    assert "Poor" not in response.text


@pytest.mark.parametrize("size", [2, 10])
def test_interview_page_queries_do_not_grow_with_questions(
    client, hiring_manager, alice, bob, django_assert_num_queries, size
):
    interview = planned_interview(interviewers=[alice, bob], questions=size, points=3)
    client.force_login(hiring_manager)
    # session, user, user and group permissions, interview, panel, questions, points
    # … and the session's save, which keeps it alive (3)
    with django_assert_num_queries(10):
        response = client.get(reverse("interview_detail", args=[interview.pk]))
    assert len(response.context["questions"]) == size


# Cancelling


def test_a_hiring_manager_cancels_an_interview(client, hiring_manager, interview):
    client.force_login(hiring_manager)
    response = client.post(reverse("cancel_interview", args=[interview.pk]))
    assert response.status_code == 302
    assert response["Location"] == reverse("interview_detail", args=[interview.pk])
    assert messages_of(response) == ["Cancelled “Technical interview” with Ada Lovelace."]
    interview.refresh_from_db()
    assert interview.status == "cancelled"
    page = client.get(reverse("interview_detail", args=[interview.pk])).text
    assert "Cancel interview" not in page


def test_cancelling_needs_a_post(client, hiring_manager, interview):
    client.force_login(hiring_manager)
    assert client.get(reverse("cancel_interview", args=[interview.pk])).status_code == 405
    interview.refresh_from_db()
    assert interview.status == "scheduled"


def test_a_completed_interview_cannot_be_cancelled(client, hiring_manager, interview, alice, bob):
    write_scorecard(interview, alice)
    write_scorecard(interview, bob)
    client.force_login(hiring_manager)
    assert (
        "Cancel interview" not in client.get(reverse("interview_detail", args=[interview.pk])).text
    )
    response = client.post(reverse("cancel_interview", args=[interview.pk]))
    assert response["Location"] == reverse("interview_detail", args=[interview.pk])
    assert messages_of(response) == ["A completed interview cannot be cancelled."]
    interview.refresh_from_db()
    assert interview.status == "completed"


def test_cancelling_twice_says_so(client, hiring_manager, interview):
    scheduling.cancel_interview(interview=interview)
    client.force_login(hiring_manager)
    response = client.post(reverse("cancel_interview", args=[interview.pk]))
    assert messages_of(response) == ["This interview is already cancelled."]


def test_cancelling_an_unknown_interview_is_404(client, hiring_manager):
    client.force_login(hiring_manager)
    assert client.post(reverse("cancel_interview", args=[999999])).status_code == 404
