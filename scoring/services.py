"""Every write to a scorecard goes through these functions, and the writes of a candidate
that reach their scorecards (saving their details into results, export, erasure). Each one
sets a value rather than changing it relative to what is stored, so a request sent twice
leaves the same result."""

from dataclasses import dataclass

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, F, Subquery, Value
from django.forms import ModelForm
from django.utils import timezone

from audit import services as audit
from config import limits
from config.limits import check_text
from interviews.models import Candidate, Interview, InterviewPoint, InterviewQuestion

from . import debrief, results, selectors, sums, training
from .access import MANAGER_PERMISSION
from .models import (
    Amendment,
    Debrief,
    Decision,
    Mark,
    PointMark,
    Rating,
    Recommendation,
    Score,
    Scorecard,
)


class ScorecardLocked(ValidationError):
    """The scorecard was submitted, or its interview is closed: nothing more may change."""


@transaction.atomic
def start_interview(*, interview: Interview) -> Interview:
    """Mark the interview as running from the first time an interviewer opens it live, and
    store its candidate's result afresh, which says that they have an interview running."""
    interview = Interview.objects.select_for_update().get(pk=interview.pk)
    if interview.status == Interview.Status.SCHEDULED:
        interview.start()
        results.refresh_result(
            candidate_id=interview.candidate_id, question_set_id=interview.question_set_id
        )
    return interview


def scorecard_for(*, interview: Interview, interviewer: User) -> Scorecard:
    """The interviewer's scorecard for the interview, created as a draft on first use."""
    if not interview.interviewers.filter(pk=interviewer.pk).exists():
        raise PermissionDenied("You are not an interviewer of this interview.")
    scorecard, _ = Scorecard.objects.get_or_create(
        interview=interview,
        interviewer=interviewer,
        # A callable: asked only when the scorecard is made, not on every later call.
        defaults={"shadow": lambda: interview.shadows.filter(pk=interviewer.pk).exists()},
    )
    scorecard.interview, scorecard.interviewer = interview, interviewer  # no need to fetch again
    return scorecard


def existing_scorecard(*, interview: Interview, interviewer: User) -> Scorecard | None:
    """The interviewer's scorecard for the interview if one was made: reading never makes one."""
    scorecard = Scorecard.objects.filter(interview=interview, interviewer=interviewer).first()
    if scorecard:
        scorecard.interview, scorecard.interviewer = interview, interviewer
    return scorecard


class _Unset:
    def __repr__(self):
        return "UNSET"


UNSET = _Unset()  # a field the change leaves alone (None clears a score or a mark)


@dataclass
class SavedAnswer:
    """What the server holds after a change: the rating, the marks of the points the change
    named, and which of the change's fields were older than what was stored (and so kept)."""

    rating: Rating
    marks: dict[int, int | None]
    stale: list[str]


@transaction.atomic
def save_answer(
    *,
    interview_question: InterviewQuestion,
    interviewer: User,
    version: int | None = None,
    score: int | None | _Unset = UNSET,
    skipped: bool | _Unset = UNSET,
    notes: str | _Unset = UNSET,
    marks: dict[int, int | None] | None = None,
) -> SavedAnswer:
    """Apply one change to an answer, all of it or none: the score and skip (one field, as
    rating un-skips and skipping clears the score), the notes, and marks by point id. The
    draft scorecard is made on the first save. With a `version`, each field is applied only
    if the change is not older than the field's stored version (see Rating); without one (the
    plain form, scripts) it is applied as it comes, and the versions stay. The answer is what
    is stored.

    At most five queries, and three more when it makes the scorecard: the autosave's budget."""
    marks = marks or {}
    if skipped is True and score not in (None, UNSET):
        raise ValidationError("A skipped question has no rating: send one or the other.")
    if score not in (None, UNSET) and score not in Score.values:
        raise ValidationError(f"A rating is 1 to 4, not {score}.")
    if any(mark is not None and mark not in Mark.values for mark in marks.values()):
        raise ValidationError("A point is marked covered, partial or missed.")
    if notes is not UNSET:
        notes = check_text(_plain_newlines(notes), limit=limits.NOTES, what="Notes")

    if interview_question.added_by_id not in (None, interviewer.pk):
        raise ValidationError("That question is not part of this interview.")
    interview = interview_question.interview
    scorecard = _lock_draft_of(interview, interviewer, interview_question, marks)
    if scorecard.known_points != len(marks):
        raise ValidationError("That expected point belongs to another question.")
    rating = Rating.objects.filter(scorecard=scorecard, interview_question=interview_question)
    rating = rating.order_by("pk").first() or Rating(
        scorecard=scorecard, interview_question=interview_question
    )

    stale, fields, applied_marks = [], [], {}

    def fresh(key):
        if version is None:
            return True
        if rating.versions.get(key, 0) > version:
            stale.append(key)
            return False
        rating.versions[key] = version
        return True

    if (score is not UNSET or skipped is not UNSET) and fresh("score"):
        if skipped is not UNSET:
            rating.skipped = skipped
        if skipped is True:
            rating.score = None
        if score is not UNSET:
            rating.score = score
            if score is not None:
                rating.skipped = False
        fields += ["score", "skipped"]
    if notes is not UNSET and fresh("notes"):
        rating.notes = notes
        fields.append("notes")
    for point_pk, mark in marks.items():
        if fresh(f"mark-{point_pk}"):
            applied_marks[point_pk] = mark
    if fields or applied_marks or rating.pk is None:
        rating.save()  # versions changed even when only marks did

    to_set = {pk: mark for pk, mark in applied_marks.items() if mark is not None}
    if to_set:
        PointMark.objects.bulk_create(
            [PointMark(rating=rating, point_id=pk, mark=mark) for pk, mark in to_set.items()],
            update_conflicts=True,
            unique_fields=["rating", "point"],
            update_fields=["mark"],
        )
    to_clear = [pk for pk, mark in applied_marks.items() if mark is None]
    if to_clear:
        PointMark.objects.filter(rating=rating, point_id__in=to_clear).delete()
    current = dict(applied_marks)
    if len(current) < len(marks):  # some marks were stale: answer with what is stored
        current |= dict.fromkeys(set(marks) - set(current))
        current |= dict(
            PointMark.objects.filter(rating=rating, point_id__in=list(marks))
            .exclude(point_id__in=list(applied_marks))
            .values_list("point_id", "mark")
        )
    return SavedAnswer(rating=rating, marks=current, stale=stale)


def _lock_draft_of(
    interview: Interview,
    interviewer: User,
    interview_question: InterviewQuestion,
    marks: dict[int, int | None],
) -> Scorecard:
    """The interviewer's draft scorecard, locked, and made if there is none yet; annotated
    with how many of the marked points are the question's, in the same query."""
    known = InterviewPoint.objects.filter(
        interview_question=interview_question, pk__in=list(marks)
    )
    locked = (
        Scorecard.objects.select_for_update(of=("self",))
        .select_related("interview")
        .filter(interview=interview, interviewer=interviewer)
        .annotate(
            known_points=Subquery(
                known.values("interview_question").annotate(n=Count("pk")).values("n")
            )
            if marks
            else Value(0)
        )
    )
    scorecard = locked.order_by("pk").first()
    if scorecard is None:
        if not interview.interviewers.filter(pk=interviewer.pk).exists():
            raise PermissionDenied("You are not an interviewer of this interview.")
        # Two first saves at once: one inserts, the other finds it.
        shadow = interview.shadows.filter(pk=interviewer.pk).exists()
        Scorecard.objects.bulk_create(
            [Scorecard(interview=interview, interviewer=interviewer, shadow=shadow)],
            ignore_conflicts=True,
        )
        scorecard = locked.get()
    scorecard.known_points = scorecard.known_points or 0
    return _still_a_draft(scorecard)


def _still_a_draft(scorecard: Scorecard) -> Scorecard:
    """`scorecard`, if it may still change: a draft of an open interview."""
    if scorecard.is_submitted:
        raise ScorecardLocked("This scorecard was submitted and can no longer change.")
    if not scorecard.interview.is_open:
        raise ScorecardLocked(
            f"This interview is {scorecard.interview.get_status_display().lower()}."
        )
    return scorecard


def _lock_draft(scorecard: Scorecard) -> Scorecard:
    scorecard = (
        Scorecard.objects.select_for_update().select_related("interview").get(pk=scorecard.pk)
    )
    return _still_a_draft(scorecard)


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
    results.store_results(scorecard)
    audit.record(
        actor=scorecard.interviewer,
        action="scorecard_submitted",
        subject=f"Scorecard #{scorecard.pk} of interview #{scorecard.interview_id}",
        details={"recommendation": scorecard.get_recommendation_display()},
    )

    interview = Interview.objects.select_for_update().get(pk=scorecard.interview_id)
    submitted = interview.scorecards.filter(submitted_at__isnull=False).values("interviewer")
    if not interview.interviewers.exclude(pk__in=submitted).exists():
        interview.complete()
        results.refresh_result(
            candidate_id=interview.candidate_id, question_set_id=interview.question_set_id
        )
        # Locked, so that of two last submissions in a loop, the later sees the earlier.
        candidate = Candidate.objects.select_for_update().get(pk=interview.candidate_id)
        _open_debrief_if_ready(candidate)
    sums.refresh_sums(candidate_id=interview.candidate_id)
    training.qualify_shadows(interview=interview)
    return scorecard


def _open_debrief_if_ready(candidate: Candidate) -> Debrief | None:
    """The debrief, opened now with each scorecard's values kept as they stand, if the loop
    is ready; None while it is not. Called when an interview of the loop has just completed,
    so the loop was not ready a moment ago: a debrief opened before (the loop was ready, then
    got a new interview) opens again, and what changes after is measured from now."""
    if not debrief.is_loop_ready(candidate):
        return None
    now = timezone.now()
    opened, created = Debrief.objects.get_or_create(
        candidate=candidate, defaults={"opened_at": now}
    )
    if not created:
        opened.opened_at, opened.opening = now, opened.opening + 1
        opened.save(update_fields=["opened_at", "opening"])
    Scorecard.objects.filter(
        interview__in=debrief.loop_interviews(candidate), submitted_at__isnull=False
    ).update(debrief_recommendation=F("recommendation"), debrief_score_mean=F("score_mean"))
    return opened


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
    _check_undecided(scorecard)
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

    questions = {q.pk: q for q in selectors.questions_for(scorecard.interview, author)}
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
    results.store_results(scorecard)
    sums.refresh_sums(candidate_id=scorecard.interview.candidate_id)
    audit.record(
        actor=author,
        action="scorecard_amended",
        subject=f"Scorecard #{scorecard.pk} of interview #{scorecard.interview_id}",
        details={"changed": sorted(after)},
    )
    training.qualify_shadows(interview=scorecard.interview)
    return Amendment.objects.create(
        scorecard=scorecard, author=author, reason=reason.strip(), before=before, after=after
    )


class CandidateDecided(ValidationError):
    """A decision stands on the candidate: their loop's scorecards no longer change."""


def _check_undecided(scorecard: Scorecard) -> None:
    # The candidate's row is locked as a decision locks it, so none is recorded meanwhile.
    candidate = Candidate.objects.select_for_update(of=("self",)).get(
        interviews=scorecard.interview_id
    )
    decision = debrief.standing_decision(candidate)
    if decision is not None:
        raise CandidateDecided(
            f"The candidate was decided ({decision.get_outcome_display()}, "
            f"{decision.decided_at:%d %b %Y}): scorecards cannot be amended until a hiring "
            "manager reopens the decision.",
            code="locked",
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


# Candidates: their details carry into results, and their scorecards into exports and erasure.


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
        "decisions": [
            {
                "outcome": decision.get_outcome_display(),
                "rationale": decision.rationale,
                "level": decision.level,
                "early_reason": decision.early_reason,
                "decided_at": decision.decided_at.isoformat(),
                "standing": decision.is_standing,
                "reopen_reason": decision.reopen_reason,
            }
            for decision in debrief.debrief_decisions(candidate).order_by("decided_at", "pk")
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
    results.refresh_results_of(candidate)
    return candidate


@transaction.atomic
def erase_candidate(*, candidate: Candidate, actor: User | None) -> Candidate:
    """Remove the candidate's name, email and notes and every note written about them,
    keeping ratings, recommendations and decisions' outcomes, anonymised, so results and
    analytics stay true."""
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
    # The outcome stays, anonymous, for the statistics; the words about the person go.
    Decision.objects.filter(candidate=candidate).update(
        rationale="", early_reason="", reopen_reason="", level=""
    )
    results.refresh_results_of(candidate)
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


class DecisionConflict(ValidationError):
    """Another hiring manager recorded or reopened a decision since this one read the page."""


@transaction.atomic
def record_decision(
    *,
    candidate: Candidate,
    manager: User,
    outcome: str,
    rationale: str,
    level: str = "",
    early_reason: str = "",
    replaces: int | None = None,
) -> Decision:
    """Record a hiring manager's decision with its rationale. `replaces` is the id of the
    decision standing when the manager read the page (None if none was): if another was recorded or
    reopened since, nothing is written. A decision before the loop is ready for debrief
    needs an `early_reason`. A standing decision is replaced, and kept in the history."""
    if not manager.has_perm(MANAGER_PERMISSION):
        raise PermissionDenied("Only hiring managers decide.")
    if outcome not in Decision.Outcome.values:
        raise ValidationError({"outcome": "Choose hire, no hire or hold."})
    rationale = check_text(
        _plain_newlines(rationale).strip(), limit=limits.RATIONALE, what="The rationale"
    )
    if not rationale:
        raise ValidationError({"rationale": "Write why: the rationale is kept with the decision."})
    level = check_text(level.strip(), limit=limits.LEVEL, what="The level")
    early_reason = check_text(
        _plain_newlines(early_reason).strip(), limit=limits.RATIONALE, what="The reason"
    )
    candidate = Candidate.objects.select_for_update().get(pk=candidate.pk)
    if candidate.is_erased:
        raise ValidationError("This candidate was erased: no decision can be recorded.")
    standing = debrief.standing_decision(candidate)
    if (standing.pk if standing else None) != replaces:
        raise DecisionConflict(
            "Another decision was recorded or reopened meanwhile: read it, then decide again.",
            code="locked",
        )
    if not debrief.is_loop_ready(candidate) and not early_reason:
        raise ValidationError(
            {"early_reason": "The loop is not ready for debrief: say why you decide now."}
        )
    now = timezone.now()
    if standing:
        Decision.objects.filter(pk=standing.pk).update(ended_at=now, ended_by=manager)
    decision = Decision.objects.create(
        candidate=candidate,
        outcome=outcome,
        rationale=rationale,
        level=level,
        early_reason=early_reason,
        decided_by=manager,
        decided_at=now,
    )
    results.refresh_results_of(candidate)
    sums.refresh_sums(candidate_id=candidate.pk)
    audit.record(
        actor=manager,
        action="decision_recorded",
        subject=f"Decision #{decision.pk} on candidate #{candidate.pk}",
        details={
            "outcome": decision.get_outcome_display(),
            "early": bool(early_reason),
            "replaces": standing.pk if standing else None,
        },
    )
    return decision


@transaction.atomic
def reopen_decision(*, decision: Decision, manager: User, reason: str) -> Decision:
    """End a standing decision with a reason: the loop's scorecards may be amended again and
    the candidate awaits a new decision."""
    if not manager.has_perm(MANAGER_PERMISSION):
        raise PermissionDenied("Only hiring managers reopen a decision.")
    reason = check_text(_plain_newlines(reason).strip(), limit=limits.RATIONALE, what="The reason")
    if not reason:
        raise ValidationError({"reason": "Say why the decision is reopened."})
    candidate = Candidate.objects.select_for_update().get(pk=decision.candidate_id)
    decision = Decision.objects.get(pk=decision.pk)
    if not decision.is_standing:
        raise DecisionConflict(
            "This decision no longer stands: it was reopened or replaced.", code="locked"
        )
    decision.ended_at, decision.ended_by, decision.reopen_reason = timezone.now(), manager, reason
    decision.save(update_fields=["ended_at", "ended_by", "reopen_reason"])
    results.refresh_results_of(candidate)
    sums.refresh_sums(candidate_id=decision.candidate_id)
    audit.record(
        actor=manager,
        action="decision_reopened",
        subject=f"Decision #{decision.pk} on candidate #{decision.candidate_id}",
    )
    return decision
