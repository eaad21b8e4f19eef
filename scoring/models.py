"""Evidence and judgement: each interviewer's scorecard for an interview, a rating per asked
question and a mark per expected point. All writes go through scoring/services.py."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from interviews.models import Interview, InterviewPoint, InterviewQuestion
from questions.models import QuestionSet


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


class ScorecardQuerySet(models.QuerySet):
    def counted(self):
        """Submitted scorecards of the panel proper: shadows' never count."""
        return self.filter(submitted_at__isnull=False, shadow=False)


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
    # Written by a shadow (a trainee on the panel, `Interview.shadows`), when it was made.
    shadow = models.BooleanField(default=False, editable=False)
    # The results of a submitted scorecard, stored when it is submitted or amended (it cannot
    # change otherwise), so that candidates are compared in one query.
    score_mean = models.FloatField(null=True, blank=True, editable=False)
    coverage = models.FloatField(null=True, blank=True, editable=False)
    # Its tallies, stored with them for calibration (scoring/results.py, `store_tallies`):
    # the questions in the interviewer's plan, how many they skipped and rated with each
    # score, and the expected points of the rated questions and how many of those they marked.
    question_count = models.PositiveIntegerField(default=0, editable=False)
    skipped_count = models.PositiveIntegerField(default=0, editable=False)
    scored_1 = models.PositiveIntegerField(default=0, editable=False)
    scored_2 = models.PositiveIntegerField(default=0, editable=False)
    scored_3 = models.PositiveIntegerField(default=0, editable=False)
    scored_4 = models.PositiveIntegerField(default=0, editable=False)
    points_expected = models.PositiveIntegerField(default=0, editable=False)
    points_marked = models.PositiveIntegerField(default=0, editable=False)
    # Its recommendation and mean score when its candidate's debrief opened (see Debrief).
    debrief_recommendation = models.PositiveSmallIntegerField(
        null=True, blank=True, editable=False
    )
    debrief_score_mean = models.FloatField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ScorecardQuerySet.as_manager()

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
        indexes = [
            # Whether an interviewer submitted their scorecard of an interview, from the
            # index alone: the scorecards they owe are the open interviews without one.
            models.Index(
                fields=["interview", "interviewer"],
                condition=Q(submitted_at__isnull=False),
                name="submitted_scorecards",
            ),
            # Calibration's trainees: the submitted shadow scorecards, a few in a hundred.
            models.Index(
                fields=["interview"],
                condition=Q(shadow=True, submitted_at__isnull=False),
                name="submitted_shadow_scorecards",
            ),
        ]

    def __str__(self):
        return f"{self.interviewer} on {self.interview}"

    @property
    def is_submitted(self):
        return self.submitted_at is not None

    @property
    def score_percent(self):
        """The mean rating on a 0–100 scale: 1 is 0 %, 4 is 100 %."""
        return None if self.score_mean is None else (self.score_mean - 1) / 3 * 100

    @property
    def is_hire(self):
        return self.recommendation is not None and self.recommendation >= Recommendation.YES


class Rating(models.Model):
    """An answer's score (or skip), notes and point marks.

    `versions` says when each field's stored value was made: the client's clock, in
    milliseconds since the epoch, at the keystroke or click ("score" for score and skip
    together, "notes", and "mark-<point id>"). A change made earlier than the stored value
    is not applied, so a queue sent late, or a second tab, never overwrites a later edit. The
    client's clock rather than a counter, because two tabs (or a tab and its reload) share no
    counter but do share a clock. Saves without a version (the plain form, scripts) apply as
    they come and leave the versions alone, so that no server clock is set against a
    browser's."""

    scorecard = models.ForeignKey(Scorecard, on_delete=models.CASCADE, related_name="ratings")
    interview_question = models.ForeignKey(
        InterviewQuestion, on_delete=models.CASCADE, related_name="ratings"
    )
    score = models.PositiveSmallIntegerField(choices=Score, null=True, blank=True)
    skipped = models.BooleanField(default=False)
    notes = models.TextField(blank=True)
    versions = models.JSONField(default=dict, blank=True, editable=False)
    updated_at = models.DateTimeField(auto_now=True)
    # Stored when its scorecard is submitted or amended (results.store_results), as its marks
    # cannot change after, for the answers CSV to read instead of counting every mark: its
    # question's expected points, how many it marked covered, partial and missed, and its
    # coverage (selectors.rating_coverage; None for a question without points).
    expected_points = models.PositiveSmallIntegerField(default=0, editable=False)
    covered_points = models.PositiveSmallIntegerField(default=0, editable=False)
    partial_points = models.PositiveSmallIntegerField(default=0, editable=False)
    missed_points = models.PositiveSmallIntegerField(default=0, editable=False)
    point_coverage = models.FloatField(null=True, blank=True, editable=False)

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


class AnswerTally(models.Model):
    """The submitted answers to one asked question, stored by `results.store_tallies`
    whenever a scorecard of its interview is submitted or amended (nothing else changes
    them), so that calibration and question analytics read a row per asked question instead
    of every rating. A row exists for each asked question that a submitted scorecard's plan
    held. The sums are those of discrimination: over the rated answers whose scorecard rated
    another question too, the answer's rating (x) and the mean of the scorecard's other
    ratings (y)."""

    interview_question = models.OneToOneField(
        InterviewQuestion, on_delete=models.CASCADE, primary_key=True, related_name="tally"
    )
    # Copied from the asked question, which never changes, so that no page joins it.
    interview = models.ForeignKey(Interview, on_delete=models.CASCADE, related_name="+")
    question = models.ForeignKey(
        "questions.Question", on_delete=models.CASCADE, null=True, related_name="+"
    )
    topic = models.ForeignKey("questions.Topic", on_delete=models.CASCADE, related_name="+")
    answers = models.PositiveIntegerField()  # submitted scorecards whose plan held it
    skipped = models.PositiveIntegerField()
    scored_1 = models.PositiveIntegerField()
    scored_2 = models.PositiveIntegerField()
    scored_3 = models.PositiveIntegerField()
    scored_4 = models.PositiveIntegerField()
    paired = models.PositiveIntegerField()  # the n of the sums below
    x_sum = models.PositiveIntegerField()
    xx_sum = models.PositiveIntegerField()
    y_sum = models.FloatField()
    yy_sum = models.FloatField()
    xy_sum = models.FloatField()

    def __str__(self):
        return f"Tally of asked question #{self.interview_question_id}"


class PointTally(models.Model):
    """How often an expected point of a bank question, as asked in one interview, was covered
    or partly covered in the submitted rated answers to it, out of how many; stored with the
    answer tallies. Only points of bank questions with a rated answer have a row."""

    point = models.OneToOneField(
        InterviewPoint, on_delete=models.CASCADE, primary_key=True, related_name="tally"
    )
    # Copied from the point and its question, which never change, so that no page joins them.
    interview = models.ForeignKey(Interview, on_delete=models.CASCADE, related_name="+")
    question = models.ForeignKey("questions.Question", on_delete=models.CASCADE, related_name="+")
    position = models.PositiveSmallIntegerField()
    answers = models.PositiveIntegerField()
    covered = models.PositiveIntegerField()
    partial = models.PositiveIntegerField()

    def __str__(self):
        return f"Tally of point #{self.point_id}"


class Amendment(models.Model):
    """A change to a submitted scorecard by its author: what each changed field was before and
    became after, kept for hiring managers to read."""

    scorecard = models.ForeignKey(Scorecard, on_delete=models.CASCADE, related_name="amendments")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    reason = models.TextField()
    before = models.JSONField()
    after = models.JSONField()

    class Meta:
        ordering = ["scorecard", "created_at", "pk"]

    def __str__(self):
        return f"Amendment of {self.scorecard} on {self.created_at:%Y-%m-%d}"

    @property
    def changes(self):
        """(what, before, after) in words, for each changed field."""
        return [
            (field.capitalize(), _describe(field, self.before[field]), _describe(field, value))
            for field, value in self.after.items()
        ]


def _describe(field, value):
    if field == "recommendation":
        return Recommendation(value).label
    if field == "summary":
        return value or "(empty)"
    score = f"{value['score']} {Score(value['score']).label}" if value["score"] else "not rated"
    return f"{score}; notes: {value['notes']}" if value["notes"] else score


class CandidateResult(models.Model):
    """A candidate's result on one question set over its submitted scorecards, stored so that
    result pages read rows instead of recomputing them. `results.refresh_result` writes it
    in the transaction of every change that affects it. A candidate has a row for every set
    they have an interview in, so that comparing a set reads this table alone; until a
    scorecard is submitted the counts are 0 and the numbers empty. The candidate's name and
    role are copied here (and stored afresh when they change) so that compare counts,
    filters, sorts and pages through one table, each sort read in order from an index."""

    candidate = models.ForeignKey(
        "interviews.Candidate", on_delete=models.DB_CASCADE, related_name="results"
    )
    question_set = models.ForeignKey(
        "questions.QuestionSet", on_delete=models.DB_CASCADE, related_name="+"
    )
    name = models.CharField(max_length=200)
    role_applied_for = models.CharField(max_length=200, blank=True)
    scorecard_count = models.PositiveIntegerField()
    mean = models.FloatField(null=True)
    median = models.FloatField(null=True)
    lowest = models.FloatField(null=True)
    highest = models.FloatField(null=True)
    spread = models.FloatField(null=True)
    coverage = models.FloatField(null=True)
    strong_no = models.PositiveIntegerField()
    no = models.PositiveIntegerField()
    yes = models.PositiveIntegerField()
    strong_yes = models.PositiveIntegerField()
    net_votes = models.IntegerField()
    split_decision = models.BooleanField()
    disagreement = models.BooleanField()
    # The candidate's standing hiring decision (Decision.outcome), None while undecided (no
    # outcome, as the API says it, rather than an empty one): compare filters and counts
    # by it from an index.
    decision = models.CharField(max_length=10, null=True, blank=True)  # noqa: DJ001
    # Whether the candidate has an interview in the set with each status (`has_status`):
    # compare's status filter reads them from the row instead of the set's interviews.
    any_scheduled = models.BooleanField(default=False)
    any_in_progress = models.BooleanField(default=False)
    any_completed = models.BooleanField(default=False)
    any_cancelled = models.BooleanField(default=False)
    # The mean rating per topic, keyed "topic_<pk>" (a key of digits would read as an index).
    topic_means = models.JSONField(default=dict)
    # The side-by-side grid's part (`results.fresh_grids`): the interviewers who submitted a
    # scorecard ("panel", their pks) and per bank question asked, keyed by its pk, each
    # interviewer's rating ("ratings": {interviewer pk: score or None}), the mean and the
    # skips, so the grid reads its cells with the results instead of grouping ratings.
    grid = models.JSONField(default=dict)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["question_set", "candidate"], name="candidateresult_one_per_set"
            ),
        ]
        # Compare's sorts end with the name and the candidate, to be total; its role filter's
        # choices are read from the roles index, which holds every other filter's column
        # too, so that a filtered count reads that index alone.
        indexes = [
            models.Index(fields=["question_set", "name", "candidate"], name="result_by_name"),
            models.Index(
                fields=["question_set", "role_applied_for", "decision"]
                + ["any_scheduled", "any_in_progress", "any_completed", "any_cancelled"],
                name="result_by_role_and_filters",
            ),
            models.Index(fields=["question_set", "decision"], name="result_by_decision"),
            *(
                models.Index(fields=["question_set", column], name=f"result_by_{column}")
                for column in [
                    "scorecard_count",
                    "mean",
                    "median",
                    "spread",
                    "net_votes",
                    "coverage",
                ]
            ),
        ]

    def __str__(self):
        return f"Result of candidate #{self.candidate_id} on set #{self.question_set_id}"

    @staticmethod
    def has_status(status: str) -> Q:
        """The results of candidates with an interview in the set with this status."""
        return Q(**{f"any_{status}": True})


class ResultGroup(models.Model):
    """How many of a question set's stored results share the values compare filters them
    by: the role applied for, the standing decision and the statuses of the candidate's
    interviews in the set. Compare reads a set's few dozen rows for its count and its roles
    instead of its results (counting 50,000 of them took 3.5 ms of every view, and 16,000
    filtered ones 2.6 ms). `results.refresh_result` moves a result from one group to another
    as it stores, changes or removes it; `recompute_results` checks and rebuilds them.

    A group may have more than one row: two first results of a group stored at once each
    make one. Its count is the sum of its rows', so every change is one addition to one
    row, and no two can lose each other's."""

    question_set = models.ForeignKey(
        "questions.QuestionSet", on_delete=models.CASCADE, related_name="+"
    )
    role_applied_for = models.CharField(max_length=200, blank=True)
    decision = models.CharField(max_length=10, null=True, blank=True)  # noqa: DJ001
    any_scheduled = models.BooleanField()
    any_in_progress = models.BooleanField()
    any_completed = models.BooleanField()
    any_cancelled = models.BooleanField()
    results = models.IntegerField()

    def __str__(self):
        return f"{self.results} results on set #{self.question_set_id}"


class TopicMean(models.Model):
    """A stored result's mean rating on one topic, as a row: the same number as its
    `topic_means` entry, which pages read, stored again so that compare sorts by a topic by
    walking an index in order (highest or lowest first, ties by name and candidate) instead
    of reading every result's JSON. `results.refresh_result` writes them with the result."""

    # Deleted with their result by the database (deleting results never reads these).
    result = models.ForeignKey(CandidateResult, on_delete=models.DB_CASCADE, related_name="+")
    # Both lead the indexes below.
    question_set = models.ForeignKey(
        "questions.QuestionSet", on_delete=models.DB_CASCADE, related_name="+", db_index=False
    )
    topic = models.ForeignKey(
        "questions.Topic", on_delete=models.DB_CASCADE, related_name="+", db_index=False
    )
    candidate = models.ForeignKey(
        "interviews.Candidate", on_delete=models.DB_CASCADE, related_name="+"
    )
    name = models.CharField(max_length=200)
    mean = models.FloatField()

    class Meta:
        indexes = [
            models.Index(
                fields=["question_set", "topic", "mean", "name", "candidate"],
                name="topic_mean_lowest_first",
            ),
            models.Index(
                fields=["question_set", "topic", "-mean", "name", "candidate"],
                name="topic_mean_highest_first",
            ),
        ]

    def __str__(self):
        return f"Mean of result #{self.result_id} on topic #{self.topic_id}"


class Qualification(models.Model):
    """An interviewer qualified on a question set: by an admin, or by the rule once enough of
    their shadow scorecards agreed with the panel's (scoring/training.py)."""

    interviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="qualifications"
    )
    question_set = models.ForeignKey(
        QuestionSet, on_delete=models.CASCADE, related_name="qualifications"
    )
    qualified_at = models.DateTimeField(auto_now_add=True)
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="Who qualified them; empty when their shadow scorecards did.",
    )

    class Meta:
        ordering = ["question_set", "interviewer__username"]
        constraints = [
            models.UniqueConstraint(
                fields=["interviewer", "question_set"], name="qualification_once_per_set"
            )
        ]

    def __str__(self):
        return f"{self.interviewer} on {self.question_set}"


class StoredInterval(models.Model):
    """A calibration bootstrap interval (scoring/calibration.py, `Intervals`), stored under a
    digest of everything it is computed from (which bootstrap, its seed, the resamples and
    the values resampled) so that pages read it instead of resampling again. Inputs that
    change (a scorecard submitted or amended) have another digest, so a stored interval is
    never stale; `recompute_results` drops those no page asks for any more. Empty when the
    bootstrap gives no interval."""

    digest = models.CharField(max_length=40, primary_key=True)
    low = models.FloatField(null=True)
    high = models.FloatField(null=True)
    # The last day a page read it: those unread for a while are pruned (Intervals.resolve).
    used_on = models.DateField(null=True, db_index=True)

    def __str__(self):
        return f"Interval {self.digest}"


class Debrief(models.Model):
    """The moment a candidate's loop last became ready for debrief: the last assigned
    scorecard of the last open interview was submitted. A loop that was ready and got a new
    interview opens again when that one is in (`opening` counts them). Amendments made after
    the latest opening are *changed after debrief*; each scorecard's values at that moment
    are kept on it (`Scorecard.debrief_recommendation`, `debrief_score_mean`) to show before
    and after."""

    candidate = models.OneToOneField(
        "interviews.Candidate", on_delete=models.CASCADE, related_name="debrief"
    )
    opened_at = models.DateTimeField()
    opening = models.PositiveIntegerField(
        default=1, help_text="How many times the loop became ready for debrief."
    )

    def __str__(self):
        return f"Debrief of candidate #{self.candidate_id}"


class Decision(models.Model):
    """A hiring manager's decision on a candidate. A decision is never edited: a new one
    replaces it and the history stays. The one standing has not ended (reopened or replaced);
    while it stands the loop's scorecards cannot be amended."""

    class Outcome(models.TextChoices):
        HIRE = "hire", "Hire"
        NO_HIRE = "no_hire", "No hire"
        HOLD = "hold", "Hold"

    candidate = models.ForeignKey(
        "interviews.Candidate", on_delete=models.CASCADE, related_name="decisions"
    )
    outcome = models.CharField(max_length=10, choices=Outcome)
    # Erased with the candidate's personal data; the outcome stays, anonymous.
    rationale = models.TextField(blank=True)
    level = models.CharField(max_length=100, blank=True, help_text="The level offered, if any.")
    early_reason = models.TextField(
        blank=True, help_text="Why it was decided before the loop was ready for debrief."
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField()
    # When it stopped standing: reopened (with a reason) or replaced by a newer decision.
    ended_at = models.DateTimeField(null=True, blank=True)
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reopen_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["candidate", "decided_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(outcome__in=["hire", "no_hire", "hold"]),
                name="decision_outcome_valid",
            ),
            # At most one standing decision per candidate, whatever races.
            models.UniqueConstraint(
                fields=["candidate"],
                condition=Q(ended_at__isnull=True),
                name="decision_one_standing",
            ),
        ]

    def __str__(self):
        return f"{self.get_outcome_display()} for candidate #{self.candidate_id}"

    @property
    def is_standing(self):
        return self.ended_at is None


class Span(models.TextChoices):
    DAY = "day", "Day"
    MONTH = "month", "Month"


class CalibrationSum(models.Model):
    """One interviewer's counted scorecards of one question set and stage, interviewed on one
    day or in one month (then `day` is its first), added up: what the calibration page shows
    per interviewer, so that it reads a row per interviewer and month instead of a row per
    scorecard (scoring/calibration_sums.py). Stored afresh for a candidate's scorecards when
    one is submitted or amended and when a decision on them is recorded or reopened; rebuilt
    or checked by `recompute_results`. `revision` changes with every write: the bootstrap
    intervals of a filter are stored under the revisions of the rows it reads."""

    interviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    question_set = models.ForeignKey(QuestionSet, on_delete=models.CASCADE, related_name="+")
    stage = models.CharField(max_length=200)
    span = models.CharField(max_length=5, choices=Span)
    day = models.DateField()
    revision = models.BigIntegerField()
    scorecards = models.PositiveIntegerField()
    recommended_1 = models.PositiveIntegerField()
    recommended_2 = models.PositiveIntegerField()
    recommended_3 = models.PositiveIntegerField()
    recommended_4 = models.PositiveIntegerField()
    question_count = models.PositiveIntegerField()
    skipped_count = models.PositiveIntegerField()
    scored_1 = models.PositiveIntegerField()
    scored_2 = models.PositiveIntegerField()
    scored_3 = models.PositiveIntegerField()
    scored_4 = models.PositiveIntegerField()
    points_expected = models.PositiveIntegerField()
    points_marked = models.PositiveIntegerField()
    within_24h = models.PositiveIntegerField()
    # How many scorecards were submitted how many quarter hours after the interview's end.
    submit_quarters = models.JSONField()
    leniency_n = models.PositiveIntegerField()
    leniency_sum = models.FloatField()
    debriefed = models.PositiveIntegerField()
    moved = models.PositiveIntegerField()
    score_move_sum = models.FloatField()
    recommendation_move_sum = models.PositiveIntegerField()
    toward = models.PositiveIntegerField()
    away = models.PositiveIntegerField()
    decided = models.PositiveIntegerField()
    agreed = models.PositiveIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["interviewer", "question_set", "stage", "span", "day"],
                name="calibration_sum_once",
            )
        ]
        indexes = [models.Index(fields=["span", "day"], name="calibration_sum_span_day")]

    def __str__(self):
        return f"Calibration of interviewer #{self.interviewer_id} on {self.day} ({self.span})"


class AgreementSum(models.Model):
    """The coincidences of the rated asked questions (units) of one bank question, or of one
    topic's follow-ups (no question), in the interviews of one question set and stage on one
    day or in one month: Krippendorff's α needs only their sum (scoring/calibration_sums.py).
    Stored with CalibrationSum; `c<row><column>` is the 4 × 4 matrix's cell, so that the
    database adds them up."""

    question_set = models.ForeignKey(QuestionSet, on_delete=models.CASCADE, related_name="+")
    stage = models.CharField(max_length=200)
    span = models.CharField(max_length=5, choices=Span)
    day = models.DateField()
    topic = models.ForeignKey("questions.Topic", on_delete=models.CASCADE, related_name="+")
    question = models.ForeignKey(
        "questions.Question", on_delete=models.CASCADE, null=True, related_name="+"
    )
    revision = models.BigIntegerField()
    units = models.PositiveIntegerField()
    c11 = models.FloatField()
    c12 = models.FloatField()
    c13 = models.FloatField()
    c14 = models.FloatField()
    c21 = models.FloatField()
    c22 = models.FloatField()
    c23 = models.FloatField()
    c24 = models.FloatField()
    c31 = models.FloatField()
    c32 = models.FloatField()
    c33 = models.FloatField()
    c34 = models.FloatField()
    c41 = models.FloatField()
    c42 = models.FloatField()
    c43 = models.FloatField()
    c44 = models.FloatField()

    class Meta:
        indexes = [
            models.Index(fields=["span", "day"], name="agreement_sum_span_day"),
            models.Index(fields=["question_set", "stage", "day"], name="agreement_sum_set"),
        ]

    def __str__(self):
        return f"Agreement on question #{self.question_id} on {self.day} ({self.span})"


class QuestionSum(models.Model):
    """The stored answer tallies of one bank question (as one recorded version of it) in the
    interviews of one day or month, added up: what question analytics shows, so that it
    reads a row per question and month (scoring/question_sums.py). The row without a
    question counts the set's interviews. `candidates_last` counts the candidates whose
    latest interview asking the question falls here, so that the candidates asked within a
    window are a sum over its days. Stored with the calibration sums."""

    question_set = models.ForeignKey(QuestionSet, on_delete=models.CASCADE, related_name="+")
    question = models.ForeignKey(
        "questions.Question", on_delete=models.CASCADE, null=True, related_name="+"
    )
    version = models.IntegerField(null=True)  # the asked question's history row
    span = models.CharField(max_length=5, choices=Span)
    day = models.DateField()
    revision = models.BigIntegerField()
    interviews = models.PositiveIntegerField()
    answers = models.PositiveIntegerField()
    skipped = models.PositiveIntegerField()
    scored_1 = models.PositiveIntegerField()
    scored_2 = models.PositiveIntegerField()
    scored_3 = models.PositiveIntegerField()
    scored_4 = models.PositiveIntegerField()
    paired = models.PositiveIntegerField()
    x_sum = models.PositiveIntegerField()
    xx_sum = models.PositiveIntegerField()
    y_sum = models.FloatField()
    yy_sum = models.FloatField()
    xy_sum = models.FloatField()
    # The probable-leak rule's per-interview leads (scoring/calibration.py, LeakFigures).
    lead_n = models.PositiveIntegerField()
    lead_sum = models.FloatField()
    lead_rated = models.PositiveIntegerField()
    candidates_last = models.PositiveIntegerField()
    first_asked = models.DateTimeField(null=True)
    last_asked = models.DateTimeField(null=True)

    class Meta:
        indexes = [
            models.Index(fields=["question_set", "span", "day"], name="question_sum_set"),
            models.Index(fields=["question", "span", "day"], name="question_sum_question"),
        ]

    def __str__(self):
        return f"Answers to question #{self.question_id} on {self.day} ({self.span})"


class PointSum(models.Model):
    """The stored point tallies of one bank question's point (by position) in the interviews
    of one day or month, added up; stored with QuestionSum."""

    question_set = models.ForeignKey(QuestionSet, on_delete=models.CASCADE, related_name="+")
    question = models.ForeignKey("questions.Question", on_delete=models.CASCADE, related_name="+")
    position = models.PositiveSmallIntegerField()
    span = models.CharField(max_length=5, choices=Span)
    day = models.DateField()
    revision = models.BigIntegerField()
    answers = models.PositiveIntegerField()
    covered = models.PositiveIntegerField()
    partial = models.PositiveIntegerField()

    class Meta:
        indexes = [models.Index(fields=["question_set", "span", "day"], name="point_sum_set")]

    def __str__(self):
        return f"Point {self.position} of question #{self.question_id} on {self.day}"
