"""Scores, coverage and candidate results, computed by the database.

- A rating's coverage is Σ weight·value / Σ weight over its question's expected points, with
  covered 1, partial ½ and missed or unmarked 0 (a mark stores twice the value).
- A scorecard's score is its mean rating over rated questions; its coverage is the mean
  coverage of its rated questions that have expected points. Both are stored on the scorecard
  when it is submitted or amended (`store_results`), as nothing else can change them.
- A candidate's result on a question set gives each submitted scorecard equal weight: mean,
  median and spread (max − min) of the scorecard scores, the recommendation tally, mean
  coverage, and the mean rating per topic over the submitted ratings of that topic's
  questions. It is stored as a CandidateResult row (`refresh_result`) from the moment an
  interview in the set is scheduled, afresh whenever a scorecard is submitted or amended and
  when an interview is cancelled or a candidate erased; result pages read those rows;
  `recompute_results` rebuilds or checks them.
"""

import math
import statistics
from collections.abc import Iterator

from django.db import connections, transaction
from django.db.models import (
    Avg,
    Count,
    F,
    FloatField,
    Max,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
)
from django.db.models.functions import Cast, Coalesce
from django.utils import timezone

from interviews.models import Candidate, Interview, InterviewPoint
from questions.models import QuestionSet, Topic

from . import tallies
from .models import CandidateResult, PointMark, Rating, Recommendation, Scorecard

DISAGREEMENT_SPREAD = 1.5


def single(queryset, group_by, aggregate):
    """A subquery yielding one aggregate for the outer row."""
    return Subquery(
        queryset.order_by().values(group_by).annotate(result=aggregate).values("result")[:1]
    )


def rating_coverage():
    """Coverage of a rating, for a Rating queryset; None for a question without points."""
    total = single(
        InterviewPoint.objects.filter(interview_question=OuterRef("interview_question")),
        "interview_question",
        Sum("weight"),
    )
    earned = single(
        PointMark.objects.filter(rating=OuterRef("pk")),
        "rating",
        Sum(F("mark") * F("point__weight")),
    )
    return Cast(Coalesce(earned, 0), FloatField()) / Cast(total * 2, FloatField())


def with_coverage(ratings: QuerySet[Rating]) -> QuerySet[Rating]:
    return ratings.annotate(coverage=rating_coverage())


def store_results(scorecard: Scorecard) -> Scorecard:
    """Compute and store a scorecard's score and coverage from its ratings, its candidate's
    result on the question set, and the tallies of its interview's submitted answers
    (`tallies.store_tallies`): everything a submitted scorecard's change affects. Call it
    inside the transaction of the submit or amend."""
    results = Rating.objects.filter(scorecard=scorecard, score__isnull=False).aggregate(
        mean=Avg("score"), coverage=Avg(rating_coverage())
    )
    scorecard.score_mean = results["mean"]
    scorecard.coverage = results["coverage"]
    scorecard.save(update_fields=["score_mean", "coverage"])
    interview = scorecard.interview
    refresh_result(candidate_id=interview.candidate_id, question_set_id=interview.question_set_id)
    tallies.store_tallies(scorecard)
    return scorecard


def topic_means(ratings: QuerySet[Rating]) -> list[dict]:
    """Mean rating per topic over rated answers, in topic order."""
    return list(
        ratings.filter(score__isnull=False)
        .values("interview_question__topic__name")
        .annotate(mean=Avg("score"), count=Count("pk"))
        .order_by("interview_question__topic__position", "interview_question__topic__name")
        .values("interview_question__topic__name", "mean", "count")
    )


def _fresh_results(
    *, candidate_ids: list[int] | None = None
) -> dict[tuple[int, int], CandidateResult]:
    """Results computed from the scorecards and ratings, as unsaved rows keyed by (candidate
    pk, question set pk), one for each set a candidate has an interview in: of the given
    candidates, or of everyone. The one place for a result's arithmetic, used to store
    results and to check stored ones."""
    interviews = Interview.objects.all()
    scorecards = Scorecard.objects.filter(submitted_at__isnull=False, score_mean__isnull=False)
    ratings = Rating.objects.filter(scorecard__submitted_at__isnull=False, score__isnull=False)
    if candidate_ids is not None:
        interviews = interviews.filter(candidate__in=candidate_ids)
        scorecards = scorecards.filter(interview__candidate__in=candidate_ids)
        ratings = ratings.filter(scorecard__interview__candidate__in=candidate_ids)
    pair = ("interview__candidate", "interview__question_set")

    def recommended(value):
        return Count("pk", filter=Q(recommendation=value))

    results = {
        (candidate, question_set): CandidateResult(
            candidate_id=candidate,
            question_set_id=question_set,
            name=name,
            role_applied_for=role,
            scorecard_count=0,
            strong_no=0,
            no=0,
            yes=0,
            strong_yes=0,
            net_votes=0,
            split_decision=False,
            disagreement=False,
            topic_means={},
        )
        for candidate, question_set, name, role in interviews.order_by()
        .values_list("candidate", "question_set", "candidate__name", "candidate__role_applied_for")
        .distinct()
    }
    for row in (
        scorecards.order_by()
        .values(*pair)
        .annotate(
            scorecard_count=Count("pk"),
            mean=Avg("score_mean"),
            lowest=Min("score_mean"),
            highest=Max("score_mean"),
            coverage=Avg("coverage"),
            strong_no=recommended(Recommendation.STRONG_NO),
            no=recommended(Recommendation.NO),
            yes=recommended(Recommendation.YES),
            strong_yes=recommended(Recommendation.STRONG_YES),
        )
    ):
        result = results[row.pop(pair[0]), row.pop(pair[1])]
        for field, value in row.items():
            setattr(result, field, value)
        result.spread = result.highest - result.lowest
        result.net_votes = result.yes + result.strong_yes - result.no - result.strong_no
        result.split_decision = (result.strong_no + result.no) > 0 and (
            result.yes + result.strong_yes
        ) > 0
        result.disagreement = result.split_decision or result.spread >= DISAGREEMENT_SPREAD
    # SQLite has no ordered aggregate, so the median is taken here, from the scores in order.
    scores = {}
    for *key, score in scorecards.order_by().values_list(*pair, "score_mean"):
        scores.setdefault(tuple(key), []).append(score)
    for key, values in scores.items():
        results[key].median = statistics.median(values)
    for candidate, question_set, topic, mean in (
        ratings.order_by()
        .values_list(
            "scorecard__interview__candidate",
            "scorecard__interview__question_set",
            "interview_question__topic",
        )
        .annotate(mean=Avg("score"))
    ):
        results[candidate, question_set].topic_means[f"topic_{topic}"] = mean
    return results


def refresh_result(*, candidate_id: int, question_set_id: int) -> CandidateResult | None:
    """Store a candidate's result on a question set afresh, or remove it when they have no
    interview in the set. Call it inside the transaction of the change."""
    # Concurrent submissions for one candidate must not each store a result that misses
    # the other's scorecard: the candidate's row lock makes them take turns.
    list(Candidate.objects.select_for_update().filter(pk=candidate_id).values_list("pk"))
    # All of the candidate's sets: filtering on the set as well tempts SQLite's planner
    # (which has no statistics) to read the whole set through its index.
    fresh = _fresh_results(candidate_ids=[candidate_id]).get((candidate_id, question_set_id))
    stored = CandidateResult.objects.filter(
        candidate_id=candidate_id, question_set_id=question_set_id
    )
    if fresh is None:
        stored.delete()
        return None
    values = {field: getattr(fresh, field) for field in RESULT_FIELDS}
    if not stored.update(**values, updated_at=timezone.now()):
        fresh.save(force_insert=True)
    return fresh


def refresh_results_of(candidate: Candidate) -> None:
    """Store afresh the candidate's result on every question set they were interviewed on:
    after their scorecards change, or their name or role (which the results carry)."""
    for question_set_id in (
        Interview.objects.filter(candidate=candidate)
        .order_by()
        .values_list("question_set", flat=True)
        .distinct()
    ):
        refresh_result(candidate_id=candidate.pk, question_set_id=question_set_id)


RESULT_FIELDS = [
    "name",
    "role_applied_for",
    "scorecard_count",
    "mean",
    "median",
    "lowest",
    "highest",
    "spread",
    "coverage",
    "strong_no",
    "no",
    "yes",
    "strong_yes",
    "net_votes",
    "split_decision",
    "disagreement",
    "topic_means",
]


def _same(stored, fresh) -> bool:
    if isinstance(stored, float) and isinstance(fresh, float):
        # The same sum of floats may round differently in the two databases' engines.
        return math.isclose(stored, fresh, rel_tol=1e-9, abs_tol=1e-12)
    if isinstance(stored, dict) and isinstance(fresh, dict):
        return stored.keys() == fresh.keys() and all(_same(stored[k], fresh[k]) for k in stored)
    return stored == fresh


def recompute_results(*, check: bool = False, batch_size: int = 500) -> list[str]:
    """Compare every stored result with a fresh computation and return the differences in
    words; unless `check`, also store the fresh results, so that none remains."""
    differences = []
    fresh = _fresh_results()
    stored = {(r.candidate_id, r.question_set_id): r for r in CandidateResult.objects.all()}
    for key in sorted(stored.keys() - fresh.keys()):
        differences.append(f"candidate {key[0]}, set {key[1]}: stored but has no interview")
    for key in sorted(fresh.keys()):
        if key not in stored:
            differences.append(f"candidate {key[0]}, set {key[1]}: missing")
            continue
        for field in RESULT_FIELDS:
            before, after = getattr(stored[key], field), getattr(fresh[key], field)
            if not _same(before, after):
                differences.append(
                    f"candidate {key[0]}, set {key[1]}: {field} is {before!r}, not {after!r}"
                )
    if not check and differences:
        with transaction.atomic():
            CandidateResult.objects.all().delete()
            CandidateResult.objects.bulk_create(fresh.values(), batch_size=batch_size)
    return differences


def person_name(first_name: str, last_name: str, username: str) -> str:
    """How pages name a person read as plain columns: their full name, or their username
    without one (as `get_full_name|default:username` in templates)."""
    return f"{first_name} {last_name}".strip() or username


def topic_column(topic: Topic) -> str:
    return f"topic_{topic.pk}"


ROLES_SQL = """
WITH RECURSIVE roles(role) AS (
    SELECT MIN(role_applied_for) FROM {table}
    WHERE question_set_id = %s AND role_applied_for > ''
    UNION ALL
    SELECT (
        SELECT MIN(role_applied_for) FROM {table}
        WHERE question_set_id = %s AND role_applied_for > roles.role
    )
    FROM roles WHERE roles.role IS NOT NULL
)
SELECT role FROM roles WHERE role IS NOT NULL
"""


def roles_applied_for(question_set: QuestionSet) -> list[str]:
    """The roles the candidates with an interview in the set applied for, in order. Read
    from the stored results' (question set, role) index a step from each role to the next,
    one probe per role: a DISTINCT would read every candidate's entry."""
    with connections[CandidateResult.objects.db].cursor() as cursor:
        cursor.execute(
            ROLES_SQL.format(table=CandidateResult._meta.db_table), [question_set.pk] * 2
        )
        return [role for (role,) in cursor.fetchall()]


def disagreement_reasons(candidate: Candidate) -> list[str]:
    """Why an annotated candidate's result is flagged, in words."""
    reasons = []
    if candidate.split_decision:
        reasons.append("the recommendations fall on both sides of hire")
    if candidate.spread is not None and candidate.spread >= DISAGREEMENT_SPREAD:
        reasons.append(
            f"the scorecard scores are {candidate.spread:.2f} apart "
            f"(flagged from {DISAGREEMENT_SPREAD})"
        )
    return reasons


def results_of(candidate: Candidate) -> tuple[list[CandidateResult], list[Topic]]:
    """A candidate's stored results with a submitted scorecard, one per question set (by
    title), each with its disagreement reasons, and the topics their topic means name."""
    results = list(
        CandidateResult.objects.filter(candidate=candidate, scorecard_count__gt=0)
        .select_related("question_set")
        .order_by("question_set__title", "question_set")
    )
    topics = list(
        Topic.objects.filter(
            pk__in={int(key.removeprefix("topic_")) for r in results for key in r.topic_means}
        )
    )
    for result in results:
        result.reasons = disagreement_reasons(result)
    return results, topics


ANSWERS_SQL = """
SELECT c.name, c.role_applied_for, i.stage, iq.position, iq.follow_up_number, iq.prompt,
       t.name, u.username, r.score, r.skipped,
       CAST(COALESCE(a.earned, 0) AS DOUBLE PRECISION) / (2 * q.weight),
       COALESCE(q.points, 0), COALESCE(a.covered, 0), COALESCE(a.partial, 0),
       COALESCE(a.missed, 0), r.notes
FROM scoring_rating r
JOIN scoring_scorecard s ON s.id = r.scorecard_id
JOIN interviews_interview i ON i.id = s.interview_id
JOIN interviews_candidate c ON c.id = i.candidate_id
JOIN (SELECT id, ROW_NUMBER() OVER (ORDER BY name, id) AS place FROM interviews_candidate) cp
    ON cp.id = c.id
JOIN interviews_interviewquestion iq ON iq.id = r.interview_question_id
JOIN questions_topic t ON t.id = iq.topic_id
JOIN auth_user u ON u.id = s.interviewer_id
LEFT JOIN (
    SELECT p.interview_question_id, COUNT(*) AS points, SUM(p.weight) AS weight
    FROM interviews_interviewpoint p
    JOIN interviews_interviewquestion pq ON pq.id = p.interview_question_id
    JOIN interviews_interview pi ON pi.id = pq.interview_id
    WHERE pi.question_set_id = %s
    GROUP BY p.interview_question_id
) q ON q.interview_question_id = r.interview_question_id
LEFT JOIN (
    SELECT m.rating_id,
           SUM(CASE WHEN m.mark = 2 THEN 1 ELSE 0 END) AS covered,
           SUM(CASE WHEN m.mark = 1 THEN 1 ELSE 0 END) AS partial,
           SUM(CASE WHEN m.mark = 0 THEN 1 ELSE 0 END) AS missed,
           SUM(m.mark * p.weight) AS earned
    FROM scoring_pointmark m
    JOIN interviews_interviewpoint p ON p.id = m.point_id
    JOIN scoring_rating mr ON mr.id = m.rating_id
    JOIN scoring_scorecard ms ON ms.id = mr.scorecard_id
    JOIN interviews_interview mi ON mi.id = ms.interview_id
    WHERE mi.question_set_id = %s
    GROUP BY m.rating_id
) a ON a.rating_id = r.id
WHERE s.submitted_at IS NOT NULL AND i.question_set_id = %s {candidates}
ORDER BY cp.place, i.scheduled_at, i.id, iq.position, iq.follow_up_number, u.username
"""


def answer_rows(
    *, question_set: QuestionSet, candidates: QuerySet | None = None
) -> Iterator[tuple]:
    """Every submitted answer on the set (of `candidates`, a query of their pks, if given),
    one tuple each, in candidate, interview, question and interviewer order: name, role,
    interview stage, question position and follow-up number, prompt, topic, interviewer,
    score, skipped, coverage, expected points, covered, partial, missed, notes.

    The points and marks are counted once per question and answer in two grouped tables
    and joined: counting them in subqueries per answer costs seconds at a few hundred
    thousand answers, as does grouping the wide rows themselves. The candidates are put in
    name order once (`cp.place`), not compared by name for every answer. Rows are fetched in
    chunks, from a server-side cursor on PostgreSQL; call this inside a transaction."""
    where, params = "", [question_set.pk] * 3
    if candidates is not None:
        subquery, subquery_params = candidates.order_by().query.sql_with_params()
        where, params = f"AND c.id IN ({subquery})", params + list(subquery_params)
    with connections[Candidate.objects.db].chunked_cursor() as cursor:
        cursor.execute(ANSWERS_SQL.format(candidates=where), params)
        while rows := cursor.fetchmany(2000):
            yield from rows
