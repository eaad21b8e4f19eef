"""Evidence and judgement: each interviewer's scorecard for an interview, a rating per asked
question and a mark per expected point. All writes go through scoring/services.py."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from interviews.models import Interview, InterviewPoint, InterviewQuestion


class Recommendation(models.IntegerChoices):
    # No neutral option: the scorecard forces a decision.
    STRONG_NO = 1, "Strong no"
    NO = 2, "No"
    YES = 3, "Yes"
    STRONG_YES = 4, "Strong yes"


class Score(models.IntegerChoices):
    POOR = 1, "Poor"
    MIXED = 2, "Mixed"
    GOOD = 3, "Good"
    EXCELLENT = 4, "Excellent"


class Mark(models.IntegerChoices):
    # The value is twice the point's share of coverage: covered 1, partial ½, missed 0.
    MISSED = 0, "Missed"
    PARTIAL = 1, "Partial"
    COVERED = 2, "Covered"


class Scorecard(models.Model):
    interview = models.ForeignKey(Interview, on_delete=models.CASCADE, related_name="scorecards")
    interviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="scorecards"
    )
    recommendation = models.PositiveSmallIntegerField(
        choices=Recommendation, null=True, blank=True
    )
    summary = models.TextField(blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["interview", "interviewer__username"]
        constraints = [
            models.UniqueConstraint(
                fields=["interview", "interviewer"], name="scorecard_one_per_interviewer"
            ),
            models.CheckConstraint(
                condition=Q(recommendation__in=Recommendation.values)
                | Q(recommendation__isnull=True),
                name="scorecard_recommendation_valid",
            ),
            models.CheckConstraint(
                condition=Q(submitted_at__isnull=True) | Q(recommendation__isnull=False),
                name="scorecard_submitted_has_recommendation",
            ),
        ]

    def __str__(self):
        return f"{self.interviewer} on {self.interview}"

    @property
    def is_submitted(self):
        return self.submitted_at is not None


class Rating(models.Model):
    scorecard = models.ForeignKey(Scorecard, on_delete=models.CASCADE, related_name="ratings")
    interview_question = models.ForeignKey(
        InterviewQuestion, on_delete=models.CASCADE, related_name="ratings"
    )
    score = models.PositiveSmallIntegerField(choices=Score, null=True, blank=True)
    skipped = models.BooleanField(default=False)
    notes = models.TextField(blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["scorecard", "interview_question"]
        constraints = [
            models.UniqueConstraint(
                fields=["scorecard", "interview_question"], name="rating_one_per_question"
            ),
            models.CheckConstraint(
                condition=Q(score__gte=1, score__lte=4) | Q(score__isnull=True),
                name="rating_score_1_to_4",
            ),
            models.CheckConstraint(
                condition=Q(skipped=False) | Q(score__isnull=True),
                name="rating_skipped_has_no_score",
            ),
        ]

    def __str__(self):
        return f"{self.get_score_display() or 'unrated'}: {self.interview_question}"


class PointMark(models.Model):
    rating = models.ForeignKey(Rating, on_delete=models.CASCADE, related_name="marks")
    point = models.ForeignKey(InterviewPoint, on_delete=models.CASCADE, related_name="marks")
    mark = models.PositiveSmallIntegerField(choices=Mark)

    class Meta:
        ordering = ["rating", "point__position"]
        constraints = [
            models.UniqueConstraint(fields=["rating", "point"], name="pointmark_one_per_point"),
            models.CheckConstraint(condition=Q(mark__in=Mark.values), name="pointmark_mark_valid"),
        ]

    def __str__(self):
        return f"{self.get_mark_display()}: {self.point}"
