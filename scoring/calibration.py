"""Calibration (who rates how, whether the panel agrees) and question analytics.

Only submitted scorecards count. The database does the counting, summing and averaging, one
query per table; Python gets per-unit or per-scorecard arrays only where a figure needs them:
the median time to submit (no portable SQL median), Krippendorff's α (the `krippendorff`
package) and the bootstrap intervals, which are seeded so that a page reads the same on
every reload.
"""

import datetime
import math
import warnings
from dataclasses import dataclass, field

import krippendorff
import numpy as np
from django.db.models import (
    Avg,
    Count,
    F,
    FloatField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
)
from django.db.models.functions import Cast, Coalesce

from interviews.models import Interview, InterviewPoint, InterviewQuestion
from questions.models import AnswerPoint, Question, QuestionSet, Topic

from .models import Mark, PointMark, Rating, Recommendation, Score, Scorecard

SEED = 20261129
RESAMPLES = 1000
SCORES = Score.values  # 1–4
# Fewer scorecards than this make a bootstrap interval of a mean too rough to flag anyone.
LENIENCY_MIN_SCORECARDS = 5
SUBMITTED_WITHIN = datetime.timedelta(hours=24)
ALPHA_RELIABLE = 0.8
ALPHA_TENTATIVE = 0.667
# Question flags.
DISCRIMINATION_BELOW = 0.2
MIN_ANSWERS = 10  # the smallest n on which a question or point is flagged
RARELY_ASKED_SHARE = 0.25
USUALLY_SKIPPED_SHARE = 0.5


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
    scheduled day, both ends included)."""
    scorecards = Scorecard.objects.filter(submitted_at__isnull=False)
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
    picks = _rng(*key).integers(0, len(values), size=(resamples, len(values)))
    return percentile_interval(values[picks].mean(axis=1))


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


def _others_mean():
    """For a Scorecard queryset: the mean score of the other submitted scorecards of the same
    interview, None when there are none."""
    others = Scorecard.objects.filter(
        interview=OuterRef("interview"), submitted_at__isnull=False, score_mean__isnull=False
    ).exclude(pk=OuterRef("pk"))
    return _single(others, "interview", Avg("score_mean"))


def _plan_size():
    """For a Scorecard queryset: how many questions its interviewer worked through (the plan
    and their own follow-ups)."""
    plan = InterviewQuestion.objects.filter(interview=OuterRef("interview")).filter(
        Q(added_by__isnull=True) | Q(added_by=OuterRef("interviewer"))
    )
    return _single(plan, "interview", Count("pk"))


def _planned_minutes():
    planned = InterviewQuestion.objects.filter(interview=OuterRef("interview"), follow_up_number=0)
    return _single(planned, "interview", Sum("suggested_minutes"))


def interviewer_calibration(
    scorecards: QuerySet[Scorecard], *, resamples: int = RESAMPLES
) -> list[InterviewerCalibration]:
    """One row per interviewer with a counted scorecard, by name; five queries.

    Leniency is the mean over their scorecards of (their score − the mean score of the other
    submitted scorecards of the same interview), with a 95 % interval from resampling those
    interviews. Time to submit runs from the interview's end, taken as its start (its
    scheduled time if it never started) plus the suggested minutes of its planned questions:
    `completed_at` is stamped when the last scorecard is submitted, so it would measure the
    panel's slowest member rather than the conversation's end."""
    counted = scorecards.values("pk")
    rated = Rating.objects.filter(scorecard__in=counted, score__isnull=False)
    scorecards = scorecards.annotate(others=_others_mean())
    recommended = {
        value: Count("pk", filter=Q(recommendation=value)) for value in Recommendation.values
    }
    rows = (
        scorecards.annotate(plan=_plan_size())
        .values("interviewer")
        .annotate(
            username=F("interviewer__username"),
            first_name=F("interviewer__first_name"),
            last_name=F("interviewer__last_name"),
            count=Count("pk"),
            questions=Sum("plan"),
            leniency=Avg(F("score_mean") - F("others")),
            leniency_n=Count("pk", filter=Q(others__isnull=False, score_mean__isnull=False)),
            **{f"recommended_{value}": aggregate for value, aggregate in recommended.items()},
        )
        .order_by("interviewer__first_name", "interviewer__last_name", "interviewer__username")
    )
    # Separate queries for ratings, points and marks: joining them would multiply the rows.
    ratings = {
        row["scorecard__interviewer"]: row
        for row in Rating.objects.filter(scorecard__in=counted)
        .values("scorecard__interviewer")
        .annotate(
            rated=Count("pk", filter=Q(score__isnull=False)),
            skipped=Count("pk", filter=Q(skipped=True)),
            **{f"score_{value}": Count("pk", filter=Q(score=value)) for value in SCORES},
        )
        .order_by()
    }
    expected = dict(
        InterviewPoint.objects.filter(interview_question__ratings__in=rated)
        .values("interview_question__ratings__scorecard__interviewer")
        .annotate(count=Count("pk"))
        .order_by()
        .values_list("interview_question__ratings__scorecard__interviewer", "count")
    )
    marked = dict(
        PointMark.objects.filter(rating__in=rated)
        .values("rating__scorecard__interviewer")
        .annotate(count=Count("pk"))
        .order_by()
        .values_list("rating__scorecard__interviewer", "count")
    )
    arrays = _scorecard_arrays(scorecards)
    result = []
    for row in rows:
        interviewer = row["interviewer"]
        rating = ratings.get(interviewer, {})
        name = f"{row['first_name']} {row['last_name']}".strip() or row["username"]
        item = InterviewerCalibration(
            interviewer_id=interviewer,
            name=name,
            scorecards=row["count"],
            recommendations=[row[f"recommended_{value}"] for value in Recommendation.values],
            ratings=[rating.get(f"score_{value}", 0) for value in SCORES],
            rated=rating.get("rated", 0),
            skipped=rating.get("skipped", 0),
            questions=row["questions"] or 0,
            points_expected=expected.get(interviewer, 0),
            points_marked=marked.get(interviewer, 0),
            leniency=row["leniency"],
            leniency_n=row["leniency_n"],
        )
        hours, differences = arrays.get(interviewer, (np.array([]), np.array([])))
        if len(hours):
            item.median_hours = float(np.median(hours))
            item.within_24h = float(np.mean(hours <= SUBMITTED_WITHIN.total_seconds() / 3600))
        if len(differences) >= LENIENCY_MIN_SCORECARDS:
            item.leniency_interval = bootstrap_mean(
                differences, key=(interviewer,), resamples=resamples
            )
        result.append(item)
    return result


def _scorecard_arrays(scorecards: QuerySet[Scorecard]) -> dict[int, tuple]:
    """Per interviewer: hours from each interview's end to submission, and each scorecard's
    difference from the rest of its panel (in interview order), from one query."""
    rows = scorecards.annotate(minutes=_planned_minutes()).values_list(
        "interviewer",
        "interview",
        "submitted_at",
        "interview__started_at",
        "interview__scheduled_at",
        "minutes",
        "score_mean",
        "others",
    )
    hours, differences = {}, {}
    for interviewer, _, submitted, started, scheduled, minutes, mean, others in sorted(
        rows, key=lambda row: (row[0], row[1])
    ):
        end = (started or scheduled) + datetime.timedelta(minutes=minutes or 0)
        hours.setdefault(interviewer, []).append((submitted - end).total_seconds() / 3600)
        if mean is not None and others is not None:
            differences.setdefault(interviewer, []).append(mean - others)
    return {
        interviewer: (np.array(values), np.array(differences.get(interviewer, [])))
        for interviewer, values in hours.items()
    }


# Panel agreement ---------------------------------------------------------------------------


@dataclass
class Agreement:
    label: str
    units: int
    alpha: float | None
    interval: tuple[float, float] | None = None
    question_id: int | None = None

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
    patterns = np.asarray(patterns, dtype=float)
    pairable = patterns.sum(axis=1)
    # Each unit's coincidences: n_c (n_k − [c = k]) / (m − 1).
    coincidences = (patterns[:, :, None] * (patterns[:, None, :] - np.eye(patterns.shape[1]))) / (
        pairable - 1
    )[:, None, None]
    observed = np.einsum("bu,uck->bck", weights, coincidences)
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
    # Units with the same counts are interchangeable: draw how many of each pattern.
    patterns, frequency = np.unique(value_counts, axis=0, return_counts=True)
    weights = _rng(*key).multinomial(len(value_counts), frequency / len(value_counts), resamples)
    return percentile_interval(ordinal_alpha_resampled(patterns, weights))


@dataclass
class PanelAgreement:
    overall: Agreement
    topics: list[Agreement] = field(default_factory=list)
    questions: list[Agreement] = field(default_factory=list)


def panel_agreement(
    scorecards: QuerySet[Scorecard], *, resamples: int = RESAMPLES
) -> PanelAgreement:
    """Krippendorff's α (ordinal) over units = asked questions rated by two or more
    interviewers, coders = interviewers, values 1–4 (a skipped answer is a missing value),
    overall, per topic and per bank question (worst first); three queries."""
    units = list(
        Rating.objects.filter(scorecard__in=scorecards.values("pk"), score__isnull=False)
        .values("interview_question")
        .annotate(
            topic=F("interview_question__topic"),
            question=F("interview_question__question"),
            coders=Count("pk"),
            **{f"score_{value}": Count("pk", filter=Q(score=value)) for value in SCORES},
        )
        .filter(coders__gte=2)
        .order_by("interview_question")
        .values_list("topic", "question", *(f"score_{value}" for value in SCORES))
    )
    counts = np.array([unit[2:] for unit in units], dtype=float).reshape(-1, len(SCORES))
    topic_ids = np.array([unit[0] for unit in units])
    question_ids = np.array([unit[1] or 0 for unit in units])

    def agreement(label, selected, key, question_id=None):
        selected_counts = counts[selected]
        return Agreement(
            label=label,
            units=len(selected_counts),
            alpha=ordinal_alpha(selected_counts),
            interval=bootstrap_alpha(selected_counts, key=key, resamples=resamples),
            question_id=question_id,
        )

    result = PanelAgreement(
        overall=agreement("All questions", np.ones(len(units), dtype=bool), (0,))
    )
    if not units:
        return result
    for topic in Topic.objects.filter(pk__in=set(topic_ids.tolist())):
        result.topics.append(agreement(topic.name, topic_ids == topic.pk, (1, topic.pk)))
    for question in Question.objects.filter(pk__in=set(question_ids.tolist()) - {0}):
        result.questions.append(
            agreement(str(question), question_ids == question.pk, (2, question.pk), question.pk)
        )
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
    return (n * sxy - sx * sy) / math.sqrt(spread)


def question_analytics(question_set: QuestionSet) -> list[QuestionAnalytics]:
    """Per question of the set, in order; seven queries, whatever the number of interviews.

    Discrimination is the corrected item–total correlation: over submitted scorecards that
    rated the question and at least one other, Pearson's r between the question's rating and
    the mean rating of the scorecard's other questions."""
    questions = {
        question.pk: QuestionAnalytics(question)
        for question in Question.objects.filter(question_set=question_set).select_related("topic")
    }
    asked = (
        InterviewQuestion.objects.filter(
            question__in=list(questions), interview__scorecards__submitted_at__isnull=False
        )
        .values("question")
        .annotate(
            times_asked=Count("interview", distinct=True),
            answers=Count("interview__scorecards", distinct=True),
        )
        .order_by()
    )
    for row in asked:
        item = questions[row["question"]]
        item.times_asked, item.answers = row["times_asked"], row["answers"]

    # Conditions on the joined scorecard rather than `pk IN (scorecards)`, which SQLite
    # plans badly at scale.
    ratings = Rating.objects.filter(
        scorecard__submitted_at__isnull=False, interview_question__question__in=list(questions)
    )
    scorecard_ratings = Rating.objects.filter(scorecard=OuterRef("scorecard"), score__isnull=False)
    x = Cast("score", FloatField())
    others = Q(score__isnull=False, other_count__gt=0)
    with_others = ratings.annotate(
        other_count=_single(scorecard_ratings, "scorecard", Count("pk")) - 1,
        other_mean=Cast(
            _single(scorecard_ratings, "scorecard", Sum("score")) - F("score"), FloatField()
        )
        / Cast(F("other_count"), FloatField()),
    )
    by_question = (
        with_others.values("interview_question__question")
        .annotate(
            rated=Count("pk", filter=Q(score__isnull=False)),
            skipped=Count("pk", filter=Q(skipped=True)),
            mean=Avg("score"),
            n=Count("pk", filter=others),
            sx=Sum(x, filter=others),
            sy=Sum("other_mean", filter=others),
            sxy=Sum(x * F("other_mean"), filter=others),
            sxx=Sum(x * x, filter=others),
            syy=Sum(F("other_mean") * F("other_mean"), filter=others),
            **{f"score_{value}": Count("pk", filter=Q(score=value)) for value in SCORES},
        )
        .order_by()
    )
    for row in by_question:
        item = questions[row["interview_question__question"]]
        item.rated, item.skipped, item.mean = row["rated"], row["skipped"], row["mean"]
        item.ratings = [row[f"score_{value}"] for value in SCORES]
        item.discrimination_n = row["n"]
        item.discrimination = correlation(
            row["n"], row["sx"], row["sy"], row["sxy"], row["sxx"], row["syy"]
        )

    texts = {
        (point.question_id, point.position): point.text
        for point in AnswerPoint.objects.filter(question__in=list(questions))
    }
    rated = ratings.filter(score__isnull=False)
    # Answers and marks per point in two queries: joining both would multiply the rows.
    marks = {
        (row["point__interview_question__question"], row["point__position"], row["mark"]): row[
            "count"
        ]
        for row in PointMark.objects.filter(rating__in=rated)
        .values("point__interview_question__question", "point__position", "mark")
        .annotate(count=Count("pk"))
        .order_by()
    }
    points = (
        InterviewPoint.objects.filter(interview_question__ratings__in=rated)
        .values("interview_question__question", "position")
        .annotate(answers=Count("pk"))
        .order_by("interview_question__question", "position")
    )
    for row in points:
        question_id, position = row["interview_question__question"], row["position"]
        questions[question_id].points.append(
            PointAnalytics(
                position=position,
                text=texts.get((question_id, position), "(no longer in the bank)"),
                answers=row["answers"],
                covered=marks.get((question_id, position, Mark.COVERED), 0),
                partial=marks.get((question_id, position, Mark.PARTIAL), 0),
            )
        )

    interviews = (
        Interview.objects.filter(question_set=question_set, scorecards__submitted_at__isnull=False)
        .values("pk")
        .distinct()
        .count()
    )
    for item in questions.values():
        item.flags = question_flags(item, interviews=interviews)
    return sorted(questions.values(), key=lambda item: item.question.position)


def question_flags(item: QuestionAnalytics, *, interviews: int) -> list[str]:
    """The flags of a question, in words; explained on the page."""
    flags = []
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


def with_usage(questions: QuerySet[Question]) -> QuerySet[Question]:
    """Annotate bank questions with how many interviews with a submitted scorecard asked them,
    and their mean submitted rating, for the admin's list."""
    asked = InterviewQuestion.objects.filter(
        question=OuterRef("pk"), interview__scorecards__submitted_at__isnull=False
    )
    rated = Rating.objects.filter(
        interview_question__question=OuterRef("pk"),
        scorecard__submitted_at__isnull=False,
        score__isnull=False,
    )
    return questions.annotate(
        times_asked=Coalesce(_single(asked, "question", Count("interview", distinct=True)), 0),
        mean_rating=_single(rated, "interview_question__question", Avg("score")),
    )
