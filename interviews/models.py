"""Candidates and their interviews. An interview keeps a snapshot of every question it asks,
so editing or retiring a bank question never changes an interview that already used it."""

from __future__ import annotations

import re
import secrets
from collections.abc import Iterable

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from questions.models import AnswerPoint, LevelAnchor, Question, QuestionSet, Topic

# A candidate's code for anonymised interviews: random, so nothing about the candidate (their
# name, their id, when they were added) can be read back from it. 31 letters and digits that
# cannot be mistaken for one another, eight of them: 31⁸ ≈ 8.5·10¹¹ codes.
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"


def new_candidate_code() -> str:
    code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(8))
    return f"{code[:4]}-{code[4:]}"


class Candidate(models.Model):
    name = models.CharField(max_length=200)
    code = models.CharField(
        max_length=9,
        unique=True,
        default=new_candidate_code,
        editable=False,
        help_text="What interviewers of an anonymised interview see instead of the name.",
    )
    # Blank only once erased; the candidate form requires it.
    email = models.EmailField(blank=True)
    role_applied_for = models.CharField(max_length=200, blank=True)
    notes = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    erased_at = models.DateTimeField(
        null=True, blank=True, help_text="When the candidate's personal data was erased."
    )

    class Meta:
        ordering = ["name", "pk"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("candidate_edit", args=[self.pk])

    @property
    def is_erased(self):
        return self.erased_at is not None

    @property
    def anonymous_name(self):
        return f"Candidate {self.code}"

    def is_named_in(self, text: str) -> bool:
        """Whether `text` has a word of the candidate's name (of three letters or more)."""
        words = [word for word in re.findall(r"\w+", self.name) if len(word) >= 3]
        return any(re.search(rf"\b{re.escape(word)}\b", text, re.IGNORECASE) for word in words)


class Interview(models.Model):
    class Status(models.TextChoices):
        SCHEDULED = "scheduled", "Scheduled"
        IN_PROGRESS = "in_progress", "In progress"
        COMPLETED = "completed", "Completed"
        CANCELLED = "cancelled", "Cancelled"

    candidate = models.ForeignKey(Candidate, on_delete=models.PROTECT, related_name="interviews")
    question_set = models.ForeignKey(
        QuestionSet, on_delete=models.PROTECT, related_name="interviews"
    )
    stage = models.CharField(max_length=200, help_text="For example “Technical interview”.")
    scheduled_at = models.DateTimeField()
    started_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField(max_length=20, choices=Status, default=Status.SCHEDULED)
    interviewers = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="interviews")
    # Trainees on the panel: interviewers too (they run the live page and submit a scorecard
    # under the blind rule), whose scorecards never count towards any result.
    shadows = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="shadowed_interviews", blank=True
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    anonymised = models.BooleanField(
        default=False,
        help_text="Its interviewers see the candidate's code, never their name, email, "
        "role or notes.",
    )

    class Meta:
        ordering = ["scheduled_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["scheduled", "in_progress", "completed", "cancelled"]),
                name="interview_status_valid",
            ),
        ]
        indexes = [
            # The interviews still open, a few among years of them: the scorecards an
            # interviewer owes (the badge on every page of theirs) are read from these.
            models.Index(
                fields=["status", "scheduled_at"],
                condition=Q(status__in=["scheduled", "in_progress"]),
                name="open_interviews",
            ),
        ]

    def __str__(self):
        return f"{self.candidate} · {self.stage}"

    @property
    def candidate_name_for_panel(self):
        """How the candidate is named to the interviewers: by code when anonymised."""
        return self.candidate.anonymous_name if self.anonymised else self.candidate.name

    @property
    def is_open(self):
        """Interviewers may still score it."""
        return self.status in (self.Status.SCHEDULED, self.Status.IN_PROGRESS)

    # The one place an interview's status changes: scheduled → in progress → completed, or
    # cancelled before it completes. Callers hold the interview's row lock.

    def start(self, *, at=None):
        """Mark it running from the first time an interviewer opens it live."""
        if self.status == self.Status.SCHEDULED:
            self.status = self.Status.IN_PROGRESS
            self.started_at = at or timezone.now()
            self.save(update_fields=["status", "started_at"])

    def complete(self):
        """Mark it done, once the last interviewer of its panel has submitted."""
        self.status = self.Status.COMPLETED
        self.completed_at = timezone.now()
        self.save(update_fields=["status", "completed_at"])

    def cancel(self):
        if self.status == self.Status.COMPLETED:
            raise ValidationError("A completed interview cannot be cancelled.")
        self.status = self.Status.CANCELLED
        self.save(update_fields=["status"])


class InterviewQuestion(models.Model):
    """A question as asked in one interview: a copy of the bank question taken when the
    interview was planned, or a follow-up an interviewer added live."""

    interview = models.ForeignKey(Interview, on_delete=models.CASCADE, related_name="questions")
    # Asked bank questions can no longer be deleted, only retired.
    question = models.ForeignKey(
        Question, on_delete=models.PROTECT, null=True, blank=True, related_name="asked"
    )
    # The recorded version of the bank question that was copied (its history row).
    question_version = models.ForeignKey(
        "questions.HistoricalQuestion",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    position = models.PositiveIntegerField()
    # Follow-ups sit after the question at `position`, in the order they were added.
    follow_up_number = models.PositiveSmallIntegerField(default=0)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="The interviewer who added this follow-up; empty for planned questions.",
    )
    # The client's id for a follow-up, so that a retried request never adds it twice.
    client_key = models.UUIDField(null=True, blank=True)
    prompt = models.TextField()
    topic = models.ForeignKey(Topic, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=20, choices=Question.Kind, default=Question.Kind.TECHNICAL)
    intent = models.TextField(blank=True)
    guidance = models.TextField(blank=True)
    reference_answer = models.TextField(blank=True)
    suggested_minutes = models.PositiveSmallIntegerField(default=5)

    class Meta:
        ordering = ["interview", "position", "follow_up_number"]
        constraints = [
            models.UniqueConstraint(
                fields=["interview", "position", "follow_up_number"],
                name="interviewquestion_unique_place",
            ),
            models.UniqueConstraint(
                fields=["interview", "client_key"], name="interviewquestion_unique_client_key"
            ),
            models.CheckConstraint(
                condition=(Q(follow_up_number=0) & Q(added_by__isnull=True))
                | (Q(follow_up_number__gt=0) & Q(added_by__isnull=False)),
                name="interviewquestion_follow_up_has_author",
            ),
        ]

    def __str__(self):
        return self.prompt[:80]

    @property
    def is_follow_up(self):
        return self.follow_up_number > 0

    @classmethod
    def snapshot(cls, plan: Iterable[tuple[Interview, int, Question]]) -> list[InterviewQuestion]:
        """Copy bank questions into interviews, each (interview, position, question) of `plan`
        with its expected points and level anchors, so that later edits to the bank never
        change what an interview asks, and which recorded version of each it copied. Six
        statements, however many questions and interviews (two more the first time a question
        loaded from a fixture, which records no history, is asked): scheduling copies one
        interview's, the bench thousands at once."""
        plan = list(plan)
        bank = {question.pk for _, _, question in plan}
        versions = latest_versions(bank)
        unrecorded = bank - versions.keys()
        if unrecorded:
            Question.history.bulk_history_create(
                list(Question.objects.filter(pk__in=unrecorded)),
                default_change_reason="First recorded when first asked",
            )
            versions = latest_versions(bank)
        points, anchors = {}, {}
        for point in AnswerPoint.objects.filter(question__in=bank).order_by("position"):
            points.setdefault(point.question_id, []).append(point)
        for anchor in LevelAnchor.objects.filter(question__in=bank).order_by("pk"):
            anchors.setdefault(anchor.question_id, []).append(anchor)
        asked = cls.objects.bulk_create(
            cls(
                interview=interview,
                question=question,
                question_version_id=versions[question.pk],
                position=position,
                prompt=question.prompt,
                topic_id=question.topic_id,
                kind=question.kind,
                intent=question.intent,
                guidance=question.guidance,
                reference_answer=question.reference_answer,
                suggested_minutes=question.suggested_minutes,
            )
            for interview, position, question in plan
        )
        InterviewPoint.objects.bulk_create(
            InterviewPoint(
                interview_question=iq, position=p.position, text=p.text, weight=p.weight
            )
            for iq in asked
            for p in points.get(iq.question_id, [])
        )
        InterviewAnchor.objects.bulk_create(
            InterviewAnchor(interview_question=iq, level=a.level, text=a.text)
            for iq in asked
            for a in anchors.get(iq.question_id, [])
        )
        return asked


def latest_versions(question_ids) -> dict[int, int]:
    """The latest recorded version (history row) of each bank question."""
    return dict(
        Question.history.filter(id__in=question_ids)
        .values("id")
        .annotate(latest=models.Max("history_id"))
        .values_list("id", "latest")
        .order_by()
    )


class InterviewPoint(models.Model):
    """An expected answer point of an asked question, copied from the bank."""

    interview_question = models.ForeignKey(
        InterviewQuestion, on_delete=models.CASCADE, related_name="points"
    )
    position = models.PositiveSmallIntegerField()
    text = models.CharField(max_length=500)
    weight = models.PositiveSmallIntegerField(default=1)

    class Meta:
        ordering = ["interview_question", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["interview_question", "position"], name="interviewpoint_unique_position"
            ),
            models.CheckConstraint(
                condition=Q(weight__gt=0), name="interviewpoint_weight_positive"
            ),
        ]

    def __str__(self):
        return self.text


class InterviewAnchor(models.Model):
    """What a rating level meant for an asked question, copied from the bank when the
    interview was planned; follow-ups added live have none."""

    interview_question = models.ForeignKey(
        InterviewQuestion, on_delete=models.CASCADE, related_name="anchors"
    )
    level = models.PositiveSmallIntegerField(choices=LevelAnchor.Level)
    text = models.CharField(max_length=500)

    class Meta:
        ordering = ["interview_question", "level"]
        constraints = [
            models.UniqueConstraint(
                fields=["interview_question", "level"], name="interviewanchor_unique_level"
            ),
            models.CheckConstraint(
                condition=Q(level__gte=1, level__lte=4), name="interviewanchor_level_1_to_4"
            ),
        ]

    def __str__(self):
        return f"{self.get_level_display()}: {self.text}"
