from scoring import selectors, services, sums
from scoring.models import Recommendation, Scorecard


def write_scorecard(
    interview,
    interviewer,
    scores=(),
    *,
    notes=(),
    marks=(),
    recommendation=Recommendation.YES,
    summary="",
    submit=True,
    submitted_at=None,
) -> Scorecard:
    """The interviewer's scorecard, written as they would through the services, so that the
    stored results and tallies are right; submitted unless `submit` is False.

    `scores` and `notes` are a value for every question, or a list of values for the first
    questions in order (the plan and the interviewer's own follow-ups; a None score skips the
    question, a None note writes none). `marks` lists, per question in that order, the marks
    on its points in order. A question given none of the three is left unanswered.
    `submitted_at` back-dates the submission."""
    questions = list(selectors.questions_for(interview, interviewer))
    if not isinstance(scores, list | tuple):
        scores = [scores] * len(questions)
    if isinstance(notes, str):
        notes = [notes] * len(questions)
    assert max(len(scores), len(notes), len(marks)) <= len(questions), (
        "more answers than questions"
    )
    scorecard = services.scorecard_for(interview=interview, interviewer=interviewer)
    for index, question in enumerate(questions):
        answer = {}
        if index < len(scores):
            if scores[index] is None:
                answer["skipped"] = True
            else:
                answer["score"] = scores[index]
        if index < len(notes) and notes[index] is not None:
            answer["notes"] = notes[index]
        if index < len(marks) and marks[index]:
            points = question.points.order_by("position")
            answer["marks"] = {
                point.pk: mark for point, mark in zip(points, marks[index], strict=False)
            }
        if answer:
            services.save_answer(interview_question=question, interviewer=interviewer, **answer)
    if submit:
        services.submit_scorecard(
            scorecard=scorecard, recommendation=recommendation, summary=summary
        )
        if submitted_at is not None:
            Scorecard.objects.filter(pk=scorecard.pk).update(submitted_at=submitted_at)
            # As if submitted then: the calibration sums count the time to submit.
            sums.refresh_sums(candidate_id=interview.candidate_id)
        scorecard.refresh_from_db()
    return scorecard
