import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from interviews.models import Candidate
from interviews.tests.factories import CandidateFactory, interviewer_user, planned_interview

pytestmark = pytest.mark.django_db


def names(response):
    return [candidate.name for candidate in response.context["page"].object_list]


def messages_of(response):
    return [str(message) for message in get_messages(response.wsgi_request)]


@pytest.mark.parametrize("role", ["interviewer", "curator"])
def test_others_cannot_change_a_candidate_by_posting(client, request, candidate, role):
    client.force_login(request.getfixturevalue(role))
    response = client.post(
        reverse("candidate_edit", args=[candidate.pk]), {"name": "X", "email": "x@example.com"}
    )
    assert response.status_code == 403
    candidate.refresh_from_db()
    assert candidate.name == "Ada Lovelace"


def test_an_interviewer_cannot_add_a_candidate_by_posting(client, interviewer):
    client.force_login(interviewer)
    response = client.post(reverse("candidate_create"), {"name": "X", "email": "x@example.com"})
    assert response.status_code == 403
    assert Candidate.objects.count() == 0


def test_an_unknown_candidate_is_404(client, hiring_manager):
    client.force_login(hiring_manager)
    assert client.get(reverse("candidate_edit", args=[999999])).status_code == 404


def test_the_list_shows_each_candidate_by_name_with_their_interviews(
    client, hiring_manager, candidate
):
    CandidateFactory(name="Zoe Zhang", email="zoe@example.com", role_applied_for="")
    CandidateFactory(name="Ben Brown", email="ben@example.com")
    alice = interviewer_user("alice")
    planned_interview(interviewers=[alice], candidate=candidate)
    planned_interview(interviewers=[alice], candidate=candidate)
    client.force_login(hiring_manager)
    response = client.get(reverse("candidate_list"))
    assert response.status_code == 200
    assert [(c.name, c.interview_count) for c in response.context["page"].object_list] == [
        ("Ada Lovelace", 2),
        ("Ben Brown", 0),
        ("Zoe Zhang", 0),
    ]
    assert "ada@example.com" in response.text
    assert "Backend Developer" in response.text
    assert reverse("candidate_edit", args=[candidate.pk]) in response.text
    assert reverse("candidate_create") in response.text


@pytest.mark.parametrize(
    "text, expected",
    [
        ("lovelace", ["Ada Lovelace"]),
        ("BEN@", ["Ben Brown"]),
        ("frontend", ["Carla Cruz"]),
        ("developer", ["Ada Lovelace", "Ben Brown", "Carla Cruz"]),
        ("ada backend", ["Ada Lovelace"]),
        ("ada frontend", []),
    ],
)
def test_search_by_name_email_or_role(client, hiring_manager, candidate, text, expected):
    CandidateFactory(name="Ben Brown", email="ben@example.com")
    CandidateFactory(name="Carla Cruz", role_applied_for="Frontend Developer")
    client.force_login(hiring_manager)
    response = client.get(reverse("candidate_list"), {"q": text})
    assert names(response) == expected


def test_search_with_htmx_returns_only_the_list(client, hiring_manager, candidate):
    client.force_login(hiring_manager)
    response = client.get(reverse("candidate_list"), {"q": "ada"}, headers={"HX-Request": "true"})
    assert response.text.lstrip().startswith('<div id="candidate-list">')
    assert "Ada Lovelace" in response.text
    assert "navbar" not in response.text
    assert response["Vary"] == "HX-Request, Cookie"


def test_the_list_pages_by_25_and_page_links_keep_the_search(client, hiring_manager):
    for number in range(1, 31):
        CandidateFactory(name=f"Person {number:02}", email=f"p{number}@example.com")
    CandidateFactory(name="Someone Else", email="else@example.com")
    client.force_login(hiring_manager)

    first = client.get(reverse("candidate_list"), {"q": "person"})
    assert names(first) == [f"Person {number:02}" for number in range(1, 26)]
    assert "31 candidates" not in first.text
    assert "30 candidates matching “person”" in first.text
    assert 'href="?q=person&amp;page=2"' in first.text

    second = client.get(reverse("candidate_list"), {"q": "person", "page": "2"})
    assert names(second) == [f"Person {number:02}" for number in range(26, 31)]
    assert 'href="?q=person&amp;page=1"' in second.text


def test_a_page_past_the_end_shows_the_last_page(client, hiring_manager, candidate):
    client.force_login(hiring_manager)
    response = client.get(reverse("candidate_list"), {"page": "99"})
    assert names(response) == ["Ada Lovelace"]


def test_the_list_says_so_when_there_are_no_candidates(client, hiring_manager):
    client.force_login(hiring_manager)
    response = client.get(reverse("candidate_list"))
    assert names(response) == []
    assert "No candidates yet." in response.text


def test_the_list_says_so_when_nothing_matches(client, hiring_manager, candidate):
    client.force_login(hiring_manager)
    response = client.get(reverse("candidate_list"), {"q": "nobody"})
    assert "No candidate matches “nobody”." in response.text


@pytest.mark.parametrize("size", [2, 10])
def test_list_queries_do_not_grow_with_candidates(
    client, hiring_manager, django_assert_num_queries, size
):
    for _ in range(size):
        CandidateFactory()
    client.force_login(hiring_manager)
    # session, user, user and group permissions, count, page of candidates
    # … and the session's save, which keeps it alive (3)
    with django_assert_num_queries(8):
        response = client.get(reverse("candidate_list"))
    assert len(names(response)) == size


def test_a_hiring_manager_adds_a_candidate(client, hiring_manager):
    client.force_login(hiring_manager)
    response = client.post(
        reverse("candidate_create"),
        {
            "name": "Grace Hopper",
            "email": "grace@example.com",
            "role_applied_for": "Backend Developer",
            "notes": "Referred by Ada.",
        },
    )
    assert response.status_code == 302
    [grace] = Candidate.objects.all()
    assert response["Location"] == reverse("candidate_detail", args=[grace.pk])
    assert list(Candidate.objects.values_list("name", "email", "role_applied_for", "notes")) == [
        ("Grace Hopper", "grace@example.com", "Backend Developer", "Referred by Ada.")
    ]
    assert messages_of(response) == ["Added Grace Hopper."]


def test_an_invalid_email_is_a_form_error_and_adds_nobody(client, hiring_manager):
    client.force_login(hiring_manager)
    response = client.post(
        reverse("candidate_create"), {"name": "Grace Hopper", "email": "not-an-email"}
    )
    assert response.status_code == 200
    assert response.context["form"].errors == {"email": ["Enter a valid email address."]}
    assert "Enter a valid email address." in response.text
    assert Candidate.objects.count() == 0


def test_a_name_is_required(client, hiring_manager):
    client.force_login(hiring_manager)
    response = client.post(reverse("candidate_create"), {"name": " ", "email": "g@example.com"})
    assert response.context["form"].errors == {"name": ["This field is required."]}
    assert Candidate.objects.count() == 0


def test_a_hiring_manager_edits_a_candidate(client, hiring_manager, candidate):
    client.force_login(hiring_manager)
    url = reverse("candidate_edit", args=[candidate.pk])
    response = client.get(url)
    assert response.context["form"].initial["email"] == "ada@example.com"

    response = client.post(
        url,
        {
            "name": "Ada King",
            "email": "ada.king@example.com",
            "role_applied_for": "Architect",
            "notes": "Changed her name.",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("candidate_detail", args=[candidate.pk])
    candidate.refresh_from_db()
    assert (candidate.name, candidate.email, candidate.role_applied_for, candidate.notes) == (
        "Ada King",
        "ada.king@example.com",
        "Architect",
        "Changed her name.",
    )
    assert messages_of(response) == ["Saved Ada King."]


def test_an_invalid_edit_changes_nothing(client, hiring_manager, candidate):
    client.force_login(hiring_manager)
    response = client.post(
        reverse("candidate_edit", args=[candidate.pk]), {"name": "Ada King", "email": "nope"}
    )
    assert response.status_code == 200
    candidate.refresh_from_db()
    assert (candidate.name, candidate.email) == ("Ada Lovelace", "ada@example.com")


def test_the_edit_page_lists_the_candidates_interviews(client, hiring_manager, candidate):
    alice = interviewer_user("alice")
    interview = planned_interview(interviewers=[alice], candidate=candidate, stage="Screening")
    planned_interview(interviewers=[alice], stage="Someone else's interview")
    client.force_login(hiring_manager)
    response = client.get(reverse("candidate_edit", args=[candidate.pk]))
    assert list(response.context["interviews"]) == [interview]
    assert "Screening" in response.text
    assert interview.question_set.title in response.text
    assert "Scheduled</span>" in response.text
    assert "Someone else&#x27;s interview" not in response.text
    assert reverse("interview_detail", args=[interview.pk]) in response.text
    assert f"{reverse('schedule_interview')}?candidate={candidate.pk}" in response.text


def test_an_email_already_on_file_is_refused(client, hiring_manager):
    existing = CandidateFactory(email="grace@example.com")
    client.force_login(hiring_manager)
    response = client.post(
        reverse("candidate_create"), {"name": "Grace Again", "email": "GRACE@example.com"}
    )
    assert response.context["form"].errors == {
        "email": ["Another candidate has this email address: find them in the list instead."]
    }
    assert Candidate.objects.count() == 1
    # Saving the candidate who has it is fine.
    response = client.post(
        reverse("candidate_edit", args=[existing.pk]),
        {"name": "Grace Hopper", "email": "grace@example.com"},
    )
    assert response.status_code == 302
