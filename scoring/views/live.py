"""The live interview page, its autosave endpoints, finishing a scorecard, and reading the
submitted scorecards of an interview once the blind rule allows it."""

import uuid

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Prefetch
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.views.decorators.http import require_POST

from interviews import services as interview_services
from interviews.models import Interview, InterviewPoint

from .. import services
from ..forms import FinishScorecardForm
from ..models import Mark, PointMark, Rating, Scorecard

# One key per expected point on the live page, in the home row of the keyboard.
POINT_KEYS = "asdfghjkl"
MARK_BUTTONS = [
    (Mark.COVERED, "Covered", "success"),
    (Mark.PARTIAL, "Partial", "warning"),
    (Mark.MISSED, "Missed", "danger"),
]


def answer_state(rating):
    if rating and rating.score:
        return "rated"
    return "skipped" if rating and rating.skipped else "untouched"


def get_assigned_interview(user, pk) -> Interview:
    """The interview, if `user` is one of its interviewers; 404 otherwise."""
    return get_object_or_404(
        Interview.objects.select_related("candidate", "question_set").filter(interviewers=user),
        pk=pk,
    )


def wants_json(request):
    return "application/json" in request.headers.get("Accept", "")


def refuse(request, status, message):
    if wants_json(request):
        return JsonResponse({"error": message}, status=status)
    return render(request, "scoring/refused.html", {"message": message}, status=status)


def live_questions(scorecard):
    """The interviewer's questions with points, and their rating and marks if any."""
    questions = (
        services.questions_for(scorecard.interview, scorecard.interviewer)
        .select_related("topic")
        .prefetch_related(Prefetch("points", queryset=InterviewPoint.objects.order_by("position")))
    )
    ratings = {
        rating.interview_question_id: rating
        for rating in Rating.objects.filter(scorecard=scorecard).prefetch_related(
            Prefetch("marks", queryset=PointMark.objects.only("rating_id", "point_id", "mark"))
        )
    }
    for question in questions:
        yield with_answer(question, ratings.get(question.pk))


def with_answer(question, rating):
    """The question ready for the page: its rating and state, and each point's mark and key."""
    question.rating = rating
    question.state = answer_state(rating)
    marks = {m.point_id: m.mark for m in rating.marks.all()} if rating else {}
    for number, point in enumerate(question.points.all()):
        point.mark = marks.get(point.pk)
        point.key = POINT_KEYS[number] if number < len(POINT_KEYS) else ""
    return question


def live_interview(request, pk):
    interview = get_assigned_interview(request.user, pk)
    scorecard = services.scorecard_for(interview=interview, interviewer=request.user)
    if scorecard.is_submitted:
        messages.info(request, "Your scorecard for this interview is submitted.")
        return redirect("interview_scorecards", pk=interview.pk)
    if not interview.is_open:
        return refuse(request, 409, f"This interview is {interview.get_status_display().lower()}.")
    questions = list(live_questions(scorecard))
    return render(
        request,
        "scoring/live.html",
        {
            "interview": interview,
            "scorecard": scorecard,
            "questions": questions,
            "scores": services.Score.choices,
            "marks": MARK_BUTTONS,
        },
    )


@require_POST
def start_interview(request, pk):
    interview = get_assigned_interview(request.user, pk)
    submitted = Scorecard.objects.filter(
        interview=interview, interviewer=request.user, submitted_at__isnull=False
    ).exists()
    if interview.is_open and not submitted:
        interview_services.start_interview(interview=interview)
    return redirect("live_interview", pk=interview.pk)


def parse_choice(value, allowed, what):
    """'' clears, otherwise the value must be one of `allowed`."""
    if value == "":
        return None
    try:
        number = int(value)
    except ValueError:
        raise ValidationError(f"{what} must be a number, not {value!r}.")
    if number not in allowed:
        raise ValidationError(f"{what} must be one of {', '.join(map(str, allowed))}.")
    return number


@require_POST
def save_answer(request, pk, question_pk):
    """Save any of the answer's fields: score, skipped, notes and mark-<point id>. The page
    sends one field at a time; the plain form (no JavaScript) sends them all."""
    interview = get_assigned_interview(request.user, pk)
    question = get_object_or_404(
        services.questions_for(interview, request.user).prefetch_related("points"), pk=question_pk
    )
    points = {str(point.pk): point for point in question.points.all()}
    data = request.POST
    try:
        # All of it or nothing, the draft scorecard made on first use included.
        with transaction.atomic():
            scorecard = services.scorecard_for(interview=interview, interviewer=request.user)
            skipped = data.getlist("skipped")[-1] == "1" if "skipped" in data else None
            if skipped is not None:
                services.skip_question(
                    scorecard=scorecard, interview_question=question, skipped=skipped
                )
            if "score" in data and not skipped:
                services.rate_question(
                    scorecard=scorecard,
                    interview_question=question,
                    score=parse_choice(data["score"], services.Score.values, "A rating"),
                )
            if "notes" in data:
                services.write_notes(
                    scorecard=scorecard, interview_question=question, notes=data["notes"]
                )
            for key in data:
                if not key.startswith("mark-"):
                    continue
                point = points.get(key.removeprefix("mark-"))
                if point is None:
                    raise ValidationError("That expected point belongs to another question.")
                services.mark_point(
                    scorecard=scorecard,
                    interview_question=question,
                    point=point,
                    mark=parse_choice(data[key], Mark.values, "A mark"),
                )
    except services.ScorecardLocked as error:
        return refuse(request, 409, error.messages[0])
    except ValidationError as error:
        return refuse(request, 400, " ".join(error.messages))
    if wants_json(request):
        rating = Rating.objects.filter(scorecard=scorecard, interview_question=question).first()
        return JsonResponse(
            {
                "saved": True,
                "score": rating.score if rating else None,
                "skipped": rating.skipped if rating else False,
            }
        )
    messages.success(request, f"Saved question {question.position}.")
    return redirect(reverse("live_interview", args=[interview.pk]) + f"#q-{question.pk}")


@require_POST
def add_follow_up(request, pk, question_pk):
    interview = get_assigned_interview(request.user, pk)
    after = get_object_or_404(services.questions_for(interview, request.user), pk=question_pk)
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
        return refuse(request, 409 if locked else 400, " ".join(error.messages))
    if not wants_json(request):
        return redirect(reverse("live_interview", args=[interview.pk]) + f"#q-{follow_up.pk}")
    context = {
        "interview": interview,
        "question": with_answer(follow_up, None),
        "scores": services.Score.choices,
        "marks": MARK_BUTTONS,
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
    scorecard = services.scorecard_for(interview=interview, interviewer=request.user)
    if scorecard.is_submitted:
        return redirect("interview_scorecards", pk=interview.pk)
    questions = list(live_questions(scorecard))
    form = FinishScorecardForm(request.POST or None, instance=scorecard)
    if request.method == "POST" and form.is_valid():
        try:
            services.submit_scorecard(
                scorecard=scorecard,
                recommendation=form.cleaned_data["recommendation"],
                summary=form.cleaned_data["summary"],
            )
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
