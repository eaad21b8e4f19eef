"""Question analytics at page speed: the stored answer and point tallies added up per bank
question (and the version of it asked) and day or month (QuestionSum, PointSum), so that
the page reads a row per question and month whatever the number of answers.

Everything on the page adds up: counts, the sums behind means and discrimination, the
probable-leak rule's per-interview leads, first and last asked; and the candidates asked
within a window, counted on the day of each candidate's latest interview asking the
question (a candidate asked since a day was last asked on or after it). The windows are
whole days: from the day `days` before today, as calibration.exposure_of counts them.

Stored afresh with the calibration sums, in the same transaction (`refresh_questions`,
from sums.refresh_sums: every day a candidate was interviewed on, as their latest interview
moves their count); rebuilt or checked with them (sums.recompute_sums). The leak rule's
bootstrap intervals are stored under the revisions of the question's rows and the window's
first day, computed on a miss by calibration.leak_figures."""

import datetime

from django.db.models import Count, F, Max, Min, OuterRef, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Cast, Coalesce, NullIf, TruncDate
from django.utils import timezone

from interviews.models import Interview
from questions.models import AnswerPoint, HistoricalQuestion, Question, QuestionSet

from .calibration import (
    EXPOSURE_WINDOWS,
    LEAK_WINDOW_DAYS,
    RESAMPLES,
    SCORES,
    Exposure,
    LeakFigures,
    PointAnalytics,
    QuestionAnalytics,
    VersionFigures,
    correlation,
    leak_figures,
    question_flags,
)
from .calibration_sums import (
    _day,
    _digest,
    _fingerprint,
    _key_q,
    _month,
    _month_days,
    _next_month,
    _read,
    _store,
    recompute,
    span_filter,
    stored_intervals,
)
from .models import AnswerTally, PointSum, PointTally, QuestionSum, Span

SCORED = [f"scored_{value}" for value in SCORES]
COUNTS = ["interviews", "answers", "skipped", *SCORED, "paired", "x_sum", "xx_sum"]
COUNTS += ["lead_n", "lead_rated", "candidates_last"]
FLOATS = ["y_sum", "yy_sum", "xy_sum", "lead_sum"]
QUESTION_FIELDS = [*COUNTS, *FLOATS, "first_asked", "last_asked"]
QUESTION_KEY = ["question_set_id", "question_id", "version", "span", "day"]
POINT_FIELDS = ["answers", "covered", "partial"]
POINT_KEY = ["question_set_id", "question_id", "position", "span", "day"]


def window_start(days: int, *, now=None) -> datetime.date:
    """The first day of the window of the last `days` days."""
    return timezone.localdate(now or timezone.now()) - datetime.timedelta(days=days)


def _empty() -> dict:
    return {
        **dict.fromkeys(COUNTS, 0),
        **dict.fromkeys(FLOATS, 0.0),
        "first_asked": None,
        "last_asked": None,
    }


def _add(total: dict, one: dict) -> None:
    for name in COUNTS + FLOATS:
        total[name] += one[name]
    for name, pick in (("first_asked", min), ("last_asked", max)):
        if one[name] is not None:
            total[name] = one[name] if total[name] is None else pick(total[name], one[name])


def _add_point(total: dict, one: dict) -> None:
    for name in POINT_FIELDS:
        total[name] += one[name]


def fresh_question_sums(interviews: QuerySet[Interview]) -> tuple[dict, dict]:
    """The day rows of QuestionSum and PointSum of the `interviews`, keyed as QUESTION_KEY
    and POINT_KEY, from their stored tallies, added in tally order."""
    rows = list(
        AnswerTally.objects.filter(interview__in=interviews)
        .order_by("pk")
        .values_list(
            "interview",
            "interview__question_set",
            "interview__candidate",
            "interview__scheduled_at",
            "question",
            "interview_question__question_version",
            "answers",
            "skipped",
            *SCORED,
            "paired",
            "x_sum",
            "xx_sum",
            "y_sum",
            "yy_sum",
            "xy_sum",
        )
    )
    # Each candidate's latest interview asking each question, over all their interviews.
    latest = {}
    for candidate, question, scheduled, interview in (
        AnswerTally.objects.filter(
            interview__candidate__in={row[2] for row in rows}, question__isnull=False
        )
        .order_by()
        .values_list("interview__candidate", "question", "interview__scheduled_at", "interview")
    ):
        latest[candidate, question] = max(
            latest.get((candidate, question), (scheduled, interview)), (scheduled, interview)
        )
    # Each interview's rated answers to its bank questions, for the leads (leak_figures).
    rated_in, total_in = {}, {}
    for row in rows:
        if row[4] is not None:
            rated, total = _rated(row)
            rated_in[row[0]] = rated_in.get(row[0], 0) + rated
            total_in[row[0]] = total_in.get(row[0], 0) + total
    sums, seen = {}, set()
    zone = timezone.get_current_timezone()
    for row in rows:
        interview, set_, candidate, scheduled, question, version = row[:6]
        day = _day(scheduled, zone)
        if interview not in seen:
            seen.add(interview)
            _add(
                sums.setdefault((set_, None, None, Span.DAY.value, day), _empty()),
                {**_empty(), "interviews": 1},
            )
        if question is None:
            continue
        one = _empty()
        one["interviews"] = 1
        for name, value in zip(
            ["answers", "skipped", *SCORED, "paired", "x_sum", "xx_sum", "y_sum", "yy_sum"]
            + ["xy_sum"],
            row[6:],
            strict=True,
        ):
            one[name] = value
        rated, total = _rated(row)
        rest_rated = rated_in[interview] - rated
        if rated and rest_rated:
            one["lead_n"], one["lead_rated"] = 1, rated
            one["lead_sum"] = total / rated - (total_in[interview] - total) / rest_rated
        one["candidates_last"] = int(latest[candidate, question] == (scheduled, interview))
        one["first_asked"] = one["last_asked"] = scheduled
        _add(sums.setdefault((set_, question, version, Span.DAY.value, day), _empty()), one)

    points = {}
    for set_, question, position, day, *counts in (
        PointTally.objects.filter(interview__in=interviews)
        .annotate(day=TruncDate("interview__scheduled_at"))
        .values("interview__question_set", "question", "position", "day")
        .annotate(**{f"summed_{name}": Sum(name) for name in POINT_FIELDS})
        .order_by()
        .values_list(
            "interview__question_set",
            "question",
            "position",
            "day",
            *(f"summed_{name}" for name in POINT_FIELDS),
        )
    ):
        points[set_, question, position, Span.DAY.value, day] = dict(
            zip(POINT_FIELDS, counts, strict=True)
        )
    return sums, points


def _rated(row) -> tuple[int, int]:
    counts = row[8 : 8 + len(SCORES)]
    return sum(counts), sum(value * count for value, count in zip(SCORES, counts, strict=True))


def month_sums(question_days: dict, point_days: dict) -> tuple[dict, dict]:
    questions, points = {}, {}
    for key in sorted(question_days, key=lambda k: (k[0], k[1] or 0, k[2] or 0, k[4])):
        set_, question, version, _, day = key
        _add(
            questions.setdefault(
                (set_, question, version, Span.MONTH.value, _month(day)), _empty()
            ),
            question_days[key],
        )
    for key in sorted(point_days, key=lambda k: (k[0], k[1], k[2], k[4])):
        set_, question, position, _, day = key
        _add_point(
            points.setdefault(
                (set_, question, position, Span.MONTH.value, _month(day)),
                dict.fromkeys(POINT_FIELDS, 0),
            ),
            point_days[key],
        )
    return questions, points


def add_days(total: tuple[dict, dict], more: tuple[dict, dict]) -> None:
    """Add the question and point day rows `more` (of other candidates' interviews) into
    `total`."""
    for key, one in more[0].items():
        _add(total[0].setdefault(key, _empty()), one)
    for key, counts in more[1].items():
        _add_point(total[1].setdefault(key, dict.fromkeys(POINT_FIELDS, 0)), counts)


def recompute_questions(questions: dict, points: dict, *, check: bool) -> list[str]:
    """Compare every stored question and point sum with the fresh day rows (of every
    interview) and their months, and return the differences in words; unless `check`, also
    store the fresh sums."""
    question_months, point_months = month_sums(questions, points)
    return recompute(
        (
            (
                "question",
                QuestionSum,
                QUESTION_KEY,
                {**questions, **question_months},
                QUESTION_FIELDS,
            ),
            ("point", PointSum, POINT_KEY, {**points, **point_months}, POINT_FIELDS),
        ),
        check=check,
    )


def refresh_questions(*, days: set[tuple[int, datetime.date]]) -> None:
    """Store afresh the question and point sums of the (question set, day)s and their
    months. Call it in the transaction of the change, after the tallies."""
    interviews = Interview.objects.filter(_key_q(days, ["question_set", "scheduled_at__date"]))
    questions, points = fresh_question_sums(interviews)
    day_keys = {(s, Span.DAY.value, d) for s, d in days}
    _store(QuestionSum, ["question_set_id", "span", "day"], day_keys, questions, QUESTION_KEY)
    _store(PointSum, ["question_set_id", "span", "day"], day_keys, points, POINT_KEY)
    months = {(s, Span.MONTH.value, _month(d)) for s, d in days}
    in_months = _month_days(QuestionSum, ["question_set_id", "span", "day"], months)
    question_months, point_months = month_sums(
        _read(QuestionSum, QUESTION_KEY, in_months, QUESTION_FIELDS),
        _read(PointSum, POINT_KEY, in_months, POINT_FIELDS),
    )
    _store(QuestionSum, ["question_set_id", "span", "day"], months, question_months, QUESTION_KEY)
    _store(PointSum, ["question_set_id", "span", "day"], months, point_months, POINT_KEY)


# Reading --------------------------------------------------------------------------------------


def question_analytics(
    question_set: QuestionSet, *, now=None, resamples: int = RESAMPLES
) -> list[QuestionAnalytics]:
    """calibration.question_analytics' rows, from the stored sums: seven queries whatever
    the number of interviews (questions, month sums, window sums, points and their texts,
    the versions asked, the stored leak intervals)."""
    questions = {
        question.pk: QuestionAnalytics(question)
        for question in Question.objects.filter(question_set=question_set).select_related("topic")
    }
    months = QuestionSum.objects.filter(question_set=question_set, span=Span.MONTH)
    totals, versions, interviews = {}, {}, 0
    for row in (
        months.values("question", "version")
        .annotate(
            **{f"summed_{name}": Sum(name) for name in COUNTS + FLOATS},
            first=Min("first_asked"),
            last=Max("last_asked"),
            revisions=Sum("revision"),
            rows=Count("pk"),
        )
        .order_by("question", "version")
    ):
        figures = {name: row[f"summed_{name}"] for name in COUNTS + FLOATS}
        if row["question"] is None:
            interviews = figures["interviews"]
            continue
        figures |= {"first_asked": row["first"], "last_asked": row["last"]}
        total = totals.setdefault(row["question"], {**_empty(), "revisions": []})
        _add(total, figures)
        total["revisions"].append((row["version"], row["revisions"], row["rows"]))
        versions.setdefault(row["question"], []).append((row["version"], figures))

    starts = {days: window_start(days, now=now) for days in EXPOSURE_WINDOWS}
    leak_start = window_start(LEAK_WINDOW_DAYS, now=now)
    windows = {f"within_{days}": span_filter(start, None) for days, start in starts.items()}
    recent = span_filter(leak_start, None)
    within = {}
    for row in (
        QuestionSum.objects.filter(question__in=list(questions))
        .filter(_either(*windows.values(), *([] if recent in windows.values() else [recent])))
        .values("question")
        .annotate(
            **{name: Sum("candidates_last", filter=where) for name, where in windows.items()},
            **{f"recent_{name}": Sum(name, filter=recent) for name in ["lead_n", "lead_rated"]},
            recent_lead_sum=Sum("lead_sum", filter=recent),
        )
        .order_by()
    ):
        within[row["question"]] = row

    for question_id, item in questions.items():
        total = totals.get(question_id)
        if total is None:
            item.exposure = Exposure()
            continue
        item.times_asked, item.answers, item.skipped = (
            total["interviews"],
            total["answers"],
            total["skipped"],
        )
        item.ratings = [total[name] for name in SCORED]
        item.rated = sum(item.ratings)
        score_total = sum(value * count for value, count in zip(SCORES, item.ratings, strict=True))
        item.mean = score_total / item.rated if item.rated else None
        item.discrimination_n = total["paired"]
        item.discrimination = correlation(
            *(total[name] for name in ["paired", "x_sum", "y_sum", "xy_sum", "xx_sum", "yy_sum"])
        )
        window = within.get(question_id, {})
        item.exposure = Exposure(
            candidates={days: window.get(f"within_{days}") or 0 for days in EXPOSURE_WINDOWS},
            candidates_all=total["candidates_last"],
            first_asked=total["first_asked"],
            last_asked=total["last_asked"],
        )
        item.leak = _leak(total, window)

    _points(questions, question_set)
    _versions(questions, versions)
    _leak_intervals(questions, totals, leak_start, now=now, resamples=resamples)
    for item in questions.values():
        item.interviews_share = item.times_asked / interviews if interviews else None
        item.flags = question_flags(
            item, interviews=interviews, exposure_threshold=question_set.exposure_threshold
        )
    return sorted(questions.values(), key=lambda item: item.question.position)


def _either(*conditions: Q) -> Q:
    found = Q(pk__in=[])
    for condition in conditions:
        found |= condition
    return found


def _leak(total: dict, window: dict) -> LeakFigures:
    recent_n = window.get("recent_lead_n") or 0
    recent_sum = window.get("recent_lead_sum") or 0.0
    recent_rated = window.get("recent_lead_rated") or 0
    earlier_n = total["lead_n"] - recent_n
    leak = LeakFigures(
        recent_answers=recent_rated,
        earlier_answers=total["lead_rated"] - recent_rated,
        recent_interviews=recent_n,
        earlier_interviews=earlier_n,
        recent_lead=recent_sum / recent_n if recent_n else None,
        earlier_lead=(total["lead_sum"] - recent_sum) / earlier_n if earlier_n else None,
        shift=None,
        interval=None,
    )
    if leak.recent_lead is not None and leak.earlier_lead is not None:
        leak.shift = leak.recent_lead - leak.earlier_lead
    return leak


def _points(questions: dict, question_set: QuestionSet) -> None:
    texts = {
        (question, position): text
        for question, position, text in AnswerPoint.objects.filter(
            question__in=list(questions)
        ).values_list("question", "position", "text")
    }
    for row in (
        PointSum.objects.filter(question_set=question_set, span=Span.MONTH)
        .values("question", "position")
        .annotate(**{f"summed_{name}": Sum(name) for name in POINT_FIELDS})
        .order_by("question", "position")
    ):
        question_id, position = row["question"], row["position"]
        if question_id not in questions:
            continue
        questions[question_id].points.append(
            PointAnalytics(
                position=position,
                text=texts.get((question_id, position), "(no longer in the bank)"),
                answers=row["summed_answers"],
                covered=row["summed_covered"],
                partial=row["summed_partial"],
            )
        )


def _versions(questions: dict, versions: dict) -> None:
    split = {pk: found for pk, found in versions.items() if len(found) > 1}
    if not split:
        return
    history = {
        row[0]: row[1:]
        for row in HistoricalQuestion.objects.filter(
            history_id__in={version for found in split.values() for version, _ in found}
        ).values_list("history_id", "history_date", "history_change_reason", "prompt")
    }
    for question_id, found in split.items():
        figures = []
        for version, total in found:
            since, reason, prompt = history.get(version, (None, None, None))
            ratings = [total[name] for name in SCORED]
            rated = sum(ratings)
            score_total = sum(v * c for v, c in zip(SCORES, ratings, strict=True))
            figures.append(
                VersionFigures(
                    version=version,
                    since=since,
                    reason=reason or "",
                    prompt=prompt or "",
                    times_asked=total["interviews"],
                    rated=rated,
                    mean=score_total / rated if rated else None,
                )
            )
        questions[question_id].versions = sorted(
            figures, key=lambda f: (f.version is not None, f.version or 0)
        )


def _leak_intervals(questions, totals, leak_start, *, now, resamples) -> None:
    wanted = {}
    for question_id, item in questions.items():
        if item.leak is not None and item.leak.enough:
            fingerprint = _fingerprint(
                [leak_start, *sorted(totals[question_id]["revisions"], key=str)]
            )
            wanted[_digest("leak", (question_id, 25), resamples, fingerprint)] = (question_id,)

    def compute():
        fresh = leak_figures([key[0] for key in wanted.values()], now=now, resamples=resamples)
        return {(pk,): figures.interval for pk, figures in fresh.items()}

    found = stored_intervals(wanted, compute)
    for (question_id,), interval in found.items():
        questions[question_id].leak.interval = interval


# The admin's list --------------------------------------------------------------------------


def _sum_of(expression, rows: QuerySet) -> Subquery:
    return Subquery(
        rows.order_by().values("question").annotate(result=expression).values("result")[:1]
    )


def with_exposure_and_usage(questions: QuerySet[Question], *, now=None) -> QuerySet[Question]:
    """Annotate bank questions as calibration.with_exposure and with_usage do (candidates
    asked within each window and in all, first and last asked, over-exposed, times asked and
    mean rating), from the stored sums: a subquery each over the question's month rows (and
    the days at a window's start), so a page of the admin's list costs one query whatever the
    history."""
    from django.db.models import BooleanField, ExpressionWrapper, FloatField

    of_question = QuestionSum.objects.filter(question=OuterRef("pk"))
    months = of_question.filter(span=Span.MONTH)
    windows = {}
    for days in EXPOSURE_WINDOWS:
        # The whole months, then the days before them: each an index range of its own.
        start = window_start(days, now=now)
        first = _next_month(start) if start.day > 1 else start
        parts = [
            of_question.filter(span=Span.MONTH, day__gte=first),
            of_question.filter(span=Span.DAY, day__gte=start, day__lt=first),
        ]
        windows[f"candidates_{days}"] = sum(
            (Coalesce(_sum_of(Sum("candidates_last"), part), 0) for part in parts[1:]),
            Coalesce(_sum_of(Sum("candidates_last"), parts[0]), 0),
        )
    scored = sum((F(name) for name in SCORED[1:]), F(SCORED[0]))
    score_total = sum(
        (value * F(name) for value, name in zip(SCORES[1:], SCORED[1:], strict=True)),
        F(SCORED[0]),
    )
    return questions.annotate(
        **windows,
        candidates_all=Coalesce(_sum_of(Sum("candidates_last"), months), 0),
        first_asked=_sum_of(Min("first_asked"), months),
        last_asked=_sum_of(Max("last_asked"), months),
        times_asked=Coalesce(_sum_of(Sum("interviews"), months), 0),
        mean_rating=_sum_of(
            Cast(Sum(score_total), FloatField()) / NullIf(Sum(scored), 0),
            months,
        ),
    ).annotate(
        over_exposed=ExpressionWrapper(
            Q(candidates_90__gt=F("question_set__exposure_threshold")),
            output_field=BooleanField(),
        )
    )
