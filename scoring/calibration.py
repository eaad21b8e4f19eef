"""Calibration (who rates how, whether the panel agrees) and question analytics.

Only submitted scorecards count. The pages read the tallies stored when a scorecard is
submitted or amended (scoring/results.py: per scorecard, per asked question, per asked
point) rather than every rating and mark, which at thousands of candidates cost seconds to
join. The database sums those tallies, one query per table; Python gets per-scorecard rows
or per-unit arrays only where a figure needs them: the median time to submit (no portable
SQL median), Krippendorff's α (the `krippendorff` package) and the bootstrap intervals,
which are seeded so that a page reads the same on every reload.
"""

import datetime
import hashlib
import math
import warnings
from dataclasses import dataclass, field

import krippendorff
import numpy as np
from django.db.models import (
    Avg,
    BooleanField,
    Count,
    ExpressionWrapper,
    F,
    Max,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from interviews.models import Interview, InterviewQuestion
from questions.models import AnswerPoint, Question, QuestionSet, Topic

from .models import (
    AnswerTally,
    Decision,
    PointTally,
    Rating,
    Recommendation,
    Score,
    Scorecard,
    StoredInterval,
)
from .selectors import person_name

SEED = 20261129
RESAMPLES = 1000
BOOTSTRAP_BLOCK = 1_000_000  # values drawn at a time
SCORES = Score.values  # 1–4
# Fewer scorecards than this make a bootstrap interval of a mean too rough to flag anyone.
LENIENCY_MIN_SCORECARDS = 5
SUBMITTED_WITHIN = datetime.timedelta(hours=24)
# A scorecard's stored tallies that calibration adds up per interviewer.
TALLIES = ["question_count", "skipped_count", *(f"scored_{value}" for value in SCORES)]
TALLIES += ["points_expected", "points_marked"]
ALPHA_RELIABLE = 0.8
ALPHA_TENTATIVE = 0.667
# Question flags.
DISCRIMINATION_BELOW = 0.2
MIN_ANSWERS = 10  # the smallest n on which a question or point is flagged
RARELY_ASKED_SHARE = 0.25
USUALLY_SKIPPED_SHARE = 0.5
# Bar colours, Poor … Excellent and Strong no … Strong yes, as SVG fill attributes (the CSP
# allows no inline styles), as the score bands; the calibration page and the compare tally.
SCORE_COLOURS = ["#dc3545", "#ffc107", "#75b798", "#198754"]
RECOMMENDATION_COLOURS = ["#dc3545", "#f1aeb5", "#a3cfbb", "#198754"]


def _single(queryset, group_by, aggregate):
    """A subquery yielding one aggregate for the outer row."""
    return Subquery(
        queryset.order_by().values(group_by).annotate(result=aggregate).values("result")[:1]
    )


def counted_scorecards(
    *,
    question_set: QuestionSet | None = None,
    date_from: datetime.date | None = None,
    date_to: datetime.date | None = None,
    stage: str = "",
) -> QuerySet[Scorecard]:
    """Submitted scorecards of interviews matching the filters (dates are the interview's
    scheduled day, both ends included); shadows' never count."""
    scorecards = Scorecard.objects.counted()
    if question_set is not None:
        scorecards = scorecards.filter(interview__question_set=question_set)
    if date_from is not None:
        scorecards = scorecards.filter(interview__scheduled_at__date__gte=date_from)
    if date_to is not None:
        scorecards = scorecards.filter(interview__scheduled_at__date__lte=date_to)
    if stage:
        scorecards = scorecards.filter(interview__stage=stage)
    return scorecards


# Bootstrap --------------------------------------------------------------------------------


def _rng(*key: int) -> np.random.Generator:
    # Seeded by what the interval is about, so it does not move when other rows change.
    return np.random.default_rng([SEED, *key])


def percentile_interval(values: np.ndarray) -> tuple[float, float] | None:
    values = values[~np.isnan(values)]
    if not len(values):
        return None
    low, high = np.percentile(values, [2.5, 97.5])
    return float(low), float(high)


def bootstrap_mean(
    values: np.ndarray, *, key: tuple[int, ...], resamples: int = RESAMPLES
) -> tuple[float, float] | None:
    """95 % percentile interval of the mean of `values`, resampled with replacement."""
    if len(values) < 2:
        return None
    rng, n = _rng(*key), len(values)
    # In blocks of about a million picks: the same draws as all at once, in bounded memory.
    block, means = max(1, BOOTSTRAP_BLOCK // n), []
    for done in range(0, resamples, block):
        picks = rng.integers(0, n, size=(min(block, resamples - done), n))
        means.append(values[picks].mean(axis=1))
    return percentile_interval(np.concatenate(means))


class Intervals:
    """The bootstrap intervals a page asks for (`ask`), then read from the stored ones in one
    query and resampled only where none is stored, those stored in turn (`resolve`). Each is
    stored under a digest of its inputs, so a stored interval is the fresh one for as long as
    those inputs are the same, and submitting or amending a scorecard changes the inputs of
    the intervals it affects: they get new digests and are computed afresh on the next read.
    With `store=False` every interval is computed afresh and nothing is read or stored."""

    def __init__(self, *, store: bool = True):
        self.store = store
        self.asked = {}  # digest: (bootstrap, values, key, resamples, [what to do with it])
        self.computed = {}  # digest: interval, of those resampled

    @staticmethod
    def digest(bootstrap, values: np.ndarray, key: tuple[int, ...], resamples: int) -> str:
        values = np.ascontiguousarray(values, dtype=float)
        about = f"{bootstrap.__name__} {SEED} {key} {resamples} {values.shape}"
        return hashlib.blake2b(about.encode() + values.tobytes(), digest_size=20).hexdigest()

    def ask(self, bootstrap, values, *, key, resamples, then) -> None:
        """Have `then(interval)` called with `bootstrap(values, key=key, resamples=…)` when
        the intervals are resolved."""
        digest = self.digest(bootstrap, values, key, resamples)
        self.asked.setdefault(digest, (bootstrap, values, key, resamples, []))[-1].append(then)

    def resolve(self) -> None:
        found = {}
        if self.store and self.asked:
            found = {
                digest: None if low is None else (low, high)
                for digest, low, high in StoredInterval.objects.filter(
                    digest__in=list(self.asked)
                ).values_list("digest", "low", "high")
            }
        for digest, (bootstrap, values, key, resamples, then) in self.asked.items():
            if digest in found:
                interval = found[digest]
            else:
                interval = self.computed[digest] = bootstrap(values, key=key, resamples=resamples)
            for one in then:
                one(interval)
        if self.store and self.computed:
            StoredInterval.objects.bulk_create(self.computed_rows(), ignore_conflicts=True)
        self.asked = {}

    def computed_rows(self) -> list[StoredInterval]:
        """The intervals resampled, as rows to store."""
        return [
            StoredInterval(digest=digest, low=low, high=high)
            for digest, (low, high) in (
                (digest, interval or (None, None)) for digest, interval in self.computed.items()
            )
        ]


# Interviewers ------------------------------------------------------------------------------


@dataclass
class InterviewerCalibration:
    interviewer_id: int
    name: str
    scorecards: int
    recommendations: list[int]  # strong no, no, yes, strong yes
    ratings: list[int]  # count of 1, 2, 3, 4
    rated: int
    skipped: int
    questions: int  # questions in their plans: rated, skipped or left blank
    points_expected: int
    points_marked: int
    median_hours: float | None = None
    within_24h: float | None = None
    leniency: float | None = None
    leniency_n: int = 0
    leniency_interval: tuple[float, float] | None = None

    @property
    def rated_share(self):
        return self.rated / self.questions if self.questions else None

    @property
    def marked_share(self):
        return self.points_marked / self.points_expected if self.points_expected else None

    @property
    def rating_shares(self):
        total = sum(self.ratings)
        return [count / total if total else 0 for count in self.ratings]

    @property
    def leniency_flag(self):
        if self.leniency_interval is None:
            return ""
        low, high = self.leniency_interval
        if low > 0:
            return "rates higher"
        if high < 0:
            return "rates lower"
        return ""


def interviewer_calibration(
    scorecards: QuerySet[Scorecard],
    *,
    resamples: int = RESAMPLES,
    intervals: Intervals | None = None,
) -> list[InterviewerCalibration]:
    """One row per interviewer with a counted scorecard, by name; three queries (the third
    reads the stored intervals, `Intervals`), and a fourth storing those computed afresh.

    The counts of ratings, skips, questions and points are the scorecards' stored tallies
    (scoring/results.py). Leniency is the mean over their scorecards of (their score − the
    mean score of the other submitted scorecards of the same interview), with a 95 % interval
    from resampling those interviews. Time to submit runs from the interview's end, taken as
    its start (its scheduled time if it never started) plus the suggested minutes of its
    planned questions: `completed_at` is stamped when the last scorecard is submitted, so it
    would measure the panel's slowest member rather than the conversation's end."""
    # One row per scorecard, in interviewer (by name) and interview order.
    sheets = list(
        scorecards.order_by(
            "interviewer__first_name",
            "interviewer__last_name",
            "interviewer__username",
            "interviewer",
            "interview",
        ).values_list(
            "interviewer",
            "interviewer__username",
            "interviewer__first_name",
            "interviewer__last_name",
            "interview",
            "recommendation",
            "submitted_at",
            "interview__started_at",
            "interview__scheduled_at",
            "score_mean",
            *TALLIES,
        )
    )
    planned_minutes = _planned_minutes(scorecards)
    # The others' mean of each scorecard from its interview's sum and count of scores.
    panel_sum, panel_count = {}, {}
    for sheet in sheets:
        interview, mean = sheet[4], sheet[9]
        if mean is not None:
            panel_sum[interview] = panel_sum.get(interview, 0.0) + mean
            panel_count[interview] = panel_count.get(interview, 0) + 1
    by_interviewer = {}
    for sheet in sheets:
        by_interviewer.setdefault(sheet[0], []).append(sheet)
    intervals = intervals or Intervals()
    result = []
    for interviewer, own in by_interviewer.items():
        _, username, first_name, last_name = own[0][:4]
        hours, differences = [], []
        tally = dict.fromkeys(TALLIES, 0)
        for sheet in own:
            interview, _, submitted, started, scheduled, mean = sheet[4:10]
            for name, count in zip(TALLIES, sheet[10:], strict=True):
                tally[name] += count
            minutes = planned_minutes.get(interview, 0)
            end = (started or scheduled) + datetime.timedelta(minutes=minutes)
            hours.append((submitted - end).total_seconds() / 3600)
            others = panel_count.get(interview, 0) - (mean is not None)
            if mean is not None and others:
                differences.append(mean - (panel_sum[interview] - mean) / others)
        hours, differences = np.array(hours), np.array(differences)
        ratings = [tally[f"scored_{value}"] for value in SCORES]
        item = InterviewerCalibration(
            interviewer_id=interviewer,
            name=person_name(first_name, last_name, username),
            scorecards=len(own),
            recommendations=[
                sum(sheet[5] == value for sheet in own) for value in Recommendation.values
            ],
            ratings=ratings,
            rated=sum(ratings),
            skipped=tally["skipped_count"],
            questions=tally["question_count"],
            points_expected=tally["points_expected"],
            points_marked=tally["points_marked"],
            leniency=float(differences.mean()) if len(differences) else None,
            leniency_n=len(differences),
            median_hours=quarter_hour_median(quarter_hours(hours)),
            within_24h=float(np.mean(hours <= SUBMITTED_WITHIN.total_seconds() / 3600)),
        )
        if len(differences) >= LENIENCY_MIN_SCORECARDS:
            intervals.ask(
                bootstrap_mean,
                differences,
                key=(interviewer,),
                resamples=resamples,
                then=lambda interval, item=item: setattr(item, "leniency_interval", interval),
            )
        result.append(item)
    intervals.resolve()
    return result


def quarter_hours(hours) -> dict[str, int]:
    """How many of `hours` round to each quarter hour (keys are quarters, as text): the
    median time to submit is read from these, which add up across months (CalibrationSum)."""
    counts = {}
    for value in hours:
        quarter = str(round(float(value) * 4))
        counts[quarter] = counts.get(quarter, 0) + 1
    return counts


def quarter_hour_median(counts: dict[str, int]) -> float | None:
    """The median, in hours, of the times counted per quarter hour (`quarter_hours`)."""
    total = sum(counts.values())
    if not total:
        return None
    middle, seen, found = ((total - 1) // 2, total // 2), 0, []
    for quarter, count in sorted((int(q), c) for q, c in counts.items()):
        found += [quarter for index in middle if seen <= index < seen + count]
        seen += count
    return sum(found) / len(found) / 4


def _planned_minutes(scorecards: QuerySet[Scorecard]) -> dict[int, int]:
    """The suggested minutes of each interview's planned questions (follow-ups excluded)."""
    return dict(
        InterviewQuestion.objects.filter(
            interview__in=scorecards.values("interview"), follow_up_number=0
        )
        .values("interview")
        .annotate(minutes=Coalesce(Sum("suggested_minutes"), 0))
        .order_by()
        .values_list("interview", "minutes")
    )


# Panel agreement ---------------------------------------------------------------------------


@dataclass
class Agreement:
    label: str
    units: int
    alpha: float | None
    interval: tuple[float, float] | None = None
    question_id: int | None = None
    topic_id: int | None = None

    @property
    def reading(self):
        return read_alpha(self.alpha)


def read_alpha(alpha: float | None) -> str:
    if alpha is None:
        return "Not enough ratings by two or more interviewers of the same question to say."
    if alpha >= ALPHA_RELIABLE:
        return "Reliable: the panel's ratings agree well enough to compare candidates on them."
    if alpha >= ALPHA_TENTATIVE:
        return "Tentative: the ratings agree, but only well enough for cautious conclusions."
    return "The ratings disagree too much to compare candidates on them: calibrate the panel."


def ordinal_alpha(value_counts: np.ndarray) -> float | None:
    """Krippendorff's α (ordinal) from a units × values matrix of how many coders gave each
    value; None when it is undefined (no unit with two values, or no variation at all)."""
    value_counts = np.asarray(value_counts, dtype=float)
    if not len(value_counts) or not (value_counts.sum(axis=1) >= 2).any():
        return None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # 0 / 0 when every value is equal
        alpha = krippendorff.alpha(
            value_counts=value_counts,
            value_domain=list(range(1, value_counts.shape[1] + 1)),
            level_of_measurement="ordinal",
        )
    return None if math.isnan(alpha) else float(alpha)


def ordinal_alpha_resampled(patterns: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """α (ordinal) for each row of `weights`, the number of times each unit pattern (a row of
    value counts) is drawn: the package's formula over the summed coincidence matrices,
    vectorised so that a thousand resamples cost one array operation."""
    observed = np.einsum("bu,uck->bck", weights, unit_coincidences(patterns))
    return alpha_of_coincidences(observed)


def unit_coincidences(patterns: np.ndarray) -> np.ndarray:
    """Each unit's coincidence matrix, n_c (n_k − [c = k]) / (m − 1), from its row of value
    counts (m of them); a unit's matrices add up, so α needs only their sum."""
    patterns = np.asarray(patterns, dtype=float)
    pairable = patterns.sum(axis=1)
    return (patterns[:, :, None] * (patterns[:, None, :] - np.eye(patterns.shape[1]))) / (
        pairable - 1
    )[:, None, None]


def alpha_of_coincidences(observed: np.ndarray) -> np.ndarray:
    """α (ordinal) of each of a stack of summed coincidence matrices (b × values × values):
    the package's formula; NaN where it is undefined."""
    totals = observed.sum(axis=2)  # n_c
    n = totals.sum(axis=1)
    cumulative = np.cumsum(totals, axis=1)
    # Ordinal δ²(c, k) = (Σ_{g=c..k} n_g − (n_c + n_k) / 2)², for c ≤ k, symmetric.
    low = np.minimum.outer(np.arange(totals.shape[1]), np.arange(totals.shape[1]))
    high = np.maximum.outer(np.arange(totals.shape[1]), np.arange(totals.shape[1]))
    between = cumulative[:, high] - cumulative[:, low] + totals[:, low]
    delta = (between - (totals[:, :, None] + totals[:, None, :]) / 2) ** 2
    expected = totals[:, :, None] * totals[:, None, :]
    with np.errstate(invalid="ignore", divide="ignore"):
        return 1 - (n - 1) * (observed * delta).sum(axis=(1, 2)) / (expected * delta).sum(
            axis=(1, 2)
        )


def bootstrap_alpha(
    value_counts: np.ndarray, *, key: tuple[int, ...], resamples: int = RESAMPLES
) -> tuple[float, float] | None:
    """95 % interval of α, resampling units (interview questions) with replacement."""
    value_counts = np.asarray(value_counts)
    value_counts = value_counts[value_counts.sum(axis=1) >= 2]
    if len(value_counts) < 2:
        return None
    # Units with the same counts are interchangeable: draw how many of each pattern. Each
    # pattern is numbered in base (largest count + 1), which sorts the patterns as rows would
    # sort and is much faster to find than unique rows.
    base = int(value_counts.max()) + 1
    numbers = value_counts.astype(np.int64) @ base ** np.arange(value_counts.shape[1])[::-1]
    _, first, frequency = np.unique(numbers, return_index=True, return_counts=True)
    patterns = value_counts[first]
    weights = _rng(*key).multinomial(len(value_counts), frequency / len(value_counts), resamples)
    return percentile_interval(ordinal_alpha_resampled(patterns, weights))


@dataclass
class PanelAgreement:
    overall: Agreement
    topics: list[Agreement] = field(default_factory=list)
    questions: list[Agreement] = field(default_factory=list)


def panel_agreement(
    scorecards: QuerySet[Scorecard],
    *,
    resamples: int = RESAMPLES,
    intervals: Intervals | None = None,
) -> PanelAgreement:
    """Krippendorff's α (ordinal) over units = asked questions rated by two or more
    interviewers, coders = interviewers, values 1–4 (a skipped answer is a missing value),
    overall, per topic and per bank question (worst first); four queries (the fourth reads
    the stored intervals, `Intervals`), and a fifth storing those computed afresh.

    `scorecards` are all the submitted scorecards of some interviews (as `counted_scorecards`
    selects them): the units are those interviews' asked questions, counted from their
    stored tallies (scoring/results.py)."""
    scored = [f"scored_{value}" for value in SCORES]
    # Units with the same topic, bank question (0 for a follow-up) and counts of each score
    # are interchangeable: the database counts them, and each row is repeated that often.
    patterns = np.array(
        AnswerTally.objects.filter(interview__in=scorecards.values("interview"))
        .annotate(coders=sum((F(name) for name in scored[1:]), F(scored[0])))
        .filter(coders__gte=2)
        .annotate(bank_question=Coalesce("question", 0))
        .values_list("topic", "bank_question", *scored)
        .annotate(units=Count("pk"))
        .order_by("topic", "bank_question", *scored),
        dtype=np.int64,
    ).reshape(-1, 3 + len(SCORES))
    units = np.repeat(patterns[:, :-1], patterns[:, -1], axis=0)
    topic_ids, question_ids = units[:, 0], units[:, 1]
    counts = units[:, 2:].astype(float)

    intervals = intervals or Intervals()

    def agreement(label, selected, key, question_id=None, topic_id=None):
        selected_counts = counts[selected]
        row = Agreement(
            label=label,
            units=len(selected_counts),
            alpha=ordinal_alpha(selected_counts),
            question_id=question_id,
            topic_id=topic_id,
        )
        intervals.ask(
            bootstrap_alpha,
            selected_counts,
            key=key,
            resamples=resamples,
            then=lambda interval: setattr(row, "interval", interval),
        )
        return row

    result = PanelAgreement(
        overall=agreement("All questions", np.ones(len(units), dtype=bool), (0,))
    )
    if not len(units):
        intervals.resolve()
        return result
    for topic in Topic.objects.filter(pk__in=set(topic_ids.tolist())):
        result.topics.append(
            agreement(topic.name, topic_ids == topic.pk, (1, topic.pk), topic_id=topic.pk)
        )
    for question in Question.objects.filter(pk__in=set(question_ids.tolist()) - {0}):
        result.questions.append(
            agreement(str(question), question_ids == question.pk, (2, question.pk), question.pk)
        )
    intervals.resolve()
    # Worst first; an undefined α (no variation to agree on) last.
    result.questions.sort(key=lambda row: (row.alpha is None, row.alpha or 0, row.label))
    return result


# Question analytics ------------------------------------------------------------------------


@dataclass
class PointAnalytics:
    position: int
    text: str
    answers: int
    covered: int
    partial: int

    @property
    def missed(self):
        # Unmarked counts as missed, as it does for coverage.
        return self.answers - self.covered - self.partial

    def share(self, count):
        return count / self.answers if self.answers else None

    @property
    def flag(self):
        if self.answers < MIN_ANSWERS:
            return ""
        if self.covered == 0:
            return "nobody covers it"
        if self.covered == self.answers:
            return "everybody covers it"
        return ""


@dataclass
class QuestionAnalytics:
    question: Question
    times_asked: int = 0
    answers: int = 0  # submitted scorecards whose plan held it
    rated: int = 0
    skipped: int = 0
    mean: float | None = None
    ratings: list[int] = field(default_factory=lambda: [0] * len(SCORES))
    discrimination: float | None = None
    discrimination_n: int = 0
    points: list[PointAnalytics] = field(default_factory=list)
    flags: list[str] = field(default_factory=list)
    exposure: "Exposure | None" = None
    versions: list["VersionFigures"] = field(default_factory=list)
    leak: "LeakFigures | None" = None
    interviews_share: float | None = None  # of the set's interviews, those that asked it

    @property
    def skip_rate(self):
        return self.skipped / self.answers if self.answers else None

    @property
    def rating_shares(self):
        total = sum(self.ratings)
        return [count / total if total else 0 for count in self.ratings]


def correlation(n, sx, sy, sxy, sxx, syy) -> float | None:
    """Pearson's r from the sums the database returns; None when either side is constant."""
    if n < 3:
        return None
    spread = (n * sxx - sx * sx) * (n * syy - sy * sy)
    if spread <= 0:
        return None
    return float((n * sxy - sx * sy) / math.sqrt(spread))


def question_analytics(question_set: QuestionSet) -> list[QuestionAnalytics]:
    """Per question of the set, in order; eight queries, whatever the number of interviews,
    each reading the stored tallies of asked questions and points (scoring/results.py).

    Discrimination is the corrected item–total correlation: over submitted scorecards that
    rated the question and at least one other, Pearson's r between the question's rating and
    the mean rating of the scorecard's other questions (follow-ups included)."""
    questions = {
        question.pk: QuestionAnalytics(question)
        for question in Question.objects.filter(question_set=question_set).select_related("topic")
    }
    scored = [f"scored_{value}" for value in SCORES]
    sums = ["paired", "x_sum", "y_sum", "xy_sum", "xx_sum", "yy_sum"]
    for row in (
        AnswerTally.objects.filter(question__in=list(questions))
        .values("question")
        .annotate(
            times_asked=Count("interview", distinct=True),
            **{name: Sum(name) for name in ["answers", "skipped", *scored, *sums]},
        )
        .order_by()
    ):
        item = questions[row["question"]]
        item.times_asked, item.answers = row["times_asked"], row["answers"]
        item.skipped = row["skipped"]
        item.ratings = [row[name] for name in scored]
        item.rated = sum(item.ratings)
        total = sum(value * count for value, count in zip(SCORES, item.ratings, strict=True))
        item.mean = total / item.rated if item.rated else None
        item.discrimination_n = row["paired"]
        item.discrimination = correlation(*(row[name] for name in sums))

    texts = {
        (point.question_id, point.position): point.text
        for point in AnswerPoint.objects.filter(question__in=list(questions))
    }
    points = (
        PointTally.objects.filter(question__in=list(questions))
        .values("question", "position")
        .annotate(answers=Sum("answers"), covered=Sum("covered"), partial=Sum("partial"))
        .order_by("question", "position")
    )
    for row in points:
        question_id, position = row["question"], row["position"]
        questions[question_id].points.append(
            PointAnalytics(
                position=position,
                text=texts.get((question_id, position), "(no longer in the bank)"),
                answers=row["answers"],
                covered=row["covered"],
                partial=row["partial"],
            )
        )

    interviews = (
        Interview.objects.filter(
            question_set=question_set,
            scorecards__submitted_at__isnull=False,
            scorecards__shadow=False,
        )
        .values("pk")
        .distinct()
        .count()
    )
    exposures = exposure_of(list(questions))
    by_version = version_figures(list(questions))
    leaks = leak_figures(list(questions))
    for item in questions.values():
        item.exposure = exposures[item.question.pk]
        item.versions = by_version.get(item.question.pk, [])
        item.leak = leaks.get(item.question.pk)
        item.interviews_share = item.times_asked / interviews if interviews else None
        item.flags = question_flags(
            item, interviews=interviews, exposure_threshold=question_set.exposure_threshold
        )
    return sorted(questions.values(), key=lambda item: item.question.position)


def question_flags(
    item: QuestionAnalytics, *, interviews: int, exposure_threshold: int | None = None
) -> list[str]:
    """The flags of a question, in words; explained on the page."""
    flags = []
    if (
        exposure_threshold is not None
        and item.exposure is not None
        and item.exposure.over(exposure_threshold)
    ):
        flags.append(OVER_EXPOSED)
    if item.leak is not None and item.leak.flagged:
        flags.append(PROBABLE_LEAK)
    if interviews >= MIN_ANSWERS and item.times_asked < RARELY_ASKED_SHARE * interviews:
        flags.append("rarely asked")
    if item.answers >= MIN_ANSWERS and item.skip_rate > USUALLY_SKIPPED_SHARE:
        flags.append("usually skipped")
    if (
        item.discrimination is not None
        and item.discrimination_n >= MIN_ANSWERS
        and item.discrimination < DISCRIMINATION_BELOW
    ):
        flags.append("does not separate candidates")
    flags.extend(f"point {point.position}: {point.flag}" for point in item.points if point.flag)
    return flags


# Probable leaks ----------------------------------------------------------------------------

LEAK_WINDOW_DAYS = 90
LEAK_MIN_ANSWERS = 20  # rated answers in the recent window, and before it
PROBABLE_LEAK = "probable leak"


@dataclass
class LeakFigures:
    """Whether a question's ratings rose lately while the rest of its set's did not. Per
    interview, the question's mean rating minus the mean of the set's other questions in the
    same interview (the same candidate, the same panel): its lead. `shift` is the mean lead
    over the interviews of the last LEAK_WINDOW_DAYS minus the mean lead before them, with a
    bootstrap 95 % interval (interviews resampled within each period)."""

    recent_answers: int
    earlier_answers: int
    recent_interviews: int
    earlier_interviews: int
    recent_lead: float | None
    earlier_lead: float | None
    shift: float | None
    interval: tuple[float, float] | None

    @property
    def enough(self) -> bool:
        return min(self.recent_answers, self.earlier_answers) >= LEAK_MIN_ANSWERS

    @property
    def flagged(self) -> bool:
        return self.enough and self.interval is not None and self.interval[0] > 0


def bootstrap_shift(
    recent: np.ndarray, earlier: np.ndarray, *, key: tuple[int, ...], resamples: int = RESAMPLES
) -> tuple[float, float] | None:
    """95 % percentile interval of mean(recent) − mean(earlier), each resampled with
    replacement on its own."""
    if len(recent) < 2 or len(earlier) < 2:
        return None
    rng = _rng(*key)
    n = len(recent) + len(earlier)
    block, shifts = max(1, BOOTSTRAP_BLOCK // n), []
    for done in range(0, resamples, block):
        size = min(block, resamples - done)
        late = recent[rng.integers(0, len(recent), size=(size, len(recent)))].mean(axis=1)
        early = earlier[rng.integers(0, len(earlier), size=(size, len(earlier)))].mean(axis=1)
        shifts.append(late - early)
    return percentile_interval(np.concatenate(shifts))


def leak_figures(
    question_ids: list[int], *, now=None, resamples: int = RESAMPLES
) -> dict[int, LeakFigures]:
    """Each question's LeakFigures, from one query over the stored tallies of the questions'
    interviews (a row per asked bank question: its submitted ratings summed)."""
    rows = list(
        AnswerTally.objects.filter(question__in=question_ids)
        .values_list(
            "interview_id",
            "question_id",
            "interview__scheduled_at",
            *(f"scored_{value}" for value in SCORES),
        )
        .order_by()
    )
    if not rows:
        return {}
    interviews = np.array([row[0] for row in rows])
    questions = np.array([row[1] for row in rows])
    counts = np.array([row[3:] for row in rows], dtype=float)
    start = _day_start(LEAK_WINDOW_DAYS, now)
    recent = np.array([row[2] >= start for row in rows])
    rated = counts.sum(axis=1)
    total = counts @ np.array(SCORES, dtype=float)
    # Each interview's sums over all its bank questions, less the row's own: the rest.
    _, unit = np.unique(interviews, return_inverse=True)
    rest_rated = np.bincount(unit, weights=rated)[unit] - rated
    rest_total = np.bincount(unit, weights=total)[unit] - total
    usable = (rated > 0) & (rest_rated > 0)
    lead = np.full(len(rows), np.nan)
    lead[usable] = total[usable] / rated[usable] - rest_total[usable] / rest_rated[usable]
    figures = {}
    for question in np.unique(questions):
        mine = (questions == question) & usable
        late, early = mine & recent, mine & ~recent
        late_leads, early_leads = lead[late], lead[early]
        item = LeakFigures(
            recent_answers=int(rated[late].sum()),
            earlier_answers=int(rated[early].sum()),
            recent_interviews=int(late.sum()),
            earlier_interviews=int(early.sum()),
            recent_lead=float(late_leads.mean()) if len(late_leads) else None,
            earlier_lead=float(early_leads.mean()) if len(early_leads) else None,
            shift=None,
            interval=None,
        )
        if item.recent_lead is not None and item.earlier_lead is not None:
            item.shift = item.recent_lead - item.earlier_lead
        if item.enough:
            item.interval = bootstrap_shift(
                late_leads, early_leads, key=(int(question), 25), resamples=resamples
            )
        figures[int(question)] = item
    return figures


# Versions ----------------------------------------------------------------------------------


@dataclass
class VersionFigures:
    """A question's figures over the interviews that asked one recorded version of it."""

    version: int | None  # the history row; None for interviews planned before history began
    since: datetime.datetime | None
    reason: str
    prompt: str
    times_asked: int
    rated: int
    mean: float | None


def version_figures(question_ids: list[int]) -> dict[int, list[VersionFigures]]:
    """Each question's times asked and mean rating per version the interviews copied, oldest
    first; one query over the tallies, joined to the asked question and its version by
    primary key. Questions whose interviews all asked one version have none (nothing to
    split)."""
    scored = [f"scored_{value}" for value in SCORES]
    version = "interview_question__question_version"
    rows = (
        AnswerTally.objects.filter(question__in=question_ids)
        .values(
            "question",
            version,
            f"{version}__history_date",
            f"{version}__history_change_reason",
            f"{version}__prompt",
        )
        .annotate(times_asked=Count("interview", distinct=True), **{n: Sum(n) for n in scored})
        .order_by()
    )
    split = {}
    for row in rows:
        ratings = [row[name] for name in scored]
        rated = sum(ratings)
        total = sum(value * count for value, count in zip(SCORES, ratings, strict=True))
        split.setdefault(row["question"], []).append(
            VersionFigures(
                version=row[version],
                since=row[f"{version}__history_date"],
                reason=row[f"{version}__history_change_reason"] or "",
                prompt=row[f"{version}__prompt"] or "",
                times_asked=row["times_asked"],
                rated=rated,
                mean=total / rated if rated else None,
            )
        )
    return {
        question: sorted(figures, key=lambda f: (f.version is not None, f.version or 0))
        for question, figures in split.items()
        if len(figures) > 1
    }


# Exposure ----------------------------------------------------------------------------------

# Candidates asked a question within these many days; the flag reads the middle one.
EXPOSURE_WINDOWS = (30, 90, 365)
EXPOSURE_FLAG_WINDOW = 90
OVER_EXPOSED = "over-exposed"


@dataclass
class Exposure:
    """How many candidates a bank question has been asked of: in each of the last
    EXPOSURE_WINDOWS days and in all, and when first and last. Asked means an interview with
    a submitted scorecard whose plan held it (the interview's scheduled time)."""

    candidates: dict[int, int] = field(default_factory=lambda: dict.fromkeys(EXPOSURE_WINDOWS, 0))
    candidates_all: int = 0
    first_asked: datetime.datetime | None = None
    last_asked: datetime.datetime | None = None

    def over(self, threshold: int) -> bool:
        return self.candidates[EXPOSURE_FLAG_WINDOW] > threshold

    @property
    def candidates_30(self):
        return self.candidates[30]

    @property
    def candidates_90(self):
        return self.candidates[90]

    @property
    def candidates_365(self):
        return self.candidates[365]


def _day_start(days: int, now=None) -> datetime.datetime:
    """The start of the window of the last `days` days: whole days, from the start of the
    day `days` before today (as the stored sums count them, scoring/question_sums.py)."""
    day = timezone.localdate(now or timezone.now()) - datetime.timedelta(days=days)
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time()))


def _window_starts(now=None) -> dict[int, datetime.datetime]:
    return {days: _day_start(days, now) for days in EXPOSURE_WINDOWS}


def exposure_of(question_ids: list[int], *, now=None) -> dict[int, Exposure]:
    """Each question's exposure, in one query over the stored answer tallies (a row per asked
    question with a submitted scorecard), joined to their interviews by primary key."""
    starts = _window_starts(now)
    exposures = {pk: Exposure() for pk in question_ids}
    rows = (
        AnswerTally.objects.filter(question__in=question_ids)
        .values("question")
        .annotate(
            **{
                f"within_{days}": Count(
                    "interview__candidate",
                    distinct=True,
                    filter=Q(interview__scheduled_at__gte=start),
                )
                for days, start in starts.items()
            },
            candidates_all=Count("interview__candidate", distinct=True),
            first_asked=Min("interview__scheduled_at"),
            last_asked=Max("interview__scheduled_at"),
        )
        .order_by()
    )
    for row in rows:
        exposures[row["question"]] = Exposure(
            candidates={days: row[f"within_{days}"] for days in EXPOSURE_WINDOWS},
            candidates_all=row["candidates_all"],
            first_asked=row["first_asked"],
            last_asked=row["last_asked"],
        )
    return exposures


def with_exposure(questions: QuerySet[Question], *, now=None) -> QuerySet[Question]:
    """Annotate bank questions with their exposure (candidates_30, _90, _365, _all,
    first_asked, last_asked) and `over_exposed`, for the admin's sortable list: a subquery
    each, on the tallies' question index, so a page costs one query whatever the history."""
    tallies = AnswerTally.objects.filter(question=OuterRef("pk"))
    candidates = Count("interview__candidate", distinct=True)
    windows = {
        f"candidates_{days}": Coalesce(
            _single(tallies.filter(interview__scheduled_at__gte=start), "question", candidates),
            0,
        )
        for days, start in _window_starts(now).items()
    }
    return questions.annotate(
        **windows,
        candidates_all=Coalesce(_single(tallies, "question", candidates), 0),
        first_asked=_single(tallies, "question", Min("interview__scheduled_at")),
        last_asked=_single(tallies, "question", Max("interview__scheduled_at")),
    ).annotate(
        over_exposed=ExpressionWrapper(
            Q(**{f"candidates_{EXPOSURE_FLAG_WINDOW}__gt": F("question_set__exposure_threshold")}),
            output_field=BooleanField(),
        )
    )


def with_usage(questions: QuerySet[Question]) -> QuerySet[Question]:
    """Annotate bank questions with how many interviews with a submitted scorecard asked them,
    and their mean submitted rating, for the admin's list."""
    asked = InterviewQuestion.objects.filter(
        question=OuterRef("pk"),
        interview__scorecards__submitted_at__isnull=False,
        interview__scorecards__shadow=False,
    )
    rated = Rating.objects.filter(
        interview_question__question=OuterRef("pk"),
        scorecard__submitted_at__isnull=False,
        scorecard__shadow=False,
        score__isnull=False,
    )
    return questions.annotate(
        times_asked=Coalesce(_single(asked, "question", Count("interview", distinct=True)), 0),
        mean_rating=_single(rated, "interview_question__question", Avg("score")),
    )


# After debriefs ------------------------------------------------------------------------------


@dataclass
class DebriefFigures:
    """What an interviewer's scorecards did after their candidates' debriefs opened, and how
    their recommendations sat with the final decisions (docs/scoring.md)."""

    debriefed: int = 0  # counted scorecards with values kept at a debrief
    moved: int = 0  # of those, changed since (score or recommendation)
    score_move_sum: float = 0.0  # Σ |Δ score| over the moved scorecards
    recommendation_move_sum: int = 0  # Σ |Δ recommendation| steps over them
    toward: int = 0  # moved scores that came nearer the rest of the panel's mean
    away: int = 0  # and those that went further from it
    decided: int = 0  # counted scorecards of candidates decided hire or no hire
    agreed: int = 0  # of those, recommendations on the decision's side of hire

    @property
    def moved_share(self):
        return self.moved / self.debriefed if self.debriefed else None

    @property
    def score_distance(self):
        return self.score_move_sum / self.moved if self.moved else None

    @property
    def recommendation_distance(self):
        return self.recommendation_move_sum / self.moved if self.moved else None

    @property
    def agreement(self):
        return self.agreed / self.decided if self.decided else None


def debrief_calibration(
    scorecards: QuerySet[Scorecard], *, by: str = "interviewer"
) -> dict[int, DebriefFigures]:
    """Per interviewer (by id; or per scorecard with `by="pk"`) of the counted `scorecards`,
    two queries:

    - drift after debriefs: of their scorecards whose values were kept when the candidate's
      debrief opened, how many changed since, by how much (mean absolute change of score and
      of recommendation steps over the moved ones), and whether each moved score came toward
      or went away from the mean of the rest of the panel's scores at the debrief (all the
      candidate's other scorecards kept then, whatever the filters);
    - agreement with the final decision: of their scorecards of candidates with a standing
      Hire or No hire (Hold is neither side), the share whose recommendation as it stands
      falls on the same side of hire."""
    standing = Decision.objects.filter(candidate=OuterRef("interview__candidate"), ended_at=None)
    sheets = list(
        scorecards.annotate(
            outcome=Subquery(standing.values("outcome")[:1]),
        ).values_list(
            by,
            "interview__candidate",
            "score_mean",
            "debrief_score_mean",
            "recommendation",
            "debrief_recommendation",
            "outcome",
        )
    )
    # The panel at each debrief: sums and counts of kept scores per candidate.
    kept = Scorecard.objects.filter(
        interview__candidate__in={sheet[1] for sheet in sheets if sheet[5] is not None},
        submitted_at__isnull=False,
        shadow=False,
        debrief_score_mean__isnull=False,
    )
    panels = {
        candidate: (total, count)
        for candidate, total, count in kept.order_by()
        .values("interview__candidate")
        .annotate(total=Sum("debrief_score_mean"), count=Count("pk"))
        .values_list("interview__candidate", "total", "count")
    }
    figures: dict[int, DebriefFigures] = {}
    for interviewer, candidate, score, kept_score, recommendation, kept_rec, outcome in sheets:
        item = figures.setdefault(interviewer, DebriefFigures())
        if outcome in (Decision.Outcome.HIRE, Decision.Outcome.NO_HIRE):
            item.decided += 1
            item.agreed += (recommendation >= Recommendation.YES) == (
                outcome == Decision.Outcome.HIRE
            )
        if kept_rec is None:
            continue
        item.debriefed += 1
        score_moved = (
            kept_score is not None and score is not None and abs(score - kept_score) > 1e-9
        )
        if not score_moved and recommendation == kept_rec:
            continue
        item.moved += 1
        item.score_move_sum += abs(score - kept_score) if score_moved else 0.0
        item.recommendation_move_sum += abs(recommendation - kept_rec)
        total, count = panels.get(candidate, (0.0, 0))
        if score_moved and count > 1:
            others = (total - kept_score) / (count - 1)
            before, after = abs(kept_score - others), abs(score - others)
            item.toward += after < before
            item.away += after > before
    return figures
