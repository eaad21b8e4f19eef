"""The question bank: curated sets of questions, each with the points a good answer covers.

Every model has a natural key so the seed sets ship as fixtures without primary keys: loading
a fixture twice updates the same rows, and never collides with rows an admin created."""

import secrets

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords


class TopicManager(models.Manager):
    def get_by_natural_key(self, slug):
        return self.get(slug=slug)


class Topic(models.Model):
    slug = models.SlugField(unique=True)
    name = models.CharField(max_length=100)
    position = models.PositiveSmallIntegerField(
        default=0, help_text="Topics are listed in this order, then by name."
    )

    objects = TopicManager()

    class Meta:
        ordering = ["position", "name"]

    def __str__(self):
        return self.name

    def natural_key(self):
        return (self.slug,)


def new_revision() -> int:
    return secrets.randbits(62)


class QuestionSetManager(models.Manager):
    def get_by_natural_key(self, slug):
        return self.get(slug=slug)

    def figures_changed(self, pks=None) -> None:
        """Give the sets (all when `pks` is None) a new `figures_revision`. Call it in the
        transaction of the write, or after it commits, never before."""
        sets = self.all() if pks is None else self.filter(pk__in=pks)
        sets.update(figures_revision=new_revision())


class QuestionSet(models.Model):
    class Level(models.TextChoices):
        JUNIOR = "junior", "Junior"
        MID = "mid", "Mid-level"
        SENIOR = "senior", "Senior"

    slug = models.SlugField(unique=True)
    title = models.CharField(max_length=200)
    level = models.CharField(max_length=20, choices=Level, default=Level.MID)
    description = models.TextField(blank=True)
    source = models.CharField(
        max_length=200, blank=True, help_text="The document the questions were taken from."
    )
    shadow_scorecards_to_qualify = models.PositiveSmallIntegerField(
        default=3,
        validators=[MinValueValidator(1), MaxValueValidator(50)],
        help_text="How many agreeing shadow scorecards qualify an interviewer on this set.",
    )
    anonymised = models.BooleanField(
        default=False,
        help_text="Interviews of this set are scheduled anonymised: their interviewers see a "
        "code instead of the candidate's name, email, role and notes.",
    )
    hide_names_until_decided = models.BooleanField(
        "Hide names on compare until decided",
        default=False,
        help_text="Hiring managers too see a candidate's code instead of their name and email "
        "on compare, the grid and the debrief (and their CSVs and the API) until a decision "
        "on the candidate is recorded.",
    )
    exposure_threshold = models.PositiveIntegerField(
        default=50,
        help_text="A question asked of more candidates than this in 90 days is flagged "
        "over-exposed on question analytics and in the question list.",
    )
    # Calibration and question analytics keep what they compute from the set in the cache
    # under this number (scoring/figures.py); every write that changes one of their figures
    # or labels gives the set a new one: its stored sums (scoring/sums.py) and any edit of
    # its bank in the admin or by import. Random, so a stale copy of the set saved later
    # cannot bring an old number back; not part of exports or fixtures.
    figures_revision = models.BigIntegerField(
        default=new_revision, editable=False, serialize=False
    )

    objects = QuestionSetManager()

    class Meta:
        ordering = ["title"]

    def __str__(self):
        return self.title

    def natural_key(self):
        return (self.slug,)


class QuestionManager(models.Manager):
    def get_by_natural_key(self, set_slug, slug):
        return self.get(question_set__slug=set_slug, slug=slug)


class Question(models.Model):
    class Kind(models.TextChoices):
        TECHNICAL = "technical", "Technical"
        BEHAVIOURAL = "behavioural", "Behavioural"

    question_set = models.ForeignKey(
        QuestionSet, on_delete=models.CASCADE, related_name="questions"
    )
    slug = models.SlugField(help_text="Stable within its set; interviews refer to it.")
    position = models.PositiveIntegerField()
    prompt = models.TextField(help_text="The question as the interviewer asks it.")
    topic = models.ForeignKey(Topic, on_delete=models.PROTECT, related_name="questions")
    kind = models.CharField(max_length=20, choices=Kind, default=Kind.TECHNICAL)
    intent = models.TextField(blank=True, help_text="What the question assesses.")
    guidance = models.TextField(blank=True, help_text="What to look for in an answer.")
    reference_answer = models.TextField(blank=True)
    suggested_minutes = models.PositiveSmallIntegerField(default=5)
    is_active = models.BooleanField(
        "active",
        default=True,
        help_text="Retire a question instead of deleting it: interviews keep what they asked.",
    )

    objects = QuestionManager()
    # Every change, with who and when (django-simple-history): a row per version, which the
    # questions interviews asked point to (InterviewQuestion.question_version).
    history = HistoricalRecords()

    class Meta:
        ordering = ["question_set", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["question_set", "slug"], name="question_unique_slug_per_set"
            ),
            models.UniqueConstraint(
                fields=["question_set", "position"], name="question_unique_position_per_set"
            ),
            models.CheckConstraint(
                condition=Q(suggested_minutes__gt=0),
                name="question_suggested_minutes_positive",
                violation_error_message="Suggested minutes must be greater than 0.",
            ),
        ]

    def __str__(self):
        return f"{self.position}. {self.prompt[:80]}"

    def natural_key(self):
        return self.question_set.natural_key() + (self.slug,)

    natural_key.dependencies = ["questions.topic", "questions.questionset"]


class AnswerPointManager(models.Manager):
    def get_by_natural_key(self, set_slug, question_slug, position):
        return self.get(
            question__question_set__slug=set_slug,
            question__slug=question_slug,
            position=position,
        )


class AnswerPoint(models.Model):
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="points")
    position = models.PositiveSmallIntegerField()
    text = models.CharField(max_length=500)
    weight = models.PositiveSmallIntegerField(
        default=1, help_text="How much this point counts towards coverage."
    )

    objects = AnswerPointManager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["question", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["question", "position"], name="answerpoint_unique_position_per_question"
            ),
            models.CheckConstraint(
                condition=Q(weight__gt=0),
                name="answerpoint_weight_positive",
                violation_error_message="An answer point's weight must be greater than 0.",
            ),
        ]

    def __str__(self):
        return self.text

    def natural_key(self):
        return self.question.natural_key() + (self.position,)

    natural_key.dependencies = ["questions.question"]


class LevelAnchorManager(models.Manager):
    def get_by_natural_key(self, set_slug, question_slug, level):
        return self.get(
            question__question_set__slug=set_slug, question__slug=question_slug, level=level
        )


class LevelAnchor(models.Model):
    """What an answer at one rating level looks like for this question, so that two
    interviewers hearing the same answer give it the same score."""

    class Level(models.IntegerChoices):
        POOR = 1, "Poor"
        MIXED = 2, "Mixed"
        GOOD = 3, "Good"
        EXCELLENT = 4, "Excellent"

    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="anchors")
    level = models.PositiveSmallIntegerField(choices=Level)
    text = models.CharField(
        max_length=500, help_text="One or two sentences: what the answer covers, and how well."
    )

    objects = LevelAnchorManager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["question", "level"]
        constraints = [
            models.UniqueConstraint(
                fields=["question", "level"], name="levelanchor_unique_level_per_question"
            ),
            models.CheckConstraint(
                condition=Q(level__gte=1, level__lte=4),
                name="levelanchor_level_1_to_4",
                violation_error_message="A level is 1 Poor, 2 Mixed, 3 Good or 4 Excellent.",
            ),
        ]

    def __str__(self):
        return f"{self.get_level_display()}: {self.text}"

    def natural_key(self):
        return self.question.natural_key() + (self.level,)

    natural_key.dependencies = ["questions.question"]
