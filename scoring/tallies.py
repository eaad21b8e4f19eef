"""Tallies of submitted answers, stored so that calibration and question analytics read a row
per scorecard, asked question or asked point instead of every rating and mark.

A submitted scorecard changes only when it is amended, and an asked question's answers only
when a scorecard of its interview is submitted or amended, so `store_tallies` runs in the
transaction of those two changes, from `selectors.store_results`, and nowhere else
(cancelling an interview or erasing a candidate keeps the ratings and marks).
`fresh_tallies` holds the arithmetic, for one interview when storing and for every one when
`recompute_tallies` rebuilds or checks them (`manage.py recompute_results`). The sums are
added in rating order in both, so a stored tally equals a fresh one exactly.
"""

from django.db import transaction
from django.db.models import QuerySet

from interviews.models import Interview, InterviewPoint, InterviewQuestion

from .models import AnswerTally, Mark, PointMark, PointTally, Rating, Scorecard

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
) -> tuple[dict[int, dict], dict[int, AnswerTally], dict[int, PointTally]]:
    """The tallies computed from the submitted scorecards of `interviews` (or of all): each
    submitted scorecard's, by pk, as a dict of its fields; and unsaved answer and point
    tallies, by asked question and asked point pk. Five queries."""
    scorecards = Scorecard.objects.filter(submitted_at__isnull=False)
    if interviews is not None:
        scorecards = scorecards.filter(interview__in=interviews)
    sheets = list(scorecards.order_by("pk").values_list("pk", "interview", "interviewer"))
    asked = list(
        InterviewQuestion.objects.filter(interview__in=scorecards.values("interview"))
        .order_by("pk")
        .values_list("pk", "interview", "question", "topic", "added_by")
    )
    ratings = list(
        Rating.objects.filter(scorecard__in=scorecards.values("pk"))
        .order_by("pk")
        .values_list("pk", "scorecard", "interview_question", "score", "skipped")
    )
    points = list(
        InterviewPoint.objects.filter(
            interview_question__interview__in=scorecards.values("interview")
        )
        .order_by("pk")
        .values_list("pk", "interview_question", "position")
    )
    marks = list(
        PointMark.objects.filter(
            rating__scorecard__in=scorecards.values("pk"), rating__score__isnull=False
        ).values_list("rating", "point", "mark")
    )

    points_of = {}
    for _, question, _ in points:
        points_of[question] = points_of.get(question, 0) + 1
    by_interview = {}
    for sheet in sheets:
        by_interview.setdefault(sheet[1], []).append(sheet)
    # Each scorecard's plan: the interview's planned questions and its author's follow-ups.
    sheet_tallies = {pk: dict.fromkeys(SCORECARD_FIELDS, 0) for pk, *_ in sheets}
    answer_tallies = {}
    for pk, interview, question, topic, added_by in asked:
        holders = [s for s in by_interview[interview] if added_by in (None, s[2])]
        for sheet in holders:
            sheet_tallies[sheet[0]]["question_count"] += 1
        if holders:
            answer_tallies[pk] = AnswerTally(
                interview_question_id=pk,
                interview_id=interview,
                question_id=question,
                topic_id=topic,
                answers=len(holders),
                **dict.fromkeys(ANSWER_FIELDS[4:], 0),
            )

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
            answer.skipped += 1
        if score is None:
            continue
        rated_answers.setdefault(question, []).append(pk)
        sheet[f"scored_{score}"] += 1
        sheet["points_expected"] += points_of.get(question, 0)
        sheet["points_marked"] += len(marked.get(pk, {}))
        setattr(answer, f"scored_{score}", getattr(answer, f"scored_{score}") + 1)
        count, total = rated[scorecard]
        if count > 1:
            others = (total - score) / (count - 1)
            answer.paired += 1
            answer.x_sum += score
            answer.xx_sum += score * score
            answer.y_sum += others
            answer.yy_sum += others * others
            answer.xy_sum += score * others

    point_tallies = {}
    for pk, question, position in points:
        answer = answer_tallies.get(question)
        answered = rated_answers.get(question, [])
        if answer is None or answer.question_id is None or not answered:
            continue
        given = [marked.get(rating, {}).get(pk) for rating in answered]
        point_tallies[pk] = PointTally(
            point_id=pk,
            interview_id=answer.interview_id,
            question_id=answer.question_id,
            position=position,
            answers=len(answered),
            covered=given.count(Mark.COVERED),
            partial=given.count(Mark.PARTIAL),
        )
    return sheet_tallies, answer_tallies, point_tallies


def store_tallies(scorecard: Scorecard) -> None:
    """Store the tallies of a scorecard just submitted or amended, and of its interview's
    asked questions and points. Call it inside the transaction of the change."""
    # Two panel members submitting at once take turns, so neither stores tallies that miss
    # the other's scorecard.
    interview = Interview.objects.select_for_update().filter(pk=scorecard.interview_id)
    list(interview.values_list("pk"))
    sheets, answers, points = fresh_tallies(interview)
    Scorecard.objects.filter(pk=scorecard.pk).update(**sheets[scorecard.pk])
    AnswerTally.objects.filter(interview=scorecard.interview_id).delete()
    AnswerTally.objects.bulk_create(answers.values())
    PointTally.objects.filter(interview=scorecard.interview_id).delete()
    PointTally.objects.bulk_create(points.values())


def recompute_tallies(*, check: bool = False, batch_size: int = 2000) -> list[str]:
    """Compare every stored tally with a fresh computation and return the differences in
    words; unless `check`, also store the fresh tallies, so that none remains."""
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
                if value != getattr(fresh[pk], field):
                    differences.append(
                        f"{label} {pk}: {field} is {value!r}, not {getattr(fresh[pk], field)!r}"
                    )
    if not check and differences:
        with transaction.atomic():
            Scorecard.objects.bulk_update(wrong_sheets, SCORECARD_FIELDS, batch_size=batch_size)
            for model, fresh in ((AnswerTally, answers), (PointTally, points)):
                model.objects.all().delete()
                model.objects.bulk_create(fresh.values(), batch_size=batch_size)
    return differences
