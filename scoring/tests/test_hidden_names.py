"""A question set may hide candidates' names from hiring managers until decided: compare,
its CSVs, the grid and the API name an undecided candidate by their code, sort by codes
(names would tell them apart by their order), and reveal the name once a decision is
recorded, for good. tests/test_anonymised.py checks every surface for a canary."""

import csv
import io

import pytest
from django.urls import reverse

from interviews.tests.factories import CandidateFactory, planned_interview
from scoring import services
from scoring.tests.factories import write_scorecard

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(alice, bob):
    """Three candidates of a set that hides names; their codes sort the other way round
    from their names."""
    found = {}
    question_set = None
    for name, code in [
        ("Ada Ames", "ZZZZ-2222"),
        ("Bo Bell", "MMMM-3333"),
        ("Cy Cole", "AAAA-4444"),
    ]:
        person = CandidateFactory(name=name, code=code)
        interview = planned_interview(
            interviewers=[alice], candidate=person, question_set=question_set, questions=2
        )
        question_set = interview.question_set
        write_scorecard(interview, alice, [3, 2])
        found[name] = person
    question_set.hide_names_until_decided = True
    question_set.save()
    found["set"] = question_set
    return found


def decide(candidate, manager):
    return services.record_decision(
        candidate=candidate, manager=manager, outcome="hire", rationale="Strong evidence."
    )


def test_compare_names_undecided_candidates_by_code_in_code_order(client, people, hiring_manager):
    decide(people["Bo Bell"], hiring_manager)
    client.force_login(hiring_manager)
    url = reverse("compare") + f"?set={people['set'].slug}"
    response = client.get(url + "&sort=name")
    assert [row.shown_name for row in response.context["page"]] == [
        "Candidate AAAA-4444",
        "Bo Bell",
        "Candidate ZZZZ-2222",
    ]
    html = response.content.decode()
    assert "Ada Ames" not in html and "Cy Cole" not in html
    assert [row.shown_name for row in client.get(url + "&sort=-name").context["page"]] == [
        "Candidate ZZZZ-2222",
        "Bo Bell",
        "Candidate AAAA-4444",
    ]
    # Ties on another column are broken by code too (all three have the same mean).
    assert [row.shown_name for row in client.get(url + "&sort=-mean").context["page"]] == [
        "Candidate AAAA-4444",
        "Bo Bell",
        "Candidate ZZZZ-2222",
    ]


def test_the_csvs_name_undecided_candidates_by_code_without_email(client, people, hiring_manager):
    decide(people["Bo Bell"], hiring_manager)
    client.force_login(hiring_manager)
    query = f"?set={people['set'].slug}"
    response = client.get(reverse("compare_csv") + query)
    _, *rows = csv.reader(io.StringIO(b"".join(response).decode()))
    assert [row[:2] for row in rows] == [
        ["Candidate AAAA-4444", ""],
        ["Bo Bell", "bo.bell@example.com"],
        ["Candidate ZZZZ-2222", ""],
    ]
    response = client.get(reverse("compare_detail_csv") + query)
    _, *answers = csv.reader(io.StringIO(b"".join(response).decode()))
    assert [row[0] for row in answers] == [
        "Candidate AAAA-4444",
        "Candidate AAAA-4444",
        "Bo Bell",
        "Bo Bell",
        "Candidate ZZZZ-2222",
        "Candidate ZZZZ-2222",
    ]


def test_the_grid_and_the_api_name_them_by_code(client, people, hiring_manager):
    client.force_login(hiring_manager)
    slug = people["set"].slug
    picked = "&".join(f"candidate={people[name].pk}" for name in ["Ada Ames", "Cy Cole"])
    response = client.get(reverse("compare_grid") + f"?set={slug}&{picked}")
    assert [c.shown_name for c in response.context["candidates"]] == [
        "Candidate AAAA-4444",
        "Candidate ZZZZ-2222",
    ]
    assert "Ada Ames" not in response.content.decode()
    body = client.get(reverse("api_compare") + f"?set={slug}").json()
    assert [row["name"] for row in body["results"]] == [
        "Candidate AAAA-4444",
        "Candidate MMMM-3333",
        "Candidate ZZZZ-2222",
    ]


def test_a_reopened_decision_keeps_the_name_shown(client, people, hiring_manager):
    decision = decide(people["Ada Ames"], hiring_manager)
    services.reopen_decision(decision=decision, manager=hiring_manager, reason="New evidence.")
    client.force_login(hiring_manager)
    response = client.get(reverse("compare") + f"?set={people['set'].slug}&decision=undecided")
    assert "Ada Ames" in [row.shown_name for row in response.context["page"]]
    debrief = client.get(reverse("debrief", args=[people["Ada Ames"].pk]))
    assert debrief.context["candidate_name"] == "Ada Ames"
    debrief = client.get(reverse("debrief", args=[people["Cy Cole"].pk]))
    assert debrief.context["candidate_name"] == "Candidate AAAA-4444"


def test_interviewers_of_the_set_see_names_as_before(client, people, alice):
    """The option is about hiring managers; anonymising the panel is the set's other option."""
    client.force_login(alice)
    response = client.get(reverse("debrief", args=[people["Ada Ames"].pk]))
    assert response.context["candidate_name"] == "Ada Ames"
