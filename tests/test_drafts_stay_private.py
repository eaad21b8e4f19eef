"""Drafts never leave their author: a colleague's draft scorecard, beside submitted ones, is on
no surface a hiring manager reads (pages, CSVs, the candidate export, the API). Each surface
is read with the draft, and again in a world where it never existed: the two are the same.
Submitted, the same scorecard changes every one of them, so each check can see a leak."""

import json
import re

import pytest
from django.db import transaction
from django.urls import reverse

from interviews.tests.factories import CandidateFactory, planned_interview
from scoring import results, services
from scoring.models import Mark, Recommendation, Scorecard

pytestmark = pytest.mark.django_db

CANARY = "CANARY-OF-A-DRAFT"


def answer_all(interview, interviewer, *, score, notes, mark):
    for question in interview.questions.all():
        services.save_answer(
            interview_question=question,
            interviewer=interviewer,
            score=score,
            notes=notes,
            marks={point.pk: mark for point in question.points.all()},
        )
    return services.scorecard_for(interview=interview, interviewer=interviewer)


@pytest.fixture
def panel(alice, bob, carol):
    """Two candidates on one set. Alice's draft on the first comes first, rating every answer
    Poor with every point missed; then Bob and Carol submit Good and Excellent with points
    covered (results are stored as they submit), and Bob submits for the second."""
    first = planned_interview(interviewers=[alice, bob, carol], questions=2, points=2)
    second = planned_interview(
        interviewers=[bob], question_set=first.question_set, candidate=CandidateFactory()
    )
    draft = answer_all(first, alice, score=1, notes=f"{CANARY} note", mark=Mark.MISSED)
    draft.summary = f"{CANARY} summary"
    draft.recommendation = Recommendation.STRONG_NO
    draft.save(update_fields=["summary", "recommendation"])
    for interview, interviewer, score in [(first, bob, 3), (first, carol, 4), (second, bob, 3)]:
        scorecard = answer_all(
            interview, interviewer, score=score, notes="Submitted note", mark=Mark.COVERED
        )
        services.submit_scorecard(
            scorecard=scorecard, recommendation=Recommendation.YES, summary="Submitted"
        )
    return {"first": first, "second": second, "draft": draft}


def grid(panel):
    candidates = [panel["first"].candidate_id, panel["second"].candidate_id]
    return reverse("compare_grid") + "?set={}&candidate={}&candidate={}".format(
        panel["first"].question_set.slug, *candidates
    )


SURFACES = {
    "compare page": lambda p: reverse("compare") + f"?set={p['first'].question_set.slug}",
    "compare CSV": lambda p: reverse("compare_csv") + f"?set={p['first'].question_set.slug}",
    "answers CSV": lambda p: (
        reverse("compare_detail_csv") + f"?set={p['first'].question_set.slug}"
    ),
    "grid, its table and chart data": grid,
    "candidate page": lambda p: reverse("candidate_detail", args=[p["first"].candidate_id]),
    "candidate export": lambda p: reverse("candidate_export", args=[p["first"].candidate_id]),
    "interview scorecards page": lambda p: reverse("interview_scorecards", args=[p["first"].pk]),
    "the draft's own page": lambda p: reverse("scorecard_detail", args=[p["draft"].pk]),
    "calibration page": lambda p: reverse("calibration"),
    "calibration interviewers CSV": lambda p: reverse("calibration_interviewers_csv"),
    "calibration agreement CSV": lambda p: reverse("calibration_agreement_csv"),
    "question analytics": lambda p: reverse(
        "question_analytics", args=[p["first"].question_set.slug]
    ),
    "API candidate results": lambda p: reverse(
        "api_candidate_results", args=[p["first"].candidate_id]
    ),
    "API candidate export": lambda p: reverse(
        "api_candidate_export", args=[p["first"].candidate_id]
    ),
    "API compare": lambda p: reverse("api_compare") + f"?set={p['first'].question_set.slug}",
    "API interview scorecards": lambda p: reverse(
        "api_interview_scorecards", args=[p["first"].pk]
    ),
    "API the draft's scorecard": lambda p: reverse("api_scorecard", args=[p["draft"].pk]),
    "API calibration": lambda p: reverse("api_calibration"),
}

# What differs between two readings of one page: the form token and the script nonce.
PER_REQUEST = re.compile(r'(name="csrfmiddlewaretoken" value|nonce)="[^"]*"')


def read(client, url):
    response = client.get(url)
    assert response.status_code in (200, 404), url
    content = response.getvalue().decode()
    if response["Content-Type"].startswith("application/json"):
        data = json.loads(content)
        if isinstance(data, dict):
            data.pop("exported_at", None)  # a candidate export says when it was made
        return response.status_code, data
    return response.status_code, PER_REQUEST.sub(r"\1", content)


def in_a_world_where(change, client, url):
    """What the surface shows after `change`, which is then undone."""
    with transaction.atomic():
        change()
        seen = read(client, url)
        transaction.set_rollback(True)
    return seen


@pytest.mark.parametrize("surface", SURFACES)
def test_a_colleagues_draft_is_on_no_managers_surface(client, panel, hiring_manager, surface):
    client.force_login(hiring_manager)
    url = SURFACES[surface](panel)
    draft = panel["draft"]

    def never_written():
        Scorecard.objects.filter(pk=draft.pk).delete()
        results.recompute_results()

    def submitted():
        services.submit_scorecard(
            scorecard=draft, recommendation=Recommendation.STRONG_NO, summary=draft.summary
        )

    with_draft = read(client, url)
    assert CANARY not in json.dumps(with_draft)
    assert with_draft == in_a_world_where(never_written, client, url)
    assert with_draft != in_a_world_where(submitted, client, url)
