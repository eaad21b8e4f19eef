"""Scores, coverage and candidate results, computed by the database.

- A rating's coverage is Σ weight·value / Σ weight over its question's expected points, with
  covered 1, partial ½ and missed or unmarked 0 (a mark stores twice the value).
- A scorecard's score is its mean rating over rated questions; its coverage is the mean
  coverage of its rated questions that have expected points. Both are stored on the scorecard
  when it is submitted or amended (`store_results`), as nothing else can change them.
- A candidate's result gives each submitted scorecard equal weight: mean, median and spread
  (max − min) of the scorecard scores, the recommendation tally, mean coverage, and the mean
  rating per topic over the submitted ratings of that topic's questions.
"""

from django.db.models import (
    Avg,
    BooleanField,
    Case,
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
    Value,
    When,
)
from django.db.models.functions import Cast, Coalesce

from interviews.models import Candidate, InterviewPoint
from questions.models import QuestionSet, Topic

from .models import PointMark, Rating, Recommendation, Scorecard

DISAGREEMENT_SPREAD = 1.5


def _single(queryset, group_by, aggregate):
    """A subquery yielding one aggregate for the outer row."""
    return Subquery(
        queryset.order_by().values(group_by).annotate(result=aggregate).values("result")[:1]
    )


def rating_coverage():
    """Coverage of a rating, for a Rating queryset; None for a question without points."""
    total = _single(
        InterviewPoint.objects.filter(interview_question=OuterRef("interview_question")),
        "interview_question",
        Sum("weight"),
    )
    earned = _single(
        PointMark.objects.filter(rating=OuterRef("pk")),
        "rating",
        Sum(F("mark") * F("point__weight")),
    )
    return Cast(Coalesce(earned, 0), FloatField()) / Cast(total * 2, FloatField())


def with_coverage(ratings: QuerySet[Rating]) -> QuerySet[Rating]:
    return ratings.annotate(coverage=rating_coverage())


def store_results(scorecard: Scorecard) -> Scorecard:
    """Compute and store a scorecard's score and coverage from its ratings."""
    results = Rating.objects.filter(scorecard=scorecard, score__isnull=False).aggregate(
        mean=Avg("score"), coverage=Avg(rating_coverage())
    )
    scorecard.score_mean = results["mean"]
    scorecard.coverage = results["coverage"]
    scorecard.save(update_fields=["score_mean", "coverage"])
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


def _submitted_scorecards(question_set: QuestionSet | None) -> Q:
    """Scorecards that count towards a result, as a filter on Scorecard."""
    condition = Q(submitted_at__isnull=False, score_mean__isnull=False)
    if question_set is not None:
        condition &= Q(interview__question_set=question_set)
    return condition


def _median_score(question_set: QuestionSet | None):
    """Median of a candidate's scorecard scores, for a Candidate queryset. A score x is a
    middle one when at least half the scores are ≤ x and at least half are ≥ x; the mean
    of the distinct middle scores is the median."""
    counted = Scorecard.objects.filter(
        _submitted_scorecards(question_set), interview__candidate=OuterRef("interview__candidate")
    )
    middle = (
        Scorecard.objects.filter(
            _submitted_scorecards(question_set), interview__candidate=OuterRef("pk")
        )
        .annotate(
            total=_single(counted, "interview__candidate", Count("pk")),
            at_most=_single(
                counted.filter(score_mean__lte=OuterRef("score_mean")),
                "interview__candidate",
                Count("pk"),
            ),
            at_least=_single(
                counted.filter(score_mean__gte=OuterRef("score_mean")),
                "interview__candidate",
                Count("pk"),
            ),
        )
        .filter(at_most__gte=F("total") / 2.0, at_least__gte=F("total") / 2.0)
    )
    return _single(middle, "interview__candidate", Avg("score_mean", distinct=True))


def topic_column(topic: Topic) -> str:
    return f"topic_{topic.pk}"


def candidate_results(
    candidates: QuerySet[Candidate],
    *,
    question_set: QuestionSet | None = None,
    topics: list[Topic] = (),
) -> QuerySet[Candidate]:
    """Annotate each candidate with their result over submitted scorecards (of
    `question_set` if given), and with the mean rating on each of `topics` as `topic_<pk>`."""
    prefix = "interviews__scorecards__"
    counts = Q(**{f"{prefix}submitted_at__isnull": False, f"{prefix}score_mean__isnull": False})
    if question_set is not None:
        counts &= Q(interviews__question_set=question_set)

    def recommended(value):
        return Count(
            "interviews__scorecards", filter=counts & Q(**{f"{prefix}recommendation": value})
        )

    candidates = candidates.annotate(
        scorecard_count=Count("interviews__scorecards", filter=counts),
        mean=Avg(f"{prefix}score_mean", filter=counts),
        lowest=Min(f"{prefix}score_mean", filter=counts),
        highest=Max(f"{prefix}score_mean", filter=counts),
        coverage=Avg(f"{prefix}coverage", filter=counts),
        strong_no=recommended(Recommendation.STRONG_NO),
        no=recommended(Recommendation.NO),
        yes=recommended(Recommendation.YES),
        strong_yes=recommended(Recommendation.STRONG_YES),
        median=_median_score(question_set),
    ).annotate(
        spread=F("highest") - F("lowest"),
        split_decision=Case(
            When(
                (Q(strong_no__gt=0) | Q(no__gt=0)) & (Q(yes__gt=0) | Q(strong_yes__gt=0)),
                then=Value(True),
            ),
            default=Value(False),
            output_field=BooleanField(),
        ),
        disagreement=Case(
            When(split_decision=True, then=Value(True)),
            When(spread__gte=DISAGREEMENT_SPREAD, then=Value(True)),
            default=Value(False),
            output_field=BooleanField(),
        ),
    )
    rated = Rating.objects.filter(
        scorecard__submitted_at__isnull=False,
        scorecard__interview__candidate=OuterRef("pk"),
        score__isnull=False,
    )
    if question_set is not None:
        rated = rated.filter(scorecard__interview__question_set=question_set)
    return candidates.annotate(
        **{
            topic_column(topic): _single(
                rated.filter(interview_question__topic=topic),
                "scorecard__interview__candidate",
                Avg("score"),
            )
            for topic in topics
        }
    )


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
