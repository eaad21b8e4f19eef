"""The live interview page, its autosave endpoints, finishing a scorecard, and reading the
submitted scorecards of an interview once the blind rule allows it."""

import uuid

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Prefetch, Q, prefetch_related_objects
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.views.decorators.http import require_POST

from config import limits
from interviews import services as interview_services
from interviews.access import get_assigned_interview
from interviews.models import InterviewPoint, InterviewQuestion
from notifications import services as notifications

from .. import selectors, services
from ..forms import AnswerChangeForm, FinishScorecardForm
from ..models import Mark, Scorecard

MARK_BUTTONS = [
    (Mark.COVERED, "Covered", "success"),
    (Mark.PARTIAL, "Partial", "warning"),
    (Mark.MISSED, "Missed", "danger"),
]


def wants_json(request):
    return "application/json" in request.headers.get("Accept", "")


def refuse(request, status, message, field=None):
    if wants_json(request):
        reply = {"error": message} | ({"field": field} if field else {})
        return JsonResponse(reply, status=status)
    return render(request, "scoring/refused.html", {"message": message}, status=status)


def live_interview(request, pk):
    """The page only reads: the draft scorecard is made by Start or by the first save."""
    interview = get_assigned_interview(request.user, pk)
    scorecard = services.existing_scorecard(interview=interview, interviewer=request.user)
    if scorecard and scorecard.is_submitted:
        messages.info(request, "Your scorecard for this interview is submitted.")
        return redirect("interview_scorecards", pk=interview.pk)
    if not interview.is_open:
        return refuse(request, 409, f"This interview is {interview.get_status_display().lower()}.")
    return live_page(request, interview, scorecard)


def live_page(request, interview, scorecard, *, follow_up_error=None, status=200):
    """The live page; `follow_up_error` shows why a follow-up was not added, next to its field."""
    questions = list(selectors.live_questions(interview, request.user, scorecard))
    return render(
        request,
        "scoring/live.html",
        {
            "interview": interview,
            "scorecard": scorecard,
            "questions": questions,
            "scores": services.Score.choices,
            "marks": MARK_BUTTONS,
            "notes_limit": limits.NOTES,
            "follow_up_error": follow_up_error,
        },
        status=status,
    )


@require_POST
def start_interview(request, pk):
    interview = get_assigned_interview(request.user, pk)
    with transaction.atomic():
        scorecard = services.existing_scorecard(interview=interview, interviewer=request.user)
        if interview.is_open and not (scorecard and scorecard.is_submitted):
            services.start_interview(interview=interview)
            services.scorecard_for(interview=interview, interviewer=request.user)
    return redirect("live_interview", pk=interview.pk)


@require_POST
def save_answer(request, pk, question_pk):
    """Save a change to an answer: any of score, skipped, notes and mark-<point id>, with the
    version (when it was made) that decides between two tabs. The page sends one field at a
    time; the plain form (no JavaScript) sends them all."""
    question = get_object_or_404(
        InterviewQuestion.objects.select_related("interview").filter(
            Q(added_by__isnull=True) | Q(added_by=request.user),
            interview=pk,
            interview__interviewers=request.user,
        ),
        pk=question_pk,
    )
    form = AnswerChangeForm(request.POST)
    if not form.is_valid():
        field, message = form.first_error()
        return refuse(request, 400, message, field=field)
    try:
        saved = services.save_answer(
            interview_question=question, interviewer=request.user, **form.changes
        )
    except services.ScorecardLocked as error:
        return refuse(request, 409, error.messages[0])
    except ValidationError as error:
        return refuse(request, 400, " ".join(error.messages))
    if wants_json(request):
        return JsonResponse(answer_reply(saved, form.changes, question.interview))
    messages.success(request, f"Saved question {question.position}.")
    return redirect(reverse("live_interview", args=[pk]) + f"#q-{question.pk}")


def answer_reply(saved, changes, interview):
    """What is stored now of each field the change named, with its version, so that every tab
    shows the same; `stale` names the fields where a later edit was kept instead."""
    rating = saved.rating
    reply = {"saved": True, "score": rating.score, "skipped": rating.skipped}
    if "notes" in changes:
        reply["notes"] = rating.notes
        # The panel of an anonymised interview is told when a note names the candidate; the
        # note is theirs and stays as written.
        if interview.anonymised and interview.candidate.is_named_in(rating.notes):
            reply["names_candidate"] = True
    if saved.marks:
        reply["marks"] = {str(pk): mark for pk, mark in saved.marks.items()}
    reply["versions"] = rating.versions
    reply["stale"] = saved.stale
    return reply


@require_POST
def add_follow_up(request, pk, question_pk):
    interview = get_assigned_interview(request.user, pk)
    after = get_object_or_404(selectors.questions_for(interview, request.user), pk=question_pk)
    try:
        client_key = (
            uuid.UUID(request.POST["client_key"]) if request.POST.get("client_key") else None
        )
    except ValueError:
        return refuse(request, 400, "The follow-up's client key is not a UUID.")
    try:
        follow_up = interview_services.add_follow_up(
            after=after,
            interviewer=request.user,
            prompt=request.POST.get("prompt", ""),
            points=request.POST.get("points", "").splitlines(),
            client_key=client_key,
        )
    except ValidationError as error:
        locked = getattr(error, "code", None) == "locked"
        if not locked and not wants_json(request) and "prompt" in getattr(error, "error_dict", {}):
            # Without JavaScript: the page again, the reason next to the question's field.
            scorecard = services.existing_scorecard(interview=interview, interviewer=request.user)
            follow_up_error = {
                "after": after.pk,
                "prompt": request.POST.get("prompt", ""),
                "message": " ".join(error.messages),
            }
            return live_page(
                request, interview, scorecard, follow_up_error=follow_up_error, status=400
            )
        return refuse(request, 409 if locked else 400, " ".join(error.messages))
    if not wants_json(request):
        return redirect(reverse("live_interview", args=[interview.pk]) + f"#q-{follow_up.pk}")
    # Prefetched, so that the template shows the same points that were given their keys.
    prefetch_related_objects(
        [follow_up], Prefetch("points", queryset=InterviewPoint.objects.order_by("position"))
    )
    context = {
        "interview": interview,
        "question": selectors.with_answer(follow_up, None),
        "scores": services.Score.choices,
        "marks": MARK_BUTTONS,
        "notes_limit": limits.NOTES,
    }
    return JsonResponse(
        {
            "id": follow_up.pk,
            "after": after.pk,
            "html": render_to_string("scoring/live.html#question", context, request=request),
            "navigator_html": render_to_string(
                "scoring/live.html#navigator-item", context, request=request
            ),
        }
    )


def finish_scorecard(request, pk):
    interview = get_assigned_interview(request.user, pk)
    scorecard = services.existing_scorecard(interview=interview, interviewer=request.user)
    if scorecard and scorecard.is_submitted:
        return redirect("interview_scorecards", pk=interview.pk)
    questions = list(selectors.live_questions(interview, request.user, scorecard))
    form = FinishScorecardForm(
        request.POST or None,
        instance=scorecard or Scorecard(interview=interview, interviewer=request.user),
    )
    if request.method == "POST" and form.is_valid():
        try:
            # A scorecard submitted without a single save is made here; a refusal undoes it.
            with transaction.atomic():
                draft = services.scorecard_for(interview=interview, interviewer=request.user)
                services.submit_scorecard(
                    scorecard=draft,
                    recommendation=form.cleaned_data["recommendation"],
                    summary=form.cleaned_data["summary"],
                )
                # The higher app's service, after the lower one's: notifications reads down.
                notifications.debrief_ready(candidate=interview.candidate)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, "Scorecard submitted. You can now read your colleagues'.")
            return redirect("interview_scorecards", pk=interview.pk)
    return render(
        request,
        "scoring/finish.html",
        {
            "interview": interview,
            "form": form,
            "unrated": [q for q in questions if not (q.rating and q.rating.score)],
            "rated_count": sum(1 for q in questions if q.rating and q.rating.score),
            "question_count": len(questions),
        },
    )
