"""Anonymised interviews: who decides it, when it can change, and the candidate's code.
What the panel of one sees is checked surface by surface in tests/test_anonymised.py."""

import re

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from interviews.models import CODE_ALPHABET, Candidate, Interview, new_candidate_code
from interviews.tests.factories import CandidateFactory
from notifications import services as scheduling
from notifications.models import OutgoingEmail
from questions.tests.factories import QuestionSetFactory

from .conftest import bank, schedule_data

pytestmark = pytest.mark.django_db


def test_a_code_is_eight_random_unambiguous_characters_in_two_groups():
    codes = {new_candidate_code() for _ in range(2000)}
    assert len(codes) == 2000
    assert all(re.fullmatch(rf"[{CODE_ALPHABET}]{{4}}-[{CODE_ALPHABET}]{{4}}", c) for c in codes)
    assert not set("01ILO") & set(CODE_ALPHABET)


def in_code_alphabet(number: int) -> str:
    digits = ""
    while number:
        number, digit = divmod(number, len(CODE_ALPHABET))
        digits = CODE_ALPHABET[digit] + digits
    return digits


def test_each_candidate_gets_their_own_code_unrelated_to_name_or_id():
    first = CandidateFactory(name="Ada Lovelace")
    second = CandidateFactory(name="Ada Lovelace")
    assert first.code != second.code
    # Not the id written in the code's alphabet (the guessable derivation); that the code is
    # random, not merely different, is the 2,000 distinct codes above.
    assert first.code.replace("-", "").lstrip(CODE_ALPHABET[0]) != in_code_alphabet(first.pk)
    assert first.anonymous_name == f"Candidate {first.code}"
    assert Candidate.objects.get(pk=first.pk).code == first.code  # stored, stable


def test_the_form_schedules_an_anonymised_interview(
    client,
    hiring_manager,
    candidate,
    backend_set,
    alice,
):
    client.force_login(hiring_manager)
    data = schedule_data(
        candidate, backend_set, [alice], {bank(backend_set)["Caching?"]: 1}, anonymised="on"
    )
    client.post(reverse("schedule_interview"), data)
    interview = Interview.objects.get()
    assert interview.anonymised is True
    assert interview.candidate_name_for_panel == f"Candidate {candidate.code}"


def test_an_interview_of_a_set_marked_anonymised_is_anonymised_whatever_the_form_says(
    client,
    hiring_manager,
    candidate,
    backend_set,
    alice,
):
    backend_set.anonymised = True
    backend_set.save()
    client.force_login(hiring_manager)
    data = schedule_data(candidate, backend_set, [alice], {bank(backend_set)["Caching?"]: 1})
    client.post(reverse("schedule_interview"), data)
    assert Interview.objects.get().anonymised is True


def test_an_interview_is_not_anonymised_unless_asked(interview):
    assert interview.anonymised is False
    assert interview.candidate_name_for_panel == "Ada Lovelace"


def test_rescheduling_turns_anonymising_on_and_off_until_the_interview_starts(
    client, hiring_manager, interview, alice, bob
):
    client.force_login(hiring_manager)
    url = reverse("reschedule_interview", args=[interview.pk])
    data = {"scheduled_at": "2030-05-06T10:30", "interviewers": [alice.pk, bob.pk]}
    client.post(url, {**data, "anonymised": "on"})
    interview.refresh_from_db()
    assert interview.anonymised is True
    client.post(url, data)
    interview.refresh_from_db()
    assert interview.anonymised is False

    interview.start()
    response = client.post(url, {**data, "anonymised": "on"})
    interview.refresh_from_db()
    assert interview.anonymised is False
    assert "only a scheduled interview can be moved" in response.text


def test_a_set_marked_anonymised_keeps_its_interviews_anonymised_when_moved(interview, alice):
    interview.question_set.anonymised = True
    interview.question_set.save()
    interview.anonymised = True
    interview.save()
    scheduling.reschedule_interview(
        interview=interview,
        scheduled_at=interview.scheduled_at,
        interviewers=[alice],
        anonymised=False,
    )
    interview.refresh_from_db()
    assert interview.anonymised is True


def test_turning_anonymising_on_sends_the_panel_the_invitation_again(interview, alice, bob):
    before = OutgoingEmail.objects.count()
    scheduling.reschedule_interview(
        interview=interview,
        scheduled_at=interview.scheduled_at,
        interviewers=[alice, bob],
        anonymised=True,
    )
    sent = OutgoingEmail.objects.order_by("pk")[before:]
    assert sorted(email.to for email in sent) == sorted([alice.email, bob.email])
    assert all(interview.candidate.name not in email.subject for email in sent)


@pytest.mark.parametrize(
    ("text", "named"),
    [
        ("Ada explained caching well", True),
        ("LOVELACE knew it", True),
        ("adamant about indexes", False),
        ("No names here", False),
    ],
)
def test_a_note_names_the_candidate_when_it_has_a_word_of_their_name(text, named):
    assert CandidateFactory(name="Ada Lovelace").is_named_in(text) is named


def test_a_candidate_created_in_bulk_gets_codes_of_their_own():
    Candidate.objects.bulk_create(
        [Candidate(name=f"Bulk {number}", email=f"b{number}@example.com") for number in range(50)]
    )
    assert Candidate.objects.values("code").distinct().count() == 50


def test_a_set_marked_anonymised_can_be_found_in_admin(admin_client):
    QuestionSetFactory(title="Blind set", anonymised=True)
    response = admin_client.get(
        reverse("admin:questions_questionset_changelist") + "?anonymised__exact=1"
    )
    assert "Blind set" in response.text


def test_a_refused_change_leaves_anonymising_alone(interview):
    with pytest.raises(ValidationError):
        scheduling.reschedule_interview(
            interview=interview,
            scheduled_at=interview.scheduled_at,
            interviewers=[],
            anonymised=True,
        )
    interview.refresh_from_db()
    assert interview.anonymised is False
