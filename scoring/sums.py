"""The sums calibration and question analytics read (scoring/calibration_sums.py,
scoring/question_sums.py), stored afresh together for a candidate, and rebuilt or checked
together. Each store gives the sets it touched a new figures revision
(`QuestionSet.figures_revision`), under which the pages cache what they compute from them."""

from questions.models import QuestionSet

from . import calibration_sums, question_sums


def refresh_sums(*, candidate_id: int) -> None:
    """Store afresh every sum a change to the candidate's scorecards or decision affects.
    Call it in the transaction of the change, after the scorecards, the tallies, the debrief
    and the decision are written."""
    days = calibration_sums.refresh_calibration(candidate_id=candidate_id)
    question_sums.refresh_questions(days=days)
    if days:
        QuestionSet.objects.figures_changed({question_set for question_set, _ in days})


def recompute_sums(*, check: bool = False) -> list[str]:
    """Compare every stored sum with a fresh computation and return the differences in
    words; unless `check`, also store the fresh ones."""
    differences = calibration_sums.recompute_calibration(
        check=check
    ) + question_sums.recompute_questions(check=check)
    if differences and not check:
        QuestionSet.objects.figures_changed()
    return differences
