"""Writes that plan and run interviews."""

import uuid
from collections.abc import Sequence
from datetime import datetime, timedelta

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max, Q
from django.forms import ModelForm
from django.utils import timezone

from audit import services as audit
from config import limits, roles
from notifications import services as notifications
from questions.models import Question, QuestionSet
from scoring import results as scoring_results
from scoring.models import Amendment, Rating, Scorecard

from .models import Candidate, Interview, InterviewPoint, InterviewQuestion


def interviewer_pool():
    return User.objects.filter(groups__name=roles.INTERVIEWER, is_active=True).order_by(
        "first_name", "last_name", "username"
    )


def _check_panel(interviewers: Sequence[User]) -> None:
    if not interviewers:
        raise ValidationError({"interviewers": "Assign at least one interviewer."})
    pool = set(interviewer_pool().values_list("pk", flat=True))
    outsiders = [u for u in interviewers if u.pk not in pool]
    if outsiders:
        names = ", ".join(u.username for u in outsiders)
        raise ValidationError({"interviewers": f"Not in the Interviewer group: {names}."})


@transaction.atomic
def schedule_interview(
    *,
    candidate: Candidate,
    question_set: QuestionSet,
    stage: str,
    scheduled_at: datetime,
    interviewers: Sequence[User],
    questions: Sequence[Question],
    created_by: User | None = None,
) -> Interview:
    """Plan an interview: snapshot the chosen questions, in the given order, with their
    expected points and level anchors, so later edits to the bank never change what this
    interview asks."""
    _check_panel(interviewers)
    if not questions:
        raise ValidationError({"questions": "Choose at least one question to ask."})
    for question in questions:
        if question.question_set_id != question_set.pk or not question.is_active:
            raise ValidationError(
                {"questions": f"“{question.prompt}” is not an active question of this set."}
            )
    if len({q.pk for q in questions}) != len(questions):
        raise ValidationError({"questions": "A question can be asked only once."})

    interview = Interview.objects.create(
        candidate=candidate,
        question_set=question_set,
        stage=stage,
        scheduled_at=scheduled_at,
        created_by=created_by,
    )
    interview.interviewers.set(interviewers)
    InterviewQuestion.snapshot(
        (interview, position, question) for position, question in enumerate(questions, start=1)
    )
    scoring_results.refresh_result(candidate_id=candidate.pk, question_set_id=question_set.pk)
    notifications.interview_changed(interview=interview)
    return interview


@transaction.atomic
def cancel_interview(*, interview: Interview) -> Interview:
    interview = Interview.objects.select_for_update().get(pk=interview.pk)
    interview.cancel()
    scoring_results.refresh_result(
        candidate_id=interview.candidate_id, question_set_id=interview.question_set_id
    )
    notifications.interview_changed(interview=interview)
    return interview


@transaction.atomic
def reschedule_interview(
    *, interview: Interview, scheduled_at: datetime, interviewers: Sequence[User]
) -> Interview:
    """Move an interview that has not started, or change its panel. Everyone on the new
    panel is sent the updated invitation, and anyone taken off it a cancellation; an
    interviewer who has begun a scorecard for it stays on the panel."""
    interview = Interview.objects.select_for_update().get(pk=interview.pk)
    if interview.status != Interview.Status.SCHEDULED:
        raise ValidationError(
            f"This interview is {interview.get_status_display().lower()}: only a scheduled "
            "interview can be moved."
        )
    _check_panel(interviewers)
    before = set(interview.interviewers.values_list("pk", flat=True))
    after = {u.pk for u in interviewers}
    writing = User.objects.filter(pk__in=before - after, scorecards__interview=interview)
    if writing:
        names = ", ".join(u.username for u in writing)
        raise ValidationError(
            {"interviewers": f"Already writing a scorecard, so staying on the panel: {names}."}
        )
    if scheduled_at == interview.scheduled_at and before == after:
        return interview
    interview.scheduled_at = scheduled_at
    interview.save(update_fields=["scheduled_at"])
    interview.interviewers.set(interviewers)
    notifications.interview_changed(
        interview=interview, removed=User.objects.filter(pk__in=before - after)
    )
    return interview


@transaction.atomic
def start_interview(*, interview: Interview) -> Interview:
    """Mark the interview as running from the first time an interviewer opens it live."""
    interview = Interview.objects.select_for_update().get(pk=interview.pk)
    interview.start()
    return interview


@transaction.atomic
def add_follow_up(
    *,
    after: InterviewQuestion,
    interviewer: User,
    prompt: str,
    points: Sequence[str] = (),
    client_key: uuid.UUID | None = None,
) -> InterviewQuestion:
    """Add a follow-up question after `after`, visible to the interviewer who asked it, while
    the interview is open and their scorecard a draft. Sending the same `client_key` again
    returns the follow-up already made."""
    interview = Interview.objects.select_for_update().get(pk=after.interview_id)
    if not interview.interviewers.filter(pk=interviewer.pk).exists():
        raise PermissionDenied("You are not an interviewer of this interview.")
    if not interview.is_open:
        raise ValidationError(
            f"This interview is {interview.get_status_display().lower()}.", code="locked"
        )
    if interview.scorecards.filter(interviewer=interviewer, submitted_at__isnull=False):
        raise ValidationError(
            "This scorecard was submitted and can no longer change.", code="locked"
        )
    if client_key:
        existing = interview.questions.filter(client_key=client_key).first()
        if existing and existing.added_by_id == interviewer.pk:
            return existing
        if existing:  # a colleague's: say nothing of it
            raise ValidationError({"client_key": "This follow-up's key is already used."})
    prompt = prompt.strip()
    if not prompt:
        raise ValidationError({"prompt": "Write the follow-up question."})
    limits.check_text(prompt, limit=limits.FOLLOW_UP_PROMPT, what="A follow-up question")
    points = [text.strip() for text in points if text.strip()]
    if len(points) > limits.FOLLOW_UP_POINTS:
        raise ValidationError(
            {
                "points": f"A follow-up has at most {limits.FOLLOW_UP_POINTS} expected points "
                f"(this has {len(points):,})."
            }
        )
    for number, text in enumerate(points, start=1):
        limits.check_text(text, limit=limits.POINT_TEXT, what=f"Expected point {number}")
    last = interview.questions.filter(position=after.position).aggregate(
        last=Max("follow_up_number")
    )["last"]
    follow_up = InterviewQuestion.objects.create(
        interview=interview,
        position=after.position,
        follow_up_number=last + 1,
        added_by=interviewer,
        client_key=client_key,
        prompt=prompt,
        topic_id=after.topic_id,
        kind=after.kind,
        suggested_minutes=2,
    )
    InterviewPoint.objects.bulk_create(
        InterviewPoint(interview_question=follow_up, position=position, text=text)
        for position, text in enumerate(points, start=1)
    )
    return follow_up


def export_candidate(*, candidate: Candidate, actor: User | None) -> dict:
    """Everything stored about a candidate, for their access request: their details, their
    interviews with the questions asked, and every submitted scorecard with its answers and
    amendments. Drafts stay with their authors until submitted, as everywhere else."""
    scorecards = (
        Scorecard.objects.filter(interview__candidate=candidate, submitted_at__isnull=False)
        .select_related("interviewer")
        .prefetch_related("ratings__interview_question", "ratings__marks__point", "amendments")
    )
    by_interview = {}
    for scorecard in scorecards:
        by_interview.setdefault(scorecard.interview_id, []).append(
            {
                "interviewer": scorecard.interviewer.get_full_name()
                or scorecard.interviewer.username,
                "submitted_at": scorecard.submitted_at.isoformat(),
                "recommendation": scorecard.get_recommendation_display(),
                "summary": scorecard.summary,
                "answers": [
                    {
                        "question": rating.interview_question.prompt,
                        "rating": rating.score,
                        "skipped": rating.skipped,
                        "notes": rating.notes,
                        "points": {
                            mark.point.text: mark.get_mark_display() for mark in rating.marks.all()
                        },
                    }
                    for rating in scorecard.ratings.all()
                ],
                "amendments": [
                    {
                        "at": amendment.created_at.isoformat(),
                        "reason": amendment.reason,
                        "before": amendment.before,
                        "after": amendment.after,
                    }
                    for amendment in scorecard.amendments.all()
                ],
            }
        )
    interviews = candidate.interviews.select_related("question_set").order_by("scheduled_at")
    data = {
        "candidate": {
            "id": candidate.pk,
            "name": candidate.name,
            "email": candidate.email,
            "role_applied_for": candidate.role_applied_for,
            "notes": candidate.notes,
            "created_at": candidate.created_at.isoformat(),
            "erased_at": candidate.erased_at.isoformat() if candidate.erased_at else None,
        },
        "interviews": [
            {
                "stage": interview.stage,
                "question_set": interview.question_set.title,
                "status": interview.get_status_display(),
                "scheduled_at": interview.scheduled_at.isoformat(),
                "scorecards": by_interview.get(interview.pk, []),
            }
            for interview in interviews
        ],
        "exported_at": timezone.now().isoformat(),
    }
    audit.record(actor=actor, action="candidate_exported", subject=f"Candidate #{candidate.pk}")
    return data


@transaction.atomic
def save_candidate(*, form: ModelForm) -> Candidate:
    """Save a candidate from their valid CandidateForm, and store their results afresh:
    the results carry the name and role that compare sorts and filters by."""
    candidate = form.save()
    scoring_results.refresh_results_of(candidate)
    return candidate


@transaction.atomic
def erase_candidate(*, candidate: Candidate, actor: User | None) -> Candidate:
    """Remove the candidate's name, email and notes and every note written about them,
    keeping ratings and recommendations, anonymised, so results and analytics stay true."""
    candidate = Candidate.objects.select_for_update().get(pk=candidate.pk)
    if candidate.is_erased:
        raise ValidationError("This candidate was already erased.")
    candidate.name = f"Erased candidate #{candidate.pk}"
    candidate.email = ""
    candidate.notes = ""
    candidate.erased_at = timezone.now()
    candidate.save()
    Rating.objects.filter(scorecard__interview__candidate=candidate).update(notes="")
    Scorecard.objects.filter(interview__candidate=candidate).update(summary="")
    amendments = Amendment.objects.filter(scorecard__interview__candidate=candidate)
    for amendment in amendments:
        amendment.reason = ""
        amendment.before = _without_words(amendment.before)
        amendment.after = _without_words(amendment.after)
    Amendment.objects.bulk_update(amendments, ["reason", "before", "after"])
    scoring_results.refresh_results_of(candidate)
    audit.record(actor=actor, action="candidate_erased", subject=f"Candidate #{candidate.pk}")
    return candidate


def _without_words(changes: dict) -> dict:
    """An amendment's values with the written words (summary, notes) removed."""
    return {
        field: ""
        if field == "summary"
        else {**value, "notes": ""}
        if isinstance(value, dict)
        else value
        for field, value in changes.items()
    }


def inactive_candidates(*, days: int):
    """Candidates not yet erased with no activity in the last `days` days: not edited, no
    interview scheduled or completed, no scorecard written."""
    since = timezone.now() - timedelta(days=days)
    recent_interviews = Interview.objects.filter(
        Q(scheduled_at__gte=since) | Q(completed_at__gte=since)
    ).values("candidate")
    recent_scorecards = Scorecard.objects.filter(updated_at__gte=since).values(
        "interview__candidate"
    )
    return (
        Candidate.objects.filter(erased_at__isnull=True, updated_at__lt=since)
        .exclude(pk__in=recent_interviews)
        .exclude(pk__in=recent_scorecards)
        .order_by("pk")
    )
