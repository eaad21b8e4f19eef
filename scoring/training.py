"""Training interviewers: how a trainee's shadow scorecards compare with the panel they
shadowed, and the rule that qualifies them on a question set.

A shadow scorecard *agrees* with its panel when, over the questions both rated, the mean
absolute difference between the trainee's rating and the counted panel's mean rating is at
most `settings.QUALIFY_MAX_DIFFERENCE` (0.5 by default). Its recommendation is on the *same
side* when it says hire (Yes, Strong yes) exactly when the panel's mean recommendation is at
least 2.5. A trainee is qualified on a set once `QuestionSet.shadow_scorecards_to_qualify`
(3 by default) of their shadow scorecards on it agree, and most of those (more than half)
are on the same side; or when an admin says so."""

from collections import defaultdict
from dataclasses import dataclass
from typing import NamedTuple

from django.conf import settings
from django.contrib.auth.models import User
from django.db.models import Avg, QuerySet

from audit import services as audit
from interviews.models import Interview
from questions.models import QuestionSet

from .models import Qualification, Rating, Recommendation, Scorecard

HIRE_FROM = (Recommendation.NO + Recommendation.YES) / 2  # 2.5


class Shadow(NamedTuple):
    """A submitted shadow scorecard as the trainees' table reads it: without the scorecard
    and its interview, read a thousand at a time after years of training."""

    pk: int
    interview_id: int
    interviewer_id: int
    question_set_id: int
    recommendation: int

    @property
    def is_hire(self):
        return self.recommendation >= Recommendation.YES


@dataclass
class ShadowScorecard:
    scorecard: Shadow
    difference: float | None  # None: no question rated by both
    same_side: bool | None  # None: the panel has not submitted

    @property
    def agrees(self) -> bool:
        return self.difference is not None and self.difference <= settings.QUALIFY_MAX_DIFFERENCE


@dataclass
class TraineeProgress:
    interviewer: User
    question_set: QuestionSet
    shadow_scorecards: list[ShadowScorecard]
    qualification: Qualification | None

    @property
    def agreeing(self) -> list[ShadowScorecard]:
        return [item for item in self.shadow_scorecards if item.agrees]

    @property
    def same_side(self) -> int:
        return sum(1 for item in self.agreeing if item.same_side)

    @property
    def needed(self) -> int:
        return self.question_set.shadow_scorecards_to_qualify

    @property
    def meets_rule(self) -> bool:
        agreeing = self.agreeing
        return len(agreeing) >= self.needed and self.same_side * 2 > len(agreeing)


def panel_comparisons(shadows: list[Shadow]) -> dict[int, tuple[float | None, bool | None]]:
    """For each of the submitted shadow scorecards `shadows`, by pk: its mean absolute
    difference from its counted panel's mean ratings (None: no question rated by both) and
    whether its recommendation is on the panel's side of hire (None: the panel has not
    submitted). Three queries."""
    interviews = {scorecard.interview_id for scorecard in shadows}
    panel_means = {
        (row["scorecard__interview"], row["interview_question"]): row["mean"]
        for row in Rating.objects.filter(
            scorecard__interview__in=interviews,
            scorecard__shadow=False,
            scorecard__submitted_at__isnull=False,
            score__isnull=False,
        )
        .values("scorecard__interview", "interview_question")
        .annotate(mean=Avg("score"))
    }
    panel_recommendations = dict(
        Scorecard.objects.counted()
        .filter(interview__in=interviews)
        .values("interview")
        .annotate(mean=Avg("recommendation"))
        .values_list("interview", "mean")
    )
    differences = defaultdict(list)
    for scorecard, interview, question, score in Rating.objects.filter(
        scorecard__in=[scorecard.pk for scorecard in shadows], score__isnull=False
    ).values_list("scorecard", "scorecard__interview", "interview_question", "score"):
        mean = panel_means.get((interview, question))
        if mean is not None:
            differences[scorecard].append(abs(score - mean))
    comparisons = {}
    for scorecard in shadows:
        found = differences.get(scorecard.pk)
        panel = panel_recommendations.get(scorecard.interview_id)
        comparisons[scorecard.pk] = (
            sum(found) / len(found) if found else None,
            None if panel is None else scorecard.is_hire == (panel >= HIRE_FROM),
        )
    return comparisons


def compare_with_panels(shadows: QuerySet[Scorecard]) -> list[ShadowScorecard]:
    """Each submitted shadow scorecard of `shadows`, as a `Shadow` row, beside its counted
    panel. Four queries, one when there is none."""
    shadows = [
        Shadow(*row)
        for row in shadows.filter(shadow=True, submitted_at__isnull=False)
        .order_by("pk")
        .values_list("pk", "interview", "interviewer", "interview__question_set", "recommendation")
    ]
    if not shadows:
        return []
    comparisons = panel_comparisons(shadows)
    return [ShadowScorecard(shadow, *comparisons[shadow.pk]) for shadow in shadows]


def compared_shadows(question_set: QuestionSet | None = None) -> list[ShadowScorecard]:
    """Every submitted shadow scorecard on `question_set`, or on any, beside its panel."""
    scorecards = Scorecard.objects.all()
    if question_set is not None:
        scorecards = scorecards.filter(interview__question_set=question_set)
    return compare_with_panels(scorecards)


def trainee_progress(
    *, question_set: QuestionSet | None = None, compared: list[ShadowScorecard] | None = None
) -> list[TraineeProgress]:
    """Everyone with a submitted shadow scorecard (on `question_set`, or on any), per
    question set, with their progress towards qualifying on it; by set, then name.
    `compared` is what `compared_shadows(question_set)` returns, or a kept copy of it.
    Three queries besides those (people, sets and qualifications), none when there is none."""
    if compared is None:
        compared = compared_shadows(question_set)
    if not compared:
        return []
    by_trainee = defaultdict(list)
    for item in compared:
        shadow = item.scorecard
        by_trainee[(shadow.interviewer_id, shadow.question_set_id)].append(item)
    users = User.objects.in_bulk({user for user, _ in by_trainee})
    question_sets = QuestionSet.objects.in_bulk({question_set for _, question_set in by_trainee})
    qualifications = {
        (q.interviewer_id, q.question_set_id): q
        for q in Qualification.objects.filter(interviewer__in=list(users)).select_related(
            "granted_by"
        )
    }
    progress = [
        TraineeProgress(
            interviewer=users[user],
            question_set=question_sets[question_set],
            shadow_scorecards=items,
            qualification=qualifications.get((user, question_set)),
        )
        for (user, question_set), items in by_trainee.items()
    ]
    return sorted(
        progress,
        key=lambda row: (
            row.question_set.title,
            row.interviewer.get_full_name(),
            row.interviewer.username,
        ),
    )


def qualify_shadows(*, interview: Interview) -> list[Qualification]:
    """Qualify each shadow of the interview who now meets the rule on its question set. Call
    it inside the transaction of a submission or amendment in the interview."""
    shadows = interview.shadows.exclude(qualifications__question_set=interview.question_set_id)
    made = []
    for shadow in shadows:
        progress = TraineeProgress(
            interviewer=shadow,
            question_set=interview.question_set,
            shadow_scorecards=compare_with_panels(
                Scorecard.objects.filter(
                    interviewer=shadow, interview__question_set=interview.question_set_id
                )
            ),
            qualification=None,
        )
        if progress.meets_rule:
            qualification, created = Qualification.objects.get_or_create(
                interviewer=shadow, question_set=interview.question_set
            )
            if created:
                made.append(qualification)
                audit.record(
                    actor=None,
                    action="interviewer_qualified",
                    subject=f"{shadow.username} on {interview.question_set.slug}",
                    details={"agreeing_shadow_scorecards": len(progress.agreeing)},
                )
    return made


def qualified_on_panel(*, question_set: QuestionSet, interviewers) -> bool:
    return Qualification.objects.filter(
        question_set=question_set, interviewer__in=interviewers
    ).exists()
