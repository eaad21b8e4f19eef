"""Seeded benchmark data, written with a few bulk statements: N candidates, each with one
completed interview on the junior backend set (24 questions) and a submitted scorecard from
each of three interviewers (one rates higher, one lower), submitted within two days of the
interview, every question rated but about one in 30 skipped, and about half the points
marked; one candidate in 25 is only scheduled; two in three of the others decided. Plus one
open interview for the live page."""

import random
from datetime import timedelta

from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group, User
from django.core.management import call_command
from django.db import transaction
from django.db.models import Avg, OuterRef, Subquery
from django.utils import timezone

from bench import INTERVIEWERS, MANAGER, PASSWORD
from config import roles
from interviews.models import Candidate, Interview, InterviewPoint, InterviewQuestion
from questions.models import Question, QuestionSet
from scoring import results, selectors
from scoring.models import Debrief, Decision, Mark, PointMark, Rating, Scorecard

SET_SLUG = "junior-backend-developer"
ROLES = ["Backend Developer", "Platform Engineer", "Data Engineer"]
SURNAMES = ["Okafor", "Tanaka", "Fischer", "Rossi", "Raman", "Becker", "Martin", "Kumar"]
BATCH = 250  # candidates written per round of statements
# Added to each interviewer's ratings, so that calibration has someone to flag.
LENIENCY = [0.4, 0.0, -0.4]
SKIPPED = 1 / 30


def generate(size: int, *, seed: int = 10) -> dict:
    """Write the data for `size` candidates into an empty, migrated database and return what
    the benchmark needs to address it (ids and names)."""
    rng = random.Random(seed)
    call_command("loaddata", "-v", "0", "junior-backend-developer", "backend-developer")
    question_set = QuestionSet.objects.get(slug=SET_SLUG)
    questions = list(Question.objects.filter(question_set=question_set, is_active=True))
    password = make_password(PASSWORD)
    manager = User.objects.create(username=MANAGER, password=password)
    manager.groups.add(Group.objects.get(name=roles.HIRING_MANAGER))
    interviewers = [User.objects.create(username=name, password=password) for name in INTERVIEWERS]
    Group.objects.get(name=roles.INTERVIEWER).user_set.add(*interviewers)
    start = timezone.now() - timedelta(days=365)

    for first in range(0, size, BATCH):
        with transaction.atomic():
            _write_batch(
                rng,
                range(first, min(size, first + BATCH)),
                question_set,
                questions,
                interviewers,
                start,
            )
    # The scorecards' scores as submit_scorecard stores them, for all at once.
    rated = Rating.objects.filter(scorecard=OuterRef("pk"), score__isnull=False).order_by()
    Scorecard.objects.filter(submitted_at__isnull=False).update(
        score_mean=Subquery(rated.values("scorecard").annotate(v=Avg("score")).values("v")),
        coverage=Subquery(
            rated.values("scorecard").annotate(v=Avg(selectors.rating_coverage())).values("v")
        ),
    )

    live_candidate = Candidate.objects.create(name="Live Candidate", email="live@example.com")
    live = _interview(live_candidate, question_set, start, Interview.Status.SCHEDULED)
    live.save()
    live.interviewers.set(interviewers)
    InterviewQuestion.snapshot((live, position, q) for position, q in enumerate(questions, 1))
    results.recompute_results()
    results.recompute_tallies()  # as submit_scorecard stores them, for all at once
    graded = list(
        Candidate.objects.filter(results__scorecard_count__gt=0)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    # Two in three graded candidates decided, each loop's debrief opened at its interview.
    outcomes = [Decision.Outcome.HIRE, Decision.Outcome.NO_HIRE, None]
    Debrief.objects.bulk_create(Debrief(candidate_id=pk, opened_at=start) for pk in graded)
    Decision.objects.bulk_create(
        Decision(
            candidate_id=pk,
            outcome=outcomes[index % 3],
            rationale="Decided in the debrief.",
            decided_by=manager,
            decided_at=start,
        )
        for index, pk in enumerate(graded)
        if outcomes[index % 3]
    )
    return {
        "set": SET_SLUG,
        "role": ROLES[0],
        "topic": selectors.topic_column(questions[0].topic).replace("_", "-"),
        "candidate": graded[len(graded) // 2],
        "grid": graded[:3],
        "live": live.pk,
        "live_question": live.questions.order_by("position").first().pk,
        "answers": Rating.objects.filter(scorecard__submitted_at__isnull=False).count(),
    }


def _interview(candidate, question_set, start, status):
    return Interview(
        candidate=candidate,
        question_set=question_set,
        stage="Technical interview",
        scheduled_at=start + timedelta(hours=candidate.pk),
        status=status,
        completed_at=start + timedelta(hours=candidate.pk, minutes=60)
        if status == Interview.Status.COMPLETED
        else None,
        created_by=None,
    )


def _write_batch(rng, numbers, question_set, questions, interviewers, start):
    candidates = Candidate.objects.bulk_create(
        Candidate(
            name=f"{rng.choice(SURNAMES)} {number:05}",
            email=f"candidate{number}@example.com",
            role_applied_for=rng.choice(ROLES),
        )
        for number in numbers
    )
    scheduled_only = {c.pk for c in candidates if rng.random() < 0.04}
    interviews = Interview.objects.bulk_create(
        _interview(
            c,
            question_set,
            start,
            Interview.Status.SCHEDULED if c.pk in scheduled_only else Interview.Status.COMPLETED,
        )
        for c in candidates
    )
    Interview.interviewers.through.objects.bulk_create(
        Interview.interviewers.through(interview_id=i.pk, user_id=u.pk)
        for i in interviews
        for u in interviewers
    )
    asked = InterviewQuestion.snapshot(
        (interview, position, question)
        for interview in interviews
        for position, question in enumerate(questions, 1)
    )
    asked_points = InterviewPoint.objects.filter(interview_question__in=asked).order_by("pk")
    points_of = {}
    for point in asked_points:
        points_of.setdefault(point.interview_question_id, []).append(point)
    asked_of = {}
    for iq in asked:
        asked_of.setdefault(iq.interview_id, []).append(iq)

    submitted = [i for i in interviews if i.candidate_id not in scheduled_only]
    ability = {i.pk: rng.uniform(1.2, 3.8) for i in submitted}
    scorecards = Scorecard.objects.bulk_create(
        Scorecard(
            interview=interview,
            interviewer=interviewer,
            recommendation=min(4, max(1, round(ability[interview.pk] + rng.uniform(-1, 1)))),
            summary="Seeded by the benchmark.",
            submitted_at=interview.completed_at + timedelta(hours=rng.uniform(0, 48)),
        )
        for interview in submitted
        for interviewer in interviewers
    )
    leniency = {user.pk: bias for user, bias in zip(interviewers, LENIENCY, strict=True)}

    def rate(scorecard, iq):
        if rng.random() < SKIPPED:
            return Rating(scorecard=scorecard, interview_question=iq, skipped=True)
        score = ability[scorecard.interview_id] + leniency[scorecard.interviewer_id]
        return Rating(
            scorecard=scorecard,
            interview_question=iq,
            score=min(4, max(1, round(score + rng.gauss(0, 0.7)))),
            notes=rng.choice(["", "Clear, with an example.", "Needed prompting on the why."]),
        )

    ratings = Rating.objects.bulk_create(
        rate(scorecard, iq) for scorecard in scorecards for iq in asked_of[scorecard.interview_id]
    )
    PointMark.objects.bulk_create(
        PointMark(rating=rating, point=point, mark=rng.choice(Mark.values))
        for rating in ratings
        if not rating.skipped
        for point in points_of.get(rating.interview_question_id, [])
        if rng.random() < 0.5
    )
