"""Every write to a scorecard goes through these functions. Each one sets a value rather than
changing it relative to what is stored, so a request sent twice leaves the same result."""

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from audit import services as audit
from interviews.models import Interview, InterviewPoint, InterviewQuestion

from . import selectors
from .models import Amendment, Mark, PointMark, Rating, Recommendation, Score, Scorecard


class ScorecardLocked(ValidationError):
    """The scorecard was submitted, or its interview is closed: nothing more may change."""


def questions_for(interview: Interview, interviewer: User) -> QuerySet[InterviewQuestion]:
    """The questions an interviewer works through: the plan, and their own follow-ups."""
    return interview.questions.filter(Q(added_by__isnull=True) | Q(added_by=interviewer))


def scorecard_for(*, interview: Interview, interviewer: User) -> Scorecard:
    """The interviewer's scorecard for the interview, created as a draft on first use."""
    if not interview.interviewers.filter(pk=interviewer.pk).exists():
        raise PermissionDenied("You are not an interviewer of this interview.")
    scorecard, _ = Scorecard.objects.get_or_create(interview=interview, interviewer=interviewer)
    scorecard.interview, scorecard.interviewer = interview, interviewer  # no need to fetch again
    return scorecard


def _lock_draft(scorecard: Scorecard) -> Scorecard:
    scorecard = (
        Scorecard.objects.select_for_update().select_related("interview").get(pk=scorecard.pk)
    )
    if scorecard.is_submitted:
        raise ScorecardLocked("This scorecard was submitted and can no longer change.")
    if not scorecard.interview.is_open:
        raise ScorecardLocked(
            f"This interview is {scorecard.interview.get_status_display().lower()}."
        )
    return scorecard


def _rating(scorecard: Scorecard, interview_question: InterviewQuestion) -> Rating:
    if not questions_for(scorecard.interview, scorecard.interviewer).filter(
        pk=interview_question.pk
    ):
        raise ValidationError("That question is not part of this interview.")
    rating, _ = Rating.objects.get_or_create(
        scorecard=scorecard, interview_question=interview_question
    )
    return rating


@transaction.atomic
def rate_question(
    *, scorecard: Scorecard, interview_question: InterviewQuestion, score: int | None
) -> Rating:
    """Set the 1–4 score of an answer, or clear it with None. Rating un-skips a question."""
    if score is not None and score not in Score.values:
        raise ValidationError(f"A rating is 1 to 4, not {score}.")
    rating = _rating(_lock_draft(scorecard), interview_question)
    rating.score = score
    if score is not None:
        rating.skipped = False
    rating.save(update_fields=["score", "skipped", "updated_at"])
    return rating


@transaction.atomic
def skip_question(
    *, scorecard: Scorecard, interview_question: InterviewQuestion, skipped: bool
) -> Rating:
    """Mark a question as not asked (which clears its score), or take that back."""
    rating = _rating(_lock_draft(scorecard), interview_question)
    rating.skipped = skipped
    if skipped:
        rating.score = None
    rating.save(update_fields=["score", "skipped", "updated_at"])
    return rating


@transaction.atomic
def write_notes(
    *, scorecard: Scorecard, interview_question: InterviewQuestion, notes: str
) -> Rating:
    rating = _rating(_lock_draft(scorecard), interview_question)
    rating.notes = _plain_newlines(notes)
    rating.save(update_fields=["notes", "updated_at"])
    return rating


@transaction.atomic
def mark_point(
    *,
    scorecard: Scorecard,
    interview_question: InterviewQuestion,
    point: InterviewPoint,
    mark: int | None,
) -> Rating:
    """Set a point to covered, partial or missed, or clear it with None."""
    if mark is not None and mark not in Mark.values:
        raise ValidationError(f"A point is marked covered, partial or missed, not {mark}.")
    if point.interview_question_id != interview_question.pk:
        raise ValidationError("That expected point belongs to another question.")
    rating = _rating(_lock_draft(scorecard), interview_question)
    if mark is None:
        PointMark.objects.filter(rating=rating, point=point).delete()
    else:
        PointMark.objects.update_or_create(rating=rating, point=point, defaults={"mark": mark})
    rating.save(update_fields=["updated_at"])
    return rating


@transaction.atomic
def submit_scorecard(*, scorecard: Scorecard, recommendation: int, summary: str) -> Scorecard:
    """Lock the scorecard with its overall recommendation. When the last assigned interviewer
    submits, the interview is completed."""
    if recommendation not in Recommendation.values:
        raise ValidationError({"recommendation": "Choose a recommendation."})
    scorecard = _lock_draft(scorecard)
    scorecard.recommendation = recommendation
    scorecard.summary = summary.strip()
    scorecard.submitted_at = timezone.now()
    scorecard.save(update_fields=["recommendation", "summary", "submitted_at", "updated_at"])
    selectors.store_results(scorecard)
    audit.record(
        actor=scorecard.interviewer,
        action="scorecard_submitted",
        subject=f"Scorecard #{scorecard.pk} of interview #{scorecard.interview_id}",
        details={"recommendation": scorecard.get_recommendation_display()},
    )

    interview = Interview.objects.select_for_update().get(pk=scorecard.interview_id)
    submitted = interview.scorecards.filter(submitted_at__isnull=False).values("interviewer")
    if not interview.interviewers.exclude(pk__in=submitted).exists():
        interview.status = Interview.Status.COMPLETED
        interview.completed_at = timezone.now()
        interview.save(update_fields=["status", "completed_at"])
    return scorecard


@transaction.atomic
def amend_scorecard(
    *,
    scorecard: Scorecard,
    author: User,
    reason: str,
    recommendation: int,
    summary: str,
    answers: dict[int, tuple[int | None, str]],
) -> Amendment:
    """Change a submitted scorecard's recommendation, summary, or the score and notes of its
    answers (by interview question id), keeping what each changed field was before."""
    scorecard = Scorecard.objects.select_for_update().get(pk=scorecard.pk)
    if scorecard.interviewer_id != author.pk:
        raise PermissionDenied("Only the author of a scorecard can amend it.")
    if not scorecard.is_submitted:
        raise ValidationError("Only a submitted scorecard is amended; a draft is simply edited.")
    if not reason.strip():
        raise ValidationError({"reason": "Say why the scorecard changes."})
    if recommendation not in Recommendation.values:
        raise ValidationError({"recommendation": "Choose a recommendation."})
    before, after = {}, {}
    summary = summary.strip()
    for field, value in (("recommendation", recommendation), ("summary", summary)):
        if getattr(scorecard, field) != value:
            before[field], after[field] = getattr(scorecard, field), value
            setattr(scorecard, field, value)

    questions = {q.pk: q for q in questions_for(scorecard.interview, author)}
    ratings = {r.interview_question_id: r for r in scorecard.ratings.all()}
    for question_pk, (score, notes) in answers.items():
        notes = _plain_newlines(notes)
        if question_pk not in questions:
            raise ValidationError("That question is not part of this interview.")
        if score is not None and score not in Score.values:
            raise ValidationError(f"A rating is 1 to 4, not {score}.")
        rating = ratings.get(question_pk) or Rating(
            scorecard=scorecard, interview_question_id=question_pk
        )
        old = {"score": rating.score, "notes": rating.notes}
        new = {"score": score, "notes": notes}
        if old == new:
            continue
        label = _question_label(questions[question_pk])
        before[label], after[label] = old, new
        rating.score, rating.notes = score, notes
        if score is not None:
            rating.skipped = False
        rating.save()
    if not after:
        raise ValidationError("Nothing was changed.")
    scorecard.save(update_fields=["recommendation", "summary", "updated_at"])
    selectors.store_results(scorecard)
    audit.record(
        actor=author,
        action="scorecard_amended",
        subject=f"Scorecard #{scorecard.pk} of interview #{scorecard.interview_id}",
        details={"changed": sorted(after)},
    )
    return Amendment.objects.create(
        scorecard=scorecard, author=author, reason=reason.strip(), before=before, after=after
    )


def _question_label(question: InterviewQuestion) -> str:
    number = (
        f"{question.position}.{question.follow_up_number}"
        if question.is_follow_up
        else (str(question.position))
    )
    return f"Question {number}"


def _plain_newlines(text: str) -> str:
    # Browsers post a textarea's line breaks as CRLF; the page's own saves send LF.
    return text.replace("\r\n", "\n")
