"""Nothing personal leaks through caches or the admin: signed-in responses are never stored
by a cache, static files carry their security headers, and a curator deleting or inspecting
bank objects never reads candidates, interviews or drafts by name."""

import pytest
from django.contrib import admin
from django.urls import NoReverseMatch, reverse

from interviews.models import Candidate
from interviews.services import add_follow_up
from interviews.tests.factories import CandidateFactory, planned_interview
from questions.models import AnswerPoint, Question, QuestionSet, Topic
from scoring.tests.factories import write_scorecard

pytestmark = pytest.mark.django_db

PRIVATE = "private, no-store"


@pytest.fixture
def scored(alice, bob):
    """An interview of Marco Rossi both interviewers scored and submitted, and a follow-up
    Alice drafted on another, open interview of the same set."""
    interview = planned_interview(
        interviewers=[alice, bob], candidate=CandidateFactory(name="Marco Rossi")
    )
    for interviewer in (alice, bob):
        write_scorecard(interview, interviewer, 3, summary="Solid.")
    open_interview = planned_interview(
        interviewers=[alice],
        candidate=CandidateFactory(name="Giulia Bianchi"),
        question_set=interview.question_set,
    )
    add_follow_up(
        after=open_interview.questions.first(),
        interviewer=alice,
        prompt="Draft follow-up about the outage at her last job",
        points=["Mentions the postmortem"],
    )
    return interview


SECRETS = ["Marco Rossi", "Giulia Bianchi", "Draft follow-up about the outage", "postmortem"]


# Cache-Control.


def personal_urls(interview):
    scorecard = interview.scorecards.first()
    candidate = interview.candidate
    question_set = interview.question_set.slug
    return [
        reverse("candidate_export", args=[candidate.pk]),
        reverse("candidate_detail", args=[candidate.pk]),
        reverse("candidate_list"),
        reverse("scorecard_detail", args=[scorecard.pk]),
        reverse("interview_scorecards", args=[interview.pk]),
        reverse("interview_detail", args=[interview.pk]),
        reverse("compare") + f"?set={question_set}",
        reverse("compare_csv") + f"?set={question_set}",
        reverse("compare_detail_csv") + f"?set={question_set}",
    ]


def test_candidate_and_scorecard_data_is_never_stored_by_a_cache(client, scored, hiring_manager):
    client.force_login(hiring_manager)
    for url in personal_urls(scored):
        response = client.get(url)
        assert (url, response.status_code, response["Cache-Control"]) == (url, 200, PRIVATE)


def test_every_signed_in_page_is_private(client, scored, alice, curator):
    client.force_login(alice)
    for url in [reverse("my_interviews"), reverse("question_sets"), "/no/such/page/"]:
        assert client.get(url)["Cache-Control"] == PRIVATE
    client.force_login(curator)
    # The admin sets its own header (never_cache): kept, and private.
    assert client.get(reverse("admin:index"))["Cache-Control"] == (
        "max-age=0, no-cache, no-store, must-revalidate, private"
    )


def test_error_responses_to_a_signed_in_user_are_private(client, alice):
    client.force_login(alice)
    assert client.get(reverse("candidate_list"))["Cache-Control"] == PRIVATE  # a 403
    assert client.get(reverse("candidate_list") + "?q=%00")["Cache-Control"] == PRIVATE


def test_static_files_carry_the_security_headers(client, settings):
    settings.WHITENOISE_USE_FINDERS = True
    settings.WHITENOISE_AUTOREFRESH = True
    script = client.get("/static/js/app.js")
    assert (script.status_code, script["X-Content-Type-Options"]) == (200, "nosniff")
    assert script.has_header("Content-Security-Policy") is False
    image = client.get("/static/favicon.svg")
    assert (image["X-Content-Type-Options"], image["Content-Security-Policy"]) == (
        "nosniff",
        "default-src 'none'; frame-ancestors 'none'",
    )


# The admin, as a question curator.


def test_deleting_a_used_question_set_counts_its_interviews(client, scored, curator):
    client.force_login(curator)
    url = reverse("admin:questions_questionset_delete", args=[scored.question_set.pk])
    html = client.get(url).text
    assert "2 interviews (not listed: your account may not read them)" in html
    for secret in SECRETS:
        assert secret not in html
    assert QuestionSet.objects.filter(pk=scored.question_set.pk).exists()


def test_deleting_a_used_topic_counts_the_asked_questions(client, scored, curator):
    client.force_login(curator)
    topic = scored.questions.first().topic
    html = client.get(reverse("admin:questions_topic_delete", args=[topic.pk])).text
    assert "(not listed: your account may not read them)" in html
    for secret in SECRETS:
        assert secret not in html


def test_the_delete_selected_action_counts_too(client, scored, curator):
    client.force_login(curator)
    response = client.post(
        reverse("admin:questions_questionset_changelist"),
        {"action": "delete_selected", "_selected_action": [scored.question_set.pk]},
    )
    assert "2 interviews (not listed: your account may not read them)" in response.text
    assert "Marco Rossi" not in response.text


def test_a_superuser_still_reads_what_blocks_a_deletion(client, scored, superuser):
    client.force_login(superuser)
    url = reverse("admin:questions_questionset_delete", args=[scored.question_set.pk])
    html = client.get(url).text
    assert "Marco Rossi · Technical interview" in html
    assert "not listed" not in html


def test_deleting_an_unused_question_lists_its_points(client, curator):
    point = AnswerPoint.objects.create(
        question=Question.objects.create(
            question_set=QuestionSet.objects.create(slug="s", title="S"),
            slug="q",
            position=1,
            prompt="Unused question",
            topic=Topic.objects.create(slug="t", name="T"),
        ),
        position=1,
        text="A point anyone may read",
    )
    client.force_login(curator)
    html = client.get(reverse("admin:questions_question_delete", args=[point.question.pk])).text
    assert "Answer point: A point anyone may read" in html
    assert "not listed" not in html


def admin_pages_of(model, obj):
    opts = model._meta
    prefix = f"admin:{opts.app_label}_{opts.model_name}"
    yield reverse(f"{prefix}_changelist")
    yield reverse(f"{prefix}_changelist") + "?q=Rossi"
    yield reverse(f"{prefix}_add")
    if obj is not None:
        for page in ("change", "delete", "history"):
            yield reverse(f"{prefix}_{page}", args=[obj.pk])


def test_no_admin_page_shows_a_curator_what_they_may_not_read(client, scored, curator):
    client.force_login(curator)
    pages = [reverse("admin:index")]
    for model in admin.site._registry:
        obj = model._default_manager.order_by("pk").first()
        try:
            pages += admin_pages_of(model, obj)
        except NoReverseMatch:  # a model admin without some of the pages
            continue
    opened = 0
    for url in pages:
        response = client.get(url, follow=True)
        assert response.status_code in (200, 403), url
        opened += response.status_code == 200
        for secret in SECRETS:
            assert secret not in response.text, (url, secret)
    assert opened >= 15  # the bank's pages did open
    assert Candidate.objects.count() == 2
