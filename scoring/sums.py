"""The sums calibration and question analytics read (scoring/calibration_sums.py,
scoring/question_sums.py), stored afresh together for a candidate, and rebuilt or checked
together. Each store gives the sets it touched a new figures revision
(`QuestionSet.figures_revision`), under which the pages cache what they compute from them.

Every sum is kept per day (and month) and adds up across candidates: the day rows of
whole candidates' interviews, computed apart, add up to those of all of them (`DaySums`),
which is how the benchmark's generator makes them a batch of candidates at a time."""

from dataclasses import dataclass, field

from django.db.models import QuerySet

from interviews.models import Interview
from questions.models import QuestionSet

from . import calibration_sums, question_sums
from .models import Scorecard


@dataclass
class DaySums:
    """The day rows of every sum, keyed as each model's key: CalibrationSum's,
    AgreementSum's, QuestionSum's and PointSum's."""

    calibration: dict = field(default_factory=dict)
    agreement: dict = field(default_factory=dict)
    questions: dict = field(default_factory=dict)
    points: dict = field(default_factory=dict)

    @classmethod
    def of(cls, interviews: QuerySet[Interview] | None = None) -> "DaySums":
        """Computed afresh from the interviews' scorecards and tallies (all of them when
        None). Each candidate's interviews must be all in or all out: a candidate's latest
        interview asking a question counts for the question's exposure."""
        scorecards = Scorecard.objects.all()
        if interviews is None:
            interviews = Interview.objects.all()
        else:
            scorecards = scorecards.filter(interview__in=interviews)
        questions, points = question_sums.fresh_question_sums(interviews)
        return cls(
            calibration=calibration_sums.fresh_sums(scorecards),
            agreement=calibration_sums.fresh_agreement_sums(interviews),
            questions=questions,
            points=points,
        )

    def add(self, more: "DaySums") -> None:
        """Add the day rows of other candidates' interviews."""
        calibration_sums.add_calibration(self.calibration, more.calibration)
        calibration_sums.add_agreement(self.agreement, more.agreement)
        question_sums.add_days((self.questions, self.points), (more.questions, more.points))


def refresh_sums(*, candidate_id: int) -> None:
    """Store afresh every sum a change to the candidate's scorecards or decision affects.
    Call it in the transaction of the change, after the scorecards, the tallies, the debrief
    and the decision are written."""
    days = calibration_sums.refresh_calibration(candidate_id=candidate_id)
    question_sums.refresh_questions(days=days)
    if days:
        QuestionSet.objects.figures_changed({question_set for question_set, _ in days})


def recompute_sums(*, check: bool = False, days: DaySums | None = None) -> list[str]:
    """Compare every stored sum with a fresh computation (`days`, of every interview, when
    already made) and return the differences in words; unless `check`, also store the
    fresh ones."""
    if days is None:
        days = DaySums.of()
    differences = calibration_sums.recompute_calibration(
        days.calibration, days.agreement, check=check
    ) + question_sums.recompute_questions(days.questions, days.points, check=check)
    if differences and not check:
        QuestionSet.objects.figures_changed()
    return differences
