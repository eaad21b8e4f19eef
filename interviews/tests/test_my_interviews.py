import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from interviews.tests.factories import CandidateFactory, planned_interview
from notifications import services as scheduling
from scoring import services as scoring_services
from scoring.tests.factories import write_scorecard

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)


def interview_for(*interviewers, name, days=1, stage="Technical interview", question_set=None):
    return planned_interview(
        interviewers=list(interviewers),
        candidate=CandidateFactory(name=name),
        scheduled_at=timezone.now() + days * DAY,
        stage=stage,
        question_set=question_set,
    )


def sections_of(response):
    return {
        section["key"]: (
            section["count"],
            [interview.candidate.name for interview in section["interviews"]],
        )
        for section in response.context["sections"]
    }


def get_mine(client, user):
    client.force_login(user)
    return client.get(reverse("my_interviews"))


# Access (who may open each page as whom is in tests/test_access.py)


def test_a_hiring_manager_who_runs_no_interview_sees_empty_sections(client, hiring_manager, alice):
    interview_for(alice, name="Ada Lovelace")
    response = get_mine(client, hiring_manager)
    assert sections_of(response) == {
        "upcoming": (0, []),
        "in_progress": (0, []),
        "waiting": (0, []),
        "done": (0, []),
    }
    assert "Ada Lovelace" not in response.text


def test_an_interviewer_sees_only_the_interviews_assigned_to_them(client, alice, bob):
    interview_for(alice, name="Ada Lovelace", stage="Alice's stage")
    interview_for(bob, name="Bob's Candidate", stage="Bob's stage")
    interview_for(alice, bob, name="Shared Candidate")
    response = get_mine(client, alice)
    assert sections_of(response)["upcoming"] == (2, ["Ada Lovelace", "Shared Candidate"])
    assert "Ada Lovelace" in response.text
    assert "Bob&#x27;s Candidate" not in response.text
    assert "Bob&#x27;s stage" not in response.text


# Sections


def test_each_interview_sits_in_one_section(client, alice, bob):
    later = interview_for(alice, bob, name="Upcoming Later", days=3)
    soon = interview_for(alice, bob, name="Upcoming Soon", days=1)
    started = interview_for(alice, bob, name="Started", days=-0.01)
    scoring_services.start_interview(interview=started)
    overdue = interview_for(alice, bob, name="Overdue", days=-1)
    mine_done = interview_for(alice, bob, name="Mine Submitted", days=-2)
    scoring_services.start_interview(interview=mine_done)
    write_scorecard(mine_done, alice)
    completed = interview_for(alice, bob, name="Completed", days=-4)
    write_scorecard(completed, alice)
    write_scorecard(completed, bob)
    cancelled = interview_for(alice, bob, name="Cancelled", days=-3)
    scheduling.cancel_interview(interview=cancelled)

    response = get_mine(client, alice)
    assert sections_of(response) == {
        "upcoming": (2, ["Upcoming Soon", "Upcoming Later"]),
        "in_progress": (1, ["Started"]),
        "waiting": (1, ["Overdue"]),
        # the latest first
        "done": (3, ["Mine Submitted", "Cancelled", "Completed"]),
    }
    assert [later.status, soon.status, overdue.status] == ["scheduled"] * 3
    for title in ["Upcoming", "In progress", "Waiting for my scorecard", "Done"]:
        assert title in response.text


def test_a_cancelled_interview_is_done_even_with_my_draft(client, alice):
    interview = interview_for(alice, name="Ada Lovelace", days=-1)
    scoring_services.scorecard_for(interview=interview, interviewer=alice)
    scheduling.cancel_interview(interview=interview)
    assert sections_of(get_mine(client, alice))["done"] == (1, ["Ada Lovelace"])


def test_sections_are_blind_to_colleagues_scorecards(client, alice, bob):
    """Bob submitting changes nothing on alice's page, not even a hint that he did."""
    interview = interview_for(alice, bob, name="Ada Lovelace", days=-0.01)
    scoring_services.start_interview(interview=interview)
    before = get_mine(client, alice)
    write_scorecard(interview, bob)
    after = get_mine(client, alice)
    assert sections_of(before) == sections_of(after)
    assert sections_of(after)["in_progress"] == (1, ["Ada Lovelace"])
    assert "bob" not in after.text.lower()
    assert "submitted" not in after.text.lower()


def test_open_interviews_link_to_the_live_page(client, alice):
    upcoming = interview_for(alice, name="Upcoming", days=1)
    started = interview_for(alice, name="Started", days=-0.01)
    scoring_services.start_interview(interview=started)
    overdue = interview_for(alice, name="Overdue", days=-1)
    response = get_mine(client, alice)
    for interview in (upcoming, started, overdue):
        assert f'href="{reverse("live_interview", args=[interview.pk])}"' in response.text


def test_done_interviews_link_to_the_scorecards_only_when_mine_is_submitted(client, alice, bob):
    submitted = interview_for(alice, bob, name="Submitted", days=-1)
    write_scorecard(submitted, alice)
    cancelled = interview_for(alice, name="Cancelled", days=-1)
    scheduling.cancel_interview(interview=cancelled)
    response = get_mine(client, alice)
    rows = {i.candidate.name: i.action_url for i in response.context["sections"][3]["interviews"]}
    assert rows == {
        "Submitted": reverse("interview_scorecards", args=[submitted.pk]),
        "Cancelled": None,
    }
    assert reverse("live_interview", args=[submitted.pk]) not in response.text
    assert reverse("live_interview", args=[cancelled.pk]) not in response.text


def test_each_row_shows_the_interview(client, alice):
    interview = interview_for(alice, name="Ada Lovelace", stage="Final round")
    response = get_mine(client, alice)
    page = response.text
    assert "Ada Lovelace" in page
    assert "Final round" in page
    assert interview.question_set.title in page
    assert timezone.localtime(interview.scheduled_at).strftime("%H:%M") in page
    assert "Scheduled</span>" in page


def test_the_page_shows_the_latest_done_interviews_only(client, alice):
    question_set = interview_for(alice, name="First", days=-30).question_set
    scheduling.cancel_interview(interview=question_set.interviews.get())
    for day in range(1, 22):
        interview = interview_for(alice, name=f"Day {day}", days=-day, question_set=question_set)
        scheduling.cancel_interview(interview=interview)
    response = get_mine(client, alice)
    count, names = sections_of(response)["done"]
    assert (count, len(names), names[0], names[-1]) == (22, 20, "Day 1", "Day 20")
    assert "The latest 20 of 22." in response.text


@pytest.mark.parametrize("size", [2, 10])
def test_my_interviews_queries_do_not_grow(client, alice, bob, django_assert_num_queries, size):
    question_set = interview_for(alice, bob, name="First").question_set
    for number in range(size - 1):
        interview = interview_for(
            alice, bob, name=f"Candidate {number}", days=-1 - number, question_set=question_set
        )
        if number % 3 == 0:
            scoring_services.start_interview(interview=interview)
        if number % 3 == 1:
            write_scorecard(interview, alice)
    client.force_login(alice)
    # session, user, user and group permissions, counts, open interviews, done interviews
    # … and the session's save, which keeps it alive (3)
    with django_assert_num_queries(10):
        response = client.get(reverse("my_interviews"))
    assert sum(section["count"] for section in response.context["sections"]) == size


# Where each role starts, and the navigation


@pytest.mark.parametrize(
    "role, destination",
    [
        ("interviewer", "my_interviews"),
        ("hiring_manager", "interview_list"),
        ("curator", "question_sets"),
        ("superuser", "interview_list"),
    ],
)
def test_home_sends_each_role_to_its_work(client, request, role, destination):
    client.force_login(request.getfixturevalue(role))
    response = client.get(reverse("home"))
    assert (response.status_code, response["Location"]) == (302, reverse(destination))


NAV_LINKS = {
    "My interviews": "my_interviews",
    "Interviews": "interview_list",
    "Candidates": "candidate_list",
    "Compare": "compare",
    "Question bank": "question_sets",
}


def nav_links(response):
    nav = response.text.split('id="main-nav"')[1].split("</ul>")[0]
    return [title for title, name in NAV_LINKS.items() if f'href="{reverse(name)}"' in nav]


@pytest.mark.parametrize(
    "role, links",
    [
        ("interviewer", ["My interviews", "Question bank"]),
        ("hiring_manager", ["Interviews", "Candidates", "Compare", "Question bank"]),
        ("curator", ["Question bank"]),
    ],
)
def test_the_navigation_links_to_what_each_role_may_open(client, request, role, links):
    client.force_login(request.getfixturevalue(role))
    assert nav_links(client.get(reverse("question_sets"))) == links


def test_the_navigation_marks_the_current_page(client, hiring_manager):
    client.force_login(hiring_manager)
    response = client.get(reverse("candidate_create"))
    assert (
        f'<a class="nav-link active" aria-current="page" href="{reverse("candidate_list")}">'
        in response.text
    )
    assert f'<a class="nav-link" href="{reverse("interview_list")}">' in response.text
