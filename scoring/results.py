"""Everything that stores what is computed from submitted scorecards: each scorecard's score
and coverage, each candidate's result on a question set, and the tallies of submitted answers.

Results: a scorecard's score and coverage are stored on it when it is submitted or amended
(`store_results`), as nothing else can change them. A candidate's result on a question set
is stored as a CandidateResult row (`refresh_result`) from the moment an interview in the
set is scheduled, afresh whenever a scorecard is submitted or amended, a decision recorded
or reopened, an interview started, completed or cancelled, or a candidate erased; result
pages read those rows, and compare how many of a set's share their filtered values
(`ResultGroup`);
`recompute_results` rebuilds or checks them. The arithmetic is described in `selectors`.

Tallies of submitted answers are stored so that calibration and question analytics read a
row per scorecard, asked question or asked point instead of every rating and mark.
A submitted scorecard changes only when it is amended, and an asked question's answers only
when a scorecard of its interview is submitted or amended, so `store_tallies` runs in the
transaction of those two changes, from `store_results`, and nowhere else (cancelling an
interview or erasing a candidate keeps the ratings and marks). `fresh_tallies` holds the
arithmetic, for one interview when storing and for every one when `recompute_tallies`
rebuilds or checks them (`manage.py recompute_results`). The sums are added in rating order
in both, so a stored tally equals a fresh one exactly.
"""

import math
import statistics
from collections.abc import Iterable

from django.db import transaction
from django.db.models import Avg, Count, F, Max, Min, Q, QuerySet, Sum
from django.utils import timezone

from interviews.models import Candidate, Interview, InterviewPoint, InterviewQuestion

from . import calibration_sums, sums
from .models import (
    AnswerTally,
    CandidateResult,
    Decision,
    Mark,
    PointMark,
    PointTally,
    Rating,
    Recommendation,
    ResultGroup,
    Scorecard,
    StoredInterval,
    TopicMean,
)
from .selectors import DISAGREEMENT_SPREAD, rating_coverage, rating_point_counts


def store_results(scorecard: Scorecard) -> Scorecard:
    """Compute and store a scorecard's score and coverage from its ratings, its candidate's
    result on the question set, and the tallies of its interview's submitted answers
    (`store_tallies`): everything a submitted scorecard's change affects. Call it
    inside the transaction of the submit or amend."""
    results = Rating.objects.filter(scorecard=scorecard, score__isnull=False).aggregate(
        mean=Avg("score"), coverage=Avg(rating_coverage())
    )
    scorecard.score_mean = results["mean"]
    scorecard.coverage = results["coverage"]
    scorecard.save(update_fields=["score_mean", "coverage"])
    Rating.objects.filter(scorecard=scorecard).update(**rating_point_counts())
    interview = scorecard.interview
    refresh_result(candidate_id=interview.candidate_id, question_set_id=interview.question_set_id)
    store_tallies(scorecard)
    return scorecard


def fresh_results(
    *, candidate_ids: list[int] | None = None
) -> dict[tuple[int, int], CandidateResult]:
    """Results computed from the scorecards and ratings, as unsaved rows keyed by (candidate
    pk, question set pk), one for each set a candidate has an interview in: of the given
    candidates, or of everyone. The one place for a result's arithmetic, used to store
    results and to check stored ones."""
    interviews = Interview.objects.all()
    # Shadows' scorecards never count (Scorecard.shadow).
    scorecards = Scorecard.objects.counted().filter(score_mean__isnull=False)
    ratings = Rating.objects.filter(
        scorecard__submitted_at__isnull=False, scorecard__shadow=False, score__isnull=False
    )
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
    for candidate, question_set, status in (
        interviews.order_by().values_list("candidate", "question_set", "status").distinct()
    ):
        setattr(results[candidate, question_set], f"any_{status}", True)
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
    for key, grid in fresh_grids(candidate_ids=candidate_ids).items():
        results[key].grid = grid
    standing = Decision.objects.filter(ended_at__isnull=True)
    if candidate_ids is not None:
        standing = standing.filter(candidate__in=candidate_ids)
    outcomes = dict(standing.order_by().values_list("candidate", "outcome"))
    for (candidate, _), result in results.items():
        result.decision = outcomes.get(candidate)
    return results


def fresh_grids(*, candidate_ids: list[int] | None = None) -> dict[tuple[int, int], dict]:
    """The side-by-side grid's part of each result (CandidateResult.grid), keyed by
    (candidate pk, question set pk), from the submitted scorecards of the given candidates
    or of everyone: the panel, and each bank question's ratings, mean and skips. One query,
    a row per rating (or per scorecard without one); follow-ups have no bank question.
    Shadows' scorecards never count."""
    scorecards = Scorecard.objects.counted()
    if candidate_ids is not None:
        scorecards = scorecards.filter(interview__candidate__in=candidate_ids)
    grids, scores = {}, {}
    for candidate, question_set, interviewer, question, score, skipped in scorecards.order_by(
        "pk", "ratings__pk"
    ).values_list(
        "interview__candidate",
        "interview__question_set",
        "interviewer",
        "ratings__interview_question__question",
        "ratings__score",
        "ratings__skipped",
    ):
        grid = grids.setdefault((candidate, question_set), {"panel": set(), "cells": {}})
        grid["panel"].add(interviewer)
        if question is None:
            continue
        cell = grid["cells"].setdefault(str(question), {"ratings": {}, "skipped": 0})
        cell["ratings"][str(interviewer)] = score
        cell["skipped"] += bool(skipped)
        if score is not None:
            scores.setdefault((candidate, question_set, question), []).append(score)
    for (candidate, question_set), grid in grids.items():
        grid["panel"] = sorted(grid["panel"])
        for question, cell in grid["cells"].items():
            given = scores.get((candidate, question_set, int(question)))
            cell["mean"] = sum(given) / len(given) if given else None
    return grids


def refresh_result(*, candidate_id: int, question_set_id: int) -> CandidateResult | None:
    """Store a candidate's result on a question set afresh, with its topic means as rows
    (TopicMean), or remove it when they have no interview in the set. Call it inside the
    transaction of the change."""
    # Concurrent submissions for one candidate must not each store a result that misses
    # the other's scorecard: the candidate's row lock makes them take turns.
    list(Candidate.objects.select_for_update().filter(pk=candidate_id).values_list("pk"))
    # All of the candidate's sets: filtering on the set as well tempts SQLite's planner
    # (which has no statistics) to read the whole set through its index.
    fresh = fresh_results(candidate_ids=[candidate_id]).get((candidate_id, question_set_id))
    stored = CandidateResult.objects.filter(
        candidate_id=candidate_id, question_set_id=question_set_id
    )
    pk, *before = stored.values_list("pk", *GROUP_FIELDS).first() or [None]
    if fresh is None:
        if pk is not None:
            stored.delete()
            _add_to_group(question_set_id, before, -1)
        return None
    fresh.pk = pk
    after = [getattr(fresh, field) for field in GROUP_FIELDS]
    if fresh.pk is None:
        fresh.save(force_insert=True)
        _add_to_group(question_set_id, after, 1)
    else:
        values = {field: getattr(fresh, field) for field in RESULT_FIELDS}
        stored.update(**values, updated_at=timezone.now())
        TopicMean.objects.filter(result=fresh.pk).delete()
        if after != before:
            _add_to_group(question_set_id, before, -1)
            _add_to_group(question_set_id, after, 1)
    TopicMean.objects.bulk_create(topic_mean_rows(fresh))
    return fresh


# The values of a result that compare filters by: a set's results are counted by them.
GROUP_FIELDS = [
    "role_applied_for",
    "decision",
    "any_scheduled",
    "any_in_progress",
    "any_completed",
    "any_cancelled",
]


def _add_to_group(question_set_id: int, values: list, change: int) -> None:
    """Add `change` to the count of the set's results with these GROUP_FIELDS values
    (ResultGroup), to one of its rows, or to a new one if it has none."""
    group = dict(zip(GROUP_FIELDS, values, strict=True))
    rows = ResultGroup.objects.filter(question_set_id=question_set_id, **group)
    pk = rows.values_list("pk", flat=True).first()
    if pk is None:
        ResultGroup.objects.create(question_set_id=question_set_id, **group, results=change)
    else:
        ResultGroup.objects.filter(pk=pk).update(results=F("results") + change)


def store_result_groups() -> None:
    """Store the sets' result groups afresh (ResultGroup), from the stored results."""
    counted = (
        CandidateResult.objects.order_by()
        .values("question_set", *GROUP_FIELDS)
        .annotate(results=Count("pk"))
    )
    ResultGroup.objects.all().delete()
    ResultGroup.objects.bulk_create(
        ResultGroup(question_set_id=group.pop("question_set"), **group) for group in counted
    )


def topic_mean_rows(result: CandidateResult) -> list[TopicMean]:
    """A saved result's topic means as the rows compare sorts by (TopicMean)."""
    return [
        TopicMean(
            result_id=result.pk,
            question_set_id=result.question_set_id,
            topic_id=int(key.removeprefix("topic_")),
            candidate_id=result.candidate_id,
            name=result.name,
            mean=mean,
        )
        for key, mean in result.topic_means.items()
    ]


def refresh_results_of(candidate: Candidate) -> None:
    """Store afresh the candidate's result on every question set they were interviewed on:
    after their scorecards change, or their standing decision, name or role (which the
    results carry)."""
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
    "decision",
    "any_scheduled",
    "any_in_progress",
    "any_completed",
    "any_cancelled",
    "topic_means",
    "grid",
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
    fresh = fresh_results()
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
    # Each stored result's topic means as rows (TopicMean), against its fresh topic means.
    rows = {}
    for result, *values in TopicMean.objects.values_list(
        "result", "topic", "question_set", "candidate", "name", "mean"
    ):
        rows.setdefault(result, set()).add(tuple(values))
    for key in sorted(fresh.keys() & stored.keys()):
        expected = {
            (int(topic.removeprefix("topic_")), *key[::-1], fresh[key].name, mean)
            for topic, mean in fresh[key].topic_means.items()
        }
        found = rows.get(stored[key].pk, set())
        if not _same_rows(found, expected):
            differences.append(
                f"candidate {key[0]}, set {key[1]}: topic mean rows are {sorted(found)!r}, "
                f"not {sorted(expected)!r}"
            )
    # Each set's results counted by the values compare filters by, as the fresh ones are.
    counted = {
        tuple(row[:-1]): row[-1]
        for row in ResultGroup.objects.order_by()
        .values_list("question_set", *GROUP_FIELDS)
        .annotate(total=Sum("results"))
    }
    expected = {}
    for (_, question_set), result in fresh.items():
        key = (question_set, *(getattr(result, field) for field in GROUP_FIELDS))
        expected[key] = expected.get(key, 0) + 1
    for key in sorted(counted.keys() | expected.keys(), key=str):
        if counted.get(key, 0) != expected.get(key, 0):
            values = dict(zip(GROUP_FIELDS, key[1:], strict=True))
            differences.append(
                f"set {key[0]}, {values}: {counted.get(key, 0)} results counted, "
                f"not {expected.get(key, 0)}"
            )
    if not check and differences:
        with transaction.atomic():
            CandidateResult.objects.all().delete()
            created = CandidateResult.objects.bulk_create(fresh.values(), batch_size=batch_size)
            TopicMean.objects.bulk_create(
                (row for result in created for row in topic_mean_rows(result)),
                batch_size=batch_size,
            )
            store_result_groups()
    return differences


def _same_rows(found: set[tuple], expected: set[tuple]) -> bool:
    """Whether two sets of topic mean rows (topic, set, candidate, name, mean) are the same,
    their means within rounding."""
    if len(found) != len(expected):
        return False
    by_topic = {row[:-1]: row[-1] for row in found}
    return all(row[:-1] in by_topic and _same(by_topic[row[:-1]], row[-1]) for row in expected)


SCORECARD_FIELDS = [
    "question_count",
    "skipped_count",
    "scored_1",
    "scored_2",
    "scored_3",
    "scored_4",
    "points_expected",
    "points_marked",
]
ANSWER_FIELDS = [
    "interview_id",
    "question_id",
    "topic_id",
    "answers",
    "skipped",
    "scored_1",
    "scored_2",
    "scored_3",
    "scored_4",
    "paired",
    "x_sum",
    "xx_sum",
    "y_sum",
    "yy_sum",
    "xy_sum",
]
POINT_FIELDS = ["interview_id", "question_id", "position", "answers", "covered", "partial"]


def fresh_tallies(
    interviews: QuerySet[Interview] | None = None,
) -> tuple[dict[int, dict], dict[int, dict], dict[int, dict]]:
    """The tallies computed from the submitted scorecards of `interviews` (or of all): each
    submitted scorecard's, by pk, and each asked question's and asked point's, by the asked
    question's or point's pk, each as a dict of its fields (`tally`). Five queries.
    Shadows' scorecards are left out: they never count, so they have no tallies."""
    scorecards = Scorecard.objects.counted()
    if interviews is not None:
        scorecards = scorecards.filter(interview__in=interviews)
    return tally(
        sheets=scorecards.order_by("pk").values_list("pk", "interview", "interviewer"),
        asked=InterviewQuestion.objects.filter(interview__in=scorecards.values("interview"))
        .order_by("pk")
        .values_list("pk", "interview", "question", "topic", "added_by"),
        ratings=Rating.objects.filter(scorecard__in=scorecards.values("pk"))
        .order_by("pk")
        .values_list("pk", "scorecard", "interview_question", "score", "skipped"),
        points=InterviewPoint.objects.filter(
            interview_question__interview__in=scorecards.values("interview")
        )
        .order_by("pk")
        .values_list("pk", "interview_question", "position"),
        marks=PointMark.objects.filter(
            rating__scorecard__in=scorecards.values("pk"), rating__score__isnull=False
        ).values_list("rating", "point", "mark"),
    )


def tally(
    *,
    sheets: Iterable[tuple],
    asked: Iterable[tuple],
    ratings: Iterable[tuple],
    points: Iterable[tuple],
    marks: Iterable[tuple],
) -> tuple[dict[int, dict], dict[int, dict], dict[int, dict]]:
    """The arithmetic of `fresh_tallies`, over the rows it reads, each kind in pk order:
    counted submitted scorecards (pk, interview, interviewer); their interviews' asked
    questions (pk, interview, bank question, topic, follow-up author) and points (pk, asked
    question, position); their ratings (pk, scorecard, asked question, score, skipped); and
    the marks of the rated ones (rating, point, mark). Returns the scorecards' tallies and
    the answer and point tallies, as dicts of SCORECARD_FIELDS, ANSWER_FIELDS and
    POINT_FIELDS by pk. The bench passes the rows it writes, without reading them back."""
    ratings, points = list(ratings), list(points)
    points_of = {}
    for _, question, _ in points:
        points_of[question] = points_of.get(question, 0) + 1
    by_interview = {}
    sheet_tallies = {}
    for sheet in sheets:
        by_interview.setdefault(sheet[1], []).append(sheet)
        sheet_tallies[sheet[0]] = dict.fromkeys(SCORECARD_FIELDS, 0)
    # Each scorecard's plan: the interview's planned questions and its author's follow-ups.
    answer_tallies = {}
    for pk, interview, question, topic, added_by in asked:
        holders = [s for s in by_interview[interview] if added_by in (None, s[2])]
        for sheet in holders:
            sheet_tallies[sheet[0]]["question_count"] += 1
        if holders:
            answer_tallies[pk] = {
                "interview_id": interview,
                "question_id": question,
                "topic_id": topic,
                "answers": len(holders),
                **dict.fromkeys(ANSWER_FIELDS[4:], 0),
            }

    rated = {}  # scorecard pk: [count, sum] of its ratings
    for _, scorecard, _, score, _ in ratings:
        if score is not None:
            count_sum = rated.setdefault(scorecard, [0, 0])
            count_sum[0] += 1
            count_sum[1] += score
    marked = {}  # rating pk: its marks by point pk
    for rating, point, mark in marks:
        marked.setdefault(rating, {})[point] = mark
    rated_answers = {}  # asked question pk: its rated ratings' pks
    for pk, scorecard, question, score, skipped in ratings:
        sheet, answer = sheet_tallies[scorecard], answer_tallies[question]
        if skipped:
            sheet["skipped_count"] += 1
            answer["skipped"] += 1
        if score is None:
            continue
        rated_answers.setdefault(question, []).append(pk)
        sheet[f"scored_{score}"] += 1
        sheet["points_expected"] += points_of.get(question, 0)
        sheet["points_marked"] += len(marked.get(pk, {}))
        answer[f"scored_{score}"] += 1
        count, total = rated[scorecard]
        if count > 1:
            others = (total - score) / (count - 1)
            answer["paired"] += 1
            answer["x_sum"] += score
            answer["xx_sum"] += score * score
            answer["y_sum"] += others
            answer["yy_sum"] += others * others
            answer["xy_sum"] += score * others

    point_tallies = {}
    for pk, question, position in points:
        answer = answer_tallies.get(question)
        answered = rated_answers.get(question, [])
        if answer is None or answer["question_id"] is None or not answered:
            continue
        given = [marked.get(rating, {}).get(pk) for rating in answered]
        point_tallies[pk] = {
            "interview_id": answer["interview_id"],
            "question_id": answer["question_id"],
            "position": position,
            "answers": len(answered),
            "covered": given.count(Mark.COVERED),
            "partial": given.count(Mark.PARTIAL),
        }
    return sheet_tallies, answer_tallies, point_tallies


def store_tallies(scorecard: Scorecard) -> None:
    """Store the tallies of a scorecard just submitted or amended, and of its interview's
    asked questions and points. Call it inside the transaction of the change."""
    # Two panel members submitting at once take turns, so neither stores tallies that miss
    # the other's scorecard.
    interview = Interview.objects.select_for_update().filter(pk=scorecard.interview_id)
    list(interview.values_list("pk"))
    sheets, answers, points = fresh_tallies(interview)
    no_tallies = dict.fromkeys(SCORECARD_FIELDS, 0)  # a shadow's
    Scorecard.objects.filter(pk=scorecard.pk).update(**sheets.get(scorecard.pk, no_tallies))
    AnswerTally.objects.filter(interview=scorecard.interview_id).delete()
    AnswerTally.objects.bulk_create(answer_tallies(answers))
    PointTally.objects.filter(interview=scorecard.interview_id).delete()
    PointTally.objects.bulk_create(point_tallies(points))


def answer_tallies(answers: dict[int, dict]) -> list[AnswerTally]:
    return [AnswerTally(interview_question_id=pk, **fields) for pk, fields in answers.items()]


def point_tallies(points: dict[int, dict]) -> list[PointTally]:
    return [PointTally(point_id=pk, **fields) for pk, fields in points.items()]


def recompute_tallies(*, check: bool = False, batch_size: int = 2000) -> list[str]:
    """Compare every stored tally, and the calibration sums made of them
    (`sums.recompute_sums`), with a fresh computation and return the
    differences in words; unless `check`, also store the fresh ones, so that none remains."""
    sheets, answers, points = fresh_tallies()
    differences = []
    stored_sheets = Scorecard.objects.order_by("pk").values_list("pk", *SCORECARD_FIELDS)
    wrong_sheets = []
    for pk, *values in stored_sheets:
        # A draft has no tallies: its fields keep their defaults, 0.
        fresh = sheets.get(pk, dict.fromkeys(SCORECARD_FIELDS, 0))
        for field, value in zip(SCORECARD_FIELDS, values, strict=True):
            if value != fresh[field]:
                differences.append(f"scorecard {pk}: {field} is {value!r}, not {fresh[field]!r}")
        if [fresh[field] for field in SCORECARD_FIELDS] != values:
            wrong_sheets.append(Scorecard(pk=pk, **fresh))
    for label, model, fresh, fields in (
        ("asked question", AnswerTally, answers, ANSWER_FIELDS),
        ("asked point", PointTally, points, POINT_FIELDS),
    ):
        stored = {row[0]: row[1:] for row in model.objects.values_list("pk", *fields)}
        for pk in sorted(stored.keys() - fresh.keys()):
            differences.append(f"{label} {pk}: tallied but has no submitted answer")
        for pk in sorted(fresh.keys()):
            if pk not in stored:
                differences.append(f"{label} {pk}: tally missing")
                continue
            for field, value in zip(fields, stored[pk], strict=True):
                if value != fresh[pk][field]:
                    differences.append(
                        f"{label} {pk}: {field} is {value!r}, not {fresh[pk][field]!r}"
                    )
    # Each submitted answer's counts of its marks, against the same expressions.
    counts = rating_point_counts()
    submitted = Rating.objects.filter(scorecard__submitted_at__isnull=False)
    wrong_answers = []
    for pk, *values in (
        submitted.annotate(**{f"fresh_{field}": value for field, value in counts.items()})
        .order_by("pk")
        .values_list("pk", *counts, *(f"fresh_{field}" for field in counts))
    ):
        stored, fresh = values[: len(counts)], values[len(counts) :]
        for field, value, expected in zip(counts, stored, fresh, strict=True):
            if value != expected:
                differences.append(f"answer {pk}: {field} is {value!r}, not {expected!r}")
                wrong_answers.append(pk)
    if not check and differences:
        with transaction.atomic():
            submitted.filter(pk__in=wrong_answers).update(**counts)
            Scorecard.objects.bulk_update(wrong_sheets, SCORECARD_FIELDS, batch_size=batch_size)
            AnswerTally.objects.all().delete()
            AnswerTally.objects.bulk_create(answer_tallies(answers), batch_size=batch_size)
            PointTally.objects.all().delete()
            PointTally.objects.bulk_create(point_tallies(points), batch_size=batch_size)
    # The calibration page's sums are made of the tallies: checked once those are right,
    # rebuilt after them.
    if check and differences:
        return differences
    return differences + sums.recompute_sums(check=check)


def recompute_intervals(*, check: bool = False) -> list[str]:
    """Compare the stored bootstrap intervals of the calibration page as it opens (every
    submitted scorecard) with a fresh computation, and return the differences in words;
    unless `check`, also drop every stored interval (those of filters or sums no page reads
    any more) and store that page's afresh. Stored under a digest of the revisions of the
    sums they are computed from (`calibration_sums`), they differ only if the arithmetic
    changed since."""
    asked = {}

    def fresh_intervals(wanted, compute):
        fresh = compute()
        asked.update({digest: fresh.get(key) for digest, key in wanted.items()})
        return fresh

    calibration_sums.interviewer_figures(read_intervals=fresh_intervals)
    calibration_sums.agreement_figures(read_intervals=fresh_intervals)
    differences = []
    for digest, low, high in StoredInterval.objects.filter(digest__in=list(asked)).values_list(
        "digest", "low", "high"
    ):
        stored = None if low is None else (low, high)
        if stored != asked[digest]:
            differences.append(f"calibration interval {digest}: {stored!r}, not {asked[digest]!r}")
    if not check:
        today = timezone.localdate()
        with transaction.atomic():
            StoredInterval.objects.all().delete()
            StoredInterval.objects.bulk_create(
                StoredInterval(
                    digest=digest,
                    low=(found or (None, None))[0],
                    high=(found or (None, None))[1],
                    used_on=today,
                )
                for digest, found in asked.items()
            )
    return sorted(differences)
