"""Calibration at page speed: the figures of the calibration page stored as sums per
interviewer, question set, stage and day or month (CalibrationSum), and the panel's
coincidences per bank question likewise (AgreementSum), so that the page reads a row per
interviewer and month, whatever the number of scorecards.

Every figure on the page adds up across scorecards: counts, the sums behind the means
(leniency, the drift after debriefs), the times to submit counted per quarter hour (for
the median) and, for Krippendorff's α, the units' coincidence matrices. A filter reads the
month rows of the whole months it covers and the day rows of the days at its ends.

The sums are stored afresh for a candidate (`refresh_calibration`) in the transaction of a
submit or amend (after the debrief may have opened) and of a decision recorded or reopened:
a scorecard's figures depend only on its interview's panel (leniency) and its candidate's
other scorecards and decision (drift, agreement with the decision). `fresh_sums` holds the
arithmetic, for some rows when storing and for all when `recompute_calibration` rebuilds or
checks them (`manage.py recompute_results`).

The bootstrap intervals need every scorecard or unit, so they are stored (StoredInterval)
under a digest of the revisions of the rows a filter reads: any write to those rows makes
new digests, and the first page to ask computes them from the scorecards (the functions of
scoring/calibration.py, which stay the reference computation)."""

import datetime
import functools
import hashlib
import secrets
from collections.abc import Callable

import numpy as np
from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import Count, Q, QuerySet, Sum
from django.utils import timezone

from interviews.models import Interview
from questions.models import Question, QuestionSet, Topic

from .calibration import (
    LENIENCY_MIN_SCORECARDS,
    RESAMPLES,
    SCORES,
    SEED,
    SUBMITTED_WITHIN,
    TALLIES,
    Agreement,
    DebriefFigures,
    Intervals,
    InterviewerCalibration,
    PanelAgreement,
    _planned_minutes,
    alpha_of_coincidences,
    counted_scorecards,
    debrief_calibration,
    interviewer_calibration,
    panel_agreement,
    quarter_hour_median,
    quarter_hours,
    unit_coincidences,
)
from .models import (
    AgreementSum,
    AnswerTally,
    CalibrationSum,
    Recommendation,
    Scorecard,
    Span,
    StoredInterval,
)
from .selectors import person_name

# Stored intervals no page has read for this long are deleted when others are stored.
UNUSED_INTERVALS_KEPT = datetime.timedelta(days=30)
COUNTS = ["scorecards", *(f"recommended_{value}" for value in Recommendation.values), *TALLIES]
COUNTS += ["within_24h", "leniency_n", "debriefed", "moved", "recommendation_move_sum"]
COUNTS += ["toward", "away", "decided", "agreed"]
FLOATS = ["leniency_sum", "score_move_sum"]
SUM_FIELDS = [*COUNTS, *FLOATS, "submit_quarters"]
KEY = ["interviewer_id", "question_set_id", "stage", "span", "day"]
COINCIDENCES = [f"c{row}{column}" for row in SCORES for column in SCORES]
AGREEMENT_KEY = ["question_set_id", "stage", "span", "day", "topic_id", "question_id"]


@functools.lru_cache(maxsize=4096)
def _day(moment: datetime.datetime, zone: datetime.tzinfo) -> datetime.date:
    """The day as the filters' `scheduled_at__date` reads it, in the site's time zone
    (`zone`: timezone.get_current_timezone(), looked up once, not for each of a million
    rows). Kept for the last moments asked: an interview's rows come one after another."""
    return timezone.localtime(moment, zone).date()


def _month(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


def _next_month(day: datetime.date) -> datetime.date:
    return (day.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)


def span_filter(date_from: datetime.date | None, date_to: datetime.date | None) -> Q:
    """The rows that add up to the interviews from `date_from` to `date_to` (both included,
    either open): the whole months between them, and the days at the ends."""
    if date_from is None and date_to is None:
        return Q(span=Span.MONTH)
    first = date_from and (date_from if date_from.day == 1 else _next_month(date_from))
    end = date_to and (
        _next_month(date_to)
        if _next_month(date_to) - date_to == datetime.timedelta(days=1)
        # the month after the last whole one
        else _month(date_to)
    )
    if first and end and first >= end:
        return Q(span=Span.DAY, day__gte=date_from, day__lte=date_to)
    months, days = Q(span=Span.MONTH), Q(pk__in=[])
    if first:
        months &= Q(day__gte=first)
        days |= Q(span=Span.DAY, day__gte=date_from, day__lt=first)
    if end:
        months &= Q(day__lt=end)
        days |= Q(span=Span.DAY, day__gte=end, day__lte=date_to)
    return months | days


def _filtered(model, *, question_set, date_from, date_to, stage) -> QuerySet:
    rows = model.objects.filter(span_filter(date_from, date_to))
    if question_set is not None:
        rows = rows.filter(question_set=question_set)
    if stage:
        rows = rows.filter(stage=stage)
    return rows


# Arithmetic -----------------------------------------------------------------------------------


def _empty() -> dict:
    return {**dict.fromkeys(COUNTS, 0), **dict.fromkeys(FLOATS, 0.0), "submit_quarters": {}}


def _add(total: dict, one: dict) -> None:
    for name in COUNTS + FLOATS:
        total[name] += one[name]
    quarters = total["submit_quarters"]
    for quarter, count in one["submit_quarters"].items():
        quarters[quarter] = quarters.get(quarter, 0) + count


def fresh_sums(scorecards: QuerySet[Scorecard]) -> dict[tuple, dict]:
    """The day sums of the counted `scorecards`, keyed as KEY (span "day"), computed from the
    scorecards with the reference arithmetic of scoring/calibration.py: each scorecard's
    figures, added up in scorecard order."""
    scorecards = scorecards.filter(submitted_at__isnull=False, shadow=False)
    sheets = list(
        scorecards.order_by("pk").values_list(
            "pk",
            "interviewer",
            "interview",
            "interview__question_set",
            "interview__stage",
            "interview__scheduled_at",
            "interview__started_at",
            "recommendation",
            "submitted_at",
            "score_mean",
            *TALLIES,
        )
    )
    if not sheets:
        return {}
    # Each interview's whole panel, for the others' mean (within the filters or not).
    panel = {}
    for interview, mean in (
        Scorecard.objects.counted()
        .filter(interview__in={sheet[2] for sheet in sheets}, score_mean__isnull=False)
        .order_by("pk")
        .values_list("interview", "score_mean")
    ):
        total, count = panel.get(interview, (0.0, 0))
        panel[interview] = (total + mean, count + 1)
    planned = _planned_minutes(scorecards)
    # The drift and decision figures of each scorecard on its own.
    debriefs = debrief_calibration(scorecards, by="pk")
    sums = {}
    zone = timezone.get_current_timezone()
    for (
        pk,
        interviewer,
        interview,
        set_,
        stage,
        scheduled,
        started,
        rec,
        submitted,
        mean,
        *tally,
    ) in sheets:
        one = _empty()
        one["scorecards"] = 1
        one[f"recommended_{rec}"] = 1
        for name, count in zip(TALLIES, tally, strict=True):
            one[name] = count
        end = (started or scheduled) + datetime.timedelta(minutes=planned.get(interview, 0))
        hours = (submitted - end).total_seconds() / 3600
        one["within_24h"] = int(hours <= SUBMITTED_WITHIN.total_seconds() / 3600)
        one["submit_quarters"] = quarter_hours([hours])
        total, count = panel.get(interview, (0.0, 0))
        if mean is not None and count > 1:
            one["leniency_n"] = 1
            one["leniency_sum"] = mean - (total - mean) / (count - 1)
        figures = debriefs.get(pk, DebriefFigures())
        for name in ["debriefed", "moved", "recommendation_move_sum", "toward", "away"]:
            one[name] = getattr(figures, name)
        one["decided"], one["agreed"] = figures.decided, figures.agreed
        one["score_move_sum"] = figures.score_move_sum
        key = (interviewer, set_, stage, Span.DAY.value, _day(scheduled, zone))
        _add(sums.setdefault(key, _empty()), one)
    return sums


def month_sums(day_sums: dict[tuple, dict]) -> dict[tuple, dict]:
    """The month rows of the given day rows (all the days of those months), added in day
    order."""
    months = {}
    for key in sorted(day_sums, key=lambda k: (k[0], k[1], k[2], k[4])):
        interviewer, set_, stage, _, day = key
        month_key = (interviewer, set_, stage, Span.MONTH.value, _month(day))
        _add(months.setdefault(month_key, _empty()), day_sums[key])
    return months


def fresh_agreement_sums(interviews: QuerySet[Interview]) -> dict[tuple, dict]:
    """The day rows of AgreementSum for the `interviews`, keyed as AGREEMENT_KEY (question 0
    for a topic's follow-ups), from their stored answer tallies: units rated by two or more."""
    scored = [f"scored_{value}" for value in SCORES]
    rows = list(
        AnswerTally.objects.filter(interview__in=interviews)
        .order_by("pk")
        .values_list(
            "interview__question_set",
            "interview__stage",
            "interview__scheduled_at",
            "topic",
            "question",
            *scored,
        )
    )
    counts = np.array([row[5:] for row in rows], dtype=float).reshape(-1, len(SCORES))
    pairable = counts.sum(axis=1) >= 2
    rows = [row for row, usable in zip(rows, pairable, strict=True) if usable]
    matrices = unit_coincidences(counts[pairable]) if rows else []
    sums = {}
    zone = timezone.get_current_timezone()
    for row, matrix in zip(rows, matrices, strict=True):
        set_, stage, scheduled, topic, question = row[:5]
        key = (set_, stage, Span.DAY.value, _day(scheduled, zone), topic, question or 0)
        item = sums.setdefault(key, {"units": 0, "coincidences": np.zeros_like(matrix)})
        item["units"] += 1
        item["coincidences"] += matrix
    return {key: _listed(item) for key, item in sums.items()}


def _listed(item: dict) -> dict:
    return {
        "units": item["units"],
        "coincidences": np.asarray(item["coincidences"]).ravel().tolist(),
    }


def agreement_month_sums(day_sums: dict[tuple, dict]) -> dict[tuple, dict]:
    months = {}
    for key in sorted(day_sums, key=lambda k: (k[0], k[1], k[4], k[5], k[3])):
        set_, stage, _, day, topic, question = key
        item = months.setdefault(
            (set_, stage, Span.MONTH.value, _month(day), topic, question),
            {"units": 0, "coincidences": np.zeros(len(SCORES) ** 2)},
        )
        item["units"] += day_sums[key]["units"]
        item["coincidences"] += np.asarray(day_sums[key]["coincidences"])
    return {key: _listed(item) for key, item in months.items()}


# Storing ------------------------------------------------------------------------------------


def _key_q(keys, fields) -> Q:
    """The rows with one of `keys` (tuples of `fields`)."""
    found = Q(pk__in=[])
    for key in keys:
        found |= Q(**dict(zip(fields, key, strict=True)))
    return found


def _rows(model, sums: dict[tuple, dict], fields) -> list:
    rows = [
        model(**dict(zip(fields, key, strict=True)), revision=secrets.randbits(40), **values)
        for key, values in map(_columns, sums.items())
    ]
    for row in rows:
        if model is AgreementSum and not row.question_id:
            row.question_id = None  # a topic's follow-ups, keyed 0
    return rows


def refresh_calibration(*, candidate_id: int) -> set[tuple[int, datetime.date]]:
    """Store afresh the calibration sums of every day and month a counted scorecard of the
    candidate falls in, and the agreement sums of their interviews' days and months. Call it
    in the transaction of the change, after the scorecards, the debrief and the decision are
    written. Returns the (question set, day)s of the candidate's interviews, whose question
    sums change with them (`sums.refresh_sums`)."""
    interviews = list(
        Interview.objects.filter(candidate=candidate_id)
        .order_by()
        .values_list("pk", "question_set", "stage", "scheduled_at")
    )
    if not interviews:
        return set()
    # Month rows add up days that other submissions write: submissions in one question set
    # take turns, so each adds up the others' committed days.
    list(
        QuestionSet.objects.select_for_update()
        .filter(pk__in={row[1] for row in interviews})
        .order_by("pk")
        .values_list("pk")
    )
    zone = timezone.get_current_timezone()
    days = {(set_, stage, _day(scheduled, zone)) for _, set_, stage, scheduled in interviews}
    interviewers = set(
        Scorecard.objects.counted()
        .filter(interview__candidate=candidate_id)
        .values_list("interviewer", flat=True)
    )
    in_days = Q(pk__in=[])
    for set_, stage, day in days:
        in_days |= Q(
            interview__question_set=set_, interview__stage=stage, interview__scheduled_at__date=day
        )
    # Each interviewer's day rows, with every scorecard of theirs on those days.
    day_keys = {(i, s, st, Span.DAY.value, d) for i in interviewers for s, st, d in days}
    fresh = fresh_sums(Scorecard.objects.filter(in_days, interviewer__in=interviewers))
    _store(CalibrationSum, KEY, day_keys, fresh)
    month_keys = {(i, s, st, Span.MONTH.value, _month(d)) for i, s, st, _, d in day_keys}
    in_months = _month_days(CalibrationSum, KEY, month_keys)
    _store(CalibrationSum, KEY, month_keys, month_sums(_read(CalibrationSum, KEY, in_months)))

    day_interviews = Interview.objects.filter(
        _key_q(days, ["question_set", "stage", "scheduled_at__date"])
    )
    set_days = {(s, st, Span.DAY.value, d) for s, st, d in days}
    _store(AgreementSum, AGREEMENT_KEY[:4], set_days, fresh_agreement_sums(day_interviews))
    set_months = {(s, st, Span.MONTH.value, _month(d)) for s, st, _, d in set_days}
    in_months = _month_days(AgreementSum, AGREEMENT_KEY[:4], set_months)
    _store(
        AgreementSum,
        AGREEMENT_KEY[:4],
        set_months,
        agreement_month_sums(_read(AgreementSum, AGREEMENT_KEY, in_months)),
    )
    return {(set_, day) for set_, _, day in days}


def _month_days(model, fields, month_keys) -> Q:
    """The day rows of the months of `month_keys`."""
    found = Q(pk__in=[])
    for key in month_keys:
        *same, _, month = key
        found |= Q(
            **dict(zip(fields[:-2], same, strict=True)),
            span=Span.DAY,
            day__gte=month,
            day__lt=_next_month(month),
        )
    return found


def _read(model, fields, where: Q, values=None) -> dict[tuple, dict]:
    """The rows matching `where`, keyed by their `fields`, as dicts of their `values`."""
    if values is not None:
        return {
            tuple(row[: len(fields)]): dict(zip(values, row[len(fields) :], strict=True))
            for row in model.objects.filter(where).values_list(*fields, *values)
        }
    values = SUM_FIELDS if model is CalibrationSum else ["units", *COINCIDENCES]
    found = {}
    for row in model.objects.filter(where).values_list(*fields, *values):
        key = tuple(row[: len(fields)])
        if model is AgreementSum:
            key = (*key[:5], key[5] or 0)
            found[key] = {"units": row[len(fields)], "coincidences": list(row[len(fields) + 1 :])}
        else:
            found[key] = dict(zip(values, row[len(fields) :], strict=True))
    return found


def _columns(item: tuple[tuple, dict]) -> tuple[tuple, dict]:
    """An agreement sum's matrix as its columns."""
    key, values = item
    if "coincidences" in values:
        values = {
            "units": values["units"],
            **dict(zip(COINCIDENCES, values["coincidences"], strict=True)),
        }
    return key, values


def _store(model, fields, keys, sums: dict[tuple, dict], row_key=None) -> None:
    """Replace the rows of `keys` (values of `fields`) with `sums` (keyed by `row_key`)."""
    model.objects.filter(_key_q(keys, fields)).delete()
    row_key = row_key or (KEY if model is CalibrationSum else AGREEMENT_KEY)
    model.objects.bulk_create(_rows(model, sums, row_key))


def add_calibration(total: dict[tuple, dict], more: dict[tuple, dict]) -> None:
    """Add the calibration day rows `more` (of other scorecards) into `total`."""
    for key, one in more.items():
        _add(total.setdefault(key, _empty()), one)


def add_agreement(total: dict[tuple, dict], more: dict[tuple, dict]) -> None:
    """Add the agreement day rows `more` (of other interviews) into `total`."""
    for key, item in more.items():
        if key not in total:
            total[key] = {"units": 0, "coincidences": [0.0] * len(item["coincidences"])}
        total[key]["units"] += item["units"]
        total[key]["coincidences"] = [
            a + b for a, b in zip(total[key]["coincidences"], item["coincidences"], strict=True)
        ]


def _question_key(key: tuple) -> tuple:
    return tuple(-1 if part is None else part for part in key)


def _close(stored, fresh) -> bool:
    if isinstance(stored, float) or isinstance(fresh, float):
        return abs(stored - fresh) <= 1e-9 * max(1.0, abs(fresh))
    if isinstance(stored, list):
        return len(stored) == len(fresh) and all(map(_close, stored, fresh))
    return stored == fresh


def recompute_calibration(days: dict, agreement_days: dict, *, check: bool) -> list[str]:
    """Compare every stored calibration and agreement sum with the fresh day rows (of every
    interview) and their months, and return the differences in words; unless `check`, also
    store the fresh sums."""
    return recompute(
        (
            ("calibration", CalibrationSum, KEY, {**days, **month_sums(days)}, None),
            (
                "agreement",
                AgreementSum,
                AGREEMENT_KEY,
                {**agreement_days, **agreement_month_sums(agreement_days)},
                None,
            ),
        ),
        check=check,
    )


def recompute(everything, *, check: bool, batch_size: int = 1000) -> list[str]:
    """Compare each (label, model, key fields, fresh rows, value fields) of `everything`
    with the stored rows and return the differences in words; unless `check`, also replace
    them with the fresh ones."""
    differences = []
    for label, model, fields, fresh, values in everything:
        stored = _read(model, fields, Q(), values)
        for key in sorted(stored.keys() - fresh.keys(), key=_question_key):
            differences.append(f"{label} {key}: stored but has no scorecard")
        for key in sorted(fresh.keys() - stored.keys(), key=_question_key):
            differences.append(f"{label} {key}: missing")
        for key in sorted(fresh.keys() & stored.keys(), key=_question_key):
            for name, value in fresh[key].items():
                if not _close(stored[key][name], value):
                    differences.append(
                        f"{label} {key}: {name} is {stored[key][name]!r}, not {value!r}"
                    )
    if not check and differences:
        with transaction.atomic():
            for _, model, fields, fresh, _ in everything:
                model.objects.all().delete()
                model.objects.bulk_create(_rows(model, fresh, fields), batch_size=batch_size)
    return differences


# Reading --------------------------------------------------------------------------------------


def stages() -> list[str]:
    """The stages of interviews with counted scorecards, from the month rows (a row per
    interviewer, set, stage and month), not from every interview."""
    return list(
        CalibrationSum.objects.filter(span=Span.MONTH)
        .order_by("stage")
        .values_list("stage", flat=True)
        .distinct()
    )


def _digest(kind: str, key: tuple, resamples: int, fingerprint: str) -> str:
    about = f"{kind} {SEED} {key} {resamples} {fingerprint}"
    return hashlib.blake2b(about.encode(), digest_size=20).hexdigest()


def _fingerprint(revisions) -> str:
    return hashlib.blake2b(" ".join(map(str, revisions)).encode(), digest_size=20).hexdigest()


def stored_intervals(
    wanted: dict[str, tuple], compute: Callable[[], dict[tuple, tuple | None]]
) -> dict[tuple, tuple | None]:
    """The intervals of `wanted` (digest: key), read from those stored in one query; when
    one is missing, all are computed with `compute` (key: interval) and the missing stored,
    and intervals unread for UNUSED_INTERVALS_KEPT deleted. Those read on an earlier day are
    marked read today (one query a day)."""
    if not wanted:
        return {}
    today = timezone.localdate()
    found, unmarked = {}, []
    for digest, low, high, used_on in StoredInterval.objects.filter(
        digest__in=list(wanted)
    ).values_list("digest", "low", "high", "used_on"):
        found[wanted[digest]] = None if low is None else (low, high)
        if used_on != today:
            unmarked.append(digest)
    if unmarked:
        StoredInterval.objects.filter(digest__in=unmarked).update(used_on=today)
    missing = [digest for digest, key in wanted.items() if key not in found]
    if missing:
        fresh = compute()
        StoredInterval.objects.bulk_create(
            [
                StoredInterval(
                    digest=digest,
                    low=(fresh.get(wanted[digest]) or (None, None))[0],
                    high=(fresh.get(wanted[digest]) or (None, None))[1],
                    used_on=today,
                )
                for digest in missing
            ],
            ignore_conflicts=True,
        )
        prune_intervals(before=today - UNUSED_INTERVALS_KEPT)
        found |= {wanted[digest]: fresh.get(wanted[digest]) for digest in missing}
    return found


def prune_intervals(*, before: datetime.date) -> int:
    """Delete the stored intervals no page has read since `before` (or ever): those of
    filters nobody looks at any more, or of sums written since."""
    deleted, _ = StoredInterval.objects.filter(
        Q(used_on__lt=before) | Q(used_on__isnull=True)
    ).delete()
    return deleted


def interviewer_figures(
    *,
    question_set: QuestionSet | None = None,
    date_from: datetime.date | None = None,
    date_to: datetime.date | None = None,
    stage: str = "",
    resamples: int = RESAMPLES,
    read_intervals=None,
) -> list[InterviewerCalibration]:
    """The calibration page's row per interviewer, by name, with its figures after debriefs
    (`after_debriefs`), as interviewer_calibration and debrief_calibration compute them
    from the scorecards matching the filters; two queries over the stored sums (the second
    reads the stored leniency intervals)."""
    filters = {
        "question_set": question_set,
        "date_from": date_from,
        "date_to": date_to,
        "stage": stage,
    }
    rows = _filtered(CalibrationSum, **filters).values_list(
        "interviewer",
        "interviewer__username",
        "interviewer__first_name",
        "interviewer__last_name",
        "revision",
        *SUM_FIELDS,
    )
    totals, names, revisions = {}, {}, []
    for interviewer, username, first_name, last_name, revision, *values in rows:
        names[interviewer] = (first_name, last_name, username)
        revisions.append(revision)
        _add(totals.setdefault(interviewer, _empty()), dict(zip(SUM_FIELDS, values, strict=True)))
    fingerprint = _fingerprint(sorted(revisions))
    result, wanted = [], {}
    for interviewer in sorted(totals, key=lambda pk: (*names[pk], pk)):
        total = totals[interviewer]
        ratings = [total[f"scored_{value}"] for value in SCORES]
        item = InterviewerCalibration(
            interviewer_id=interviewer,
            name=person_name(*names[interviewer]),
            scorecards=total["scorecards"],
            recommendations=[total[f"recommended_{value}"] for value in Recommendation.values],
            ratings=ratings,
            rated=sum(ratings),
            skipped=total["skipped_count"],
            questions=total["question_count"],
            points_expected=total["points_expected"],
            points_marked=total["points_marked"],
            median_hours=quarter_hour_median(total["submit_quarters"]),
            within_24h=total["within_24h"] / total["scorecards"],
            leniency=total["leniency_sum"] / total["leniency_n"] if total["leniency_n"] else None,
            leniency_n=total["leniency_n"],
        )
        item.after_debriefs = DebriefFigures(
            **{name: total[name] for name in DEBRIEF_FIELDS},
        )
        if item.leniency_n >= LENIENCY_MIN_SCORECARDS:
            wanted[_digest("leniency", (interviewer,), resamples, fingerprint)] = (interviewer,)
        result.append(item)

    def compute():
        fresh = interviewer_calibration(
            counted_scorecards(**filters), resamples=resamples, intervals=Intervals(store=False)
        )
        return {(row.interviewer_id,): row.leniency_interval for row in fresh}

    found = (read_intervals or stored_intervals)(wanted, compute)
    for item in result:
        item.leniency_interval = found.get((item.interviewer_id,))
    return result


def name_interviewers(rows: list[InterviewerCalibration]) -> None:
    """Name interviewer_figures' rows afresh and put them in order of name again, in one
    query: names change without a new figures revision (scoring/figures.py)."""
    names = {
        pk: (first_name, last_name, username)
        for pk, first_name, last_name, username in User.objects.filter(
            pk__in=[row.interviewer_id for row in rows]
        ).values_list("pk", "first_name", "last_name", "username")
    }
    for row in rows:
        row.name = person_name(*names[row.interviewer_id])
    rows.sort(key=lambda row: (*names[row.interviewer_id], row.interviewer_id))


DEBRIEF_FIELDS = ["debriefed", "moved", "score_move_sum", "recommendation_move_sum"]
DEBRIEF_FIELDS += ["toward", "away", "decided", "agreed"]


def agreement_figures(
    *,
    question_set: QuestionSet | None = None,
    date_from: datetime.date | None = None,
    date_to: datetime.date | None = None,
    stage: str = "",
    resamples: int = RESAMPLES,
    read_intervals=None,
) -> PanelAgreement:
    """panel_agreement's figures for the scorecards matching the filters, from the stored
    agreement sums: four queries (the sums, the topics, the questions, the stored
    intervals), whatever the number of ratings."""
    filters = {
        "question_set": question_set,
        "date_from": date_from,
        "date_to": date_to,
        "stage": stage,
    }
    # Summed per bank question by the database; the revisions' sum and count stand for the
    # rows summed (a write to any of them changes it).
    rows = list(
        _filtered(AgreementSum, **filters)
        .values("topic", "question")
        .annotate(
            summed_units=Sum("units"),
            revisions=Sum("revision"),
            count=Count("pk"),
            **{f"summed_{name}": Sum(name) for name in COINCIDENCES},
        )
        .values_list(
            "topic",
            "question",
            "summed_units",
            "revisions",
            "count",
            *(f"summed_{name}" for name in COINCIDENCES),
        )
        .order_by("topic", "question")
    )
    fingerprint = _fingerprint(row[:5] for row in rows)
    size = len(SCORES)
    matrices = np.array([row[5:] for row in rows], dtype=float).reshape(-1, size, size)
    # Each table row's sum of the rows summed: all, per topic, per question; their α in one
    # vectorised call.
    groups = {(0,): list(range(len(rows)))}
    for index, (topic, question, *_) in enumerate(rows):
        groups.setdefault((1, topic), []).append(index)
        if question:
            groups.setdefault((2, question), []).append(index)
    keys = list(groups)
    units = [sum(rows[index][2] for index in groups[key]) for key in keys]
    summed = np.array([matrices[groups[key]].sum(axis=0) for key in keys]).reshape(-1, size, size)
    with np.errstate(invalid="ignore", divide="ignore"):
        alphas = alpha_of_coincidences(summed) if keys else []
    by_key = {
        key: Agreement(
            label="All questions",
            units=count,
            alpha=None if not count or np.isnan(alpha) else float(alpha),
        )
        for key, count, alpha in zip(keys, units, alphas, strict=True)
    }
    wanted = {_digest("alpha", key, resamples, fingerprint): key for key in keys}
    result = PanelAgreement(overall=by_key[(0,)])
    if rows:
        topic_ids = [key[1] for key in keys if key[0] == 1]
        for pk, name in Topic.objects.filter(pk__in=topic_ids).values_list("pk", "name"):
            row = by_key[(1, pk)]
            row.label, row.topic_id = name, pk
            result.topics.append(row)
        question_ids = [key[1] for key in keys if key[0] == 2]
        for pk, position, prompt in Question.objects.filter(pk__in=question_ids).values_list(
            "pk", "position", "prompt"
        ):
            row = by_key[(2, pk)]
            # As str(question) names it.
            row.label, row.question_id = f"{position}. {prompt[:80]}", pk
            result.questions.append(row)

    def compute():
        fresh = panel_agreement(
            counted_scorecards(**filters), resamples=resamples, intervals=Intervals(store=False)
        )
        found = {(0,): fresh.overall.interval}
        found |= {(1, row.topic_id): row.interval for row in fresh.topics}
        return found | {(2, row.question_id): row.interval for row in fresh.questions}

    found = (read_intervals or stored_intervals)(wanted, compute)
    for key, row in by_key.items():
        row.interval = found.get(key)
    result.questions.sort(key=lambda row: (row.alpha is None, row.alpha or 0, row.label))
    return result
