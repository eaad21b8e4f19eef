"""Scorecards and a candidate's result. Interviewers see a scorecard only when the blind rule
allows it, and never an aggregate: a candidate's result is for hiring managers."""

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import ValidationError
from django.db.models import OuterRef, Prefetch, Subquery
from django.shortcuts import get_object_or_404, redirect, render

from interviews.access import candidate_name_for
from interviews.models import Candidate, Interview, InterviewAnchor, InterviewPoint

from .. import debrief, selectors, services
from ..access import MANAGER_PERMISSION, check_may_read_scorecards, get_scorecard_for
from ..forms import AmendScorecardForm
from ..models import PointMark, Rating, Scorecard

manager_only = permission_required(MANAGER_PERMISSION, raise_exception=True)


def candidate_name(user, interview) -> str:
    """The candidate as `user` may see them named on a scorecard: as the panel does for an
    interviewer; for a hiring manager by code while the loop's names are hidden until
    decided (the debrief links here), by name otherwise."""
    if user.has_perm(MANAGER_PERMISSION) and debrief.names_hidden(interview.candidate):
        return interview.candidate.anonymous_name
    return candidate_name_for(user, interview)


def interview_scorecards(request, pk):
    """The submitted scorecards of an interview: for hiring managers, and for an assigned
    interviewer once their own scorecard is submitted (blind until then)."""
    interview = get_object_or_404(
        Interview.objects.select_related("candidate", "question_set"), pk=pk
    )
    check_may_read_scorecards(request.user, interview)
    scorecards = Scorecard.objects.filter(
        interview=interview, submitted_at__isnull=False
    ).select_related("interviewer")
    return render(
        request,
        "scoring/interview_scorecards.html",
        {
            "interview": interview,
            "candidate_name": candidate_name(request.user, interview),
            "scorecards": scorecards,
        },
    )


def scorecard_detail(request, pk):
    scorecard = get_scorecard_for(request.user, pk)
    ratings = selectors.with_coverage(
        Rating.objects.filter(scorecard=scorecard)
        .select_related("interview_question__topic")
        .prefetch_related(
            Prefetch("marks", queryset=PointMark.objects.only("rating_id", "point_id", "mark")),
            Prefetch(
                "interview_question__points",
                queryset=InterviewPoint.objects.order_by("position"),
            ),
        )
        .order_by("interview_question__position", "interview_question__follow_up_number")
        # What the chosen level meant for this question when it was asked, in the same query.
        .annotate(
            anchor=Subquery(
                InterviewAnchor.objects.filter(
                    interview_question=OuterRef("interview_question"), level=OuterRef("score")
                ).values("text")
            )
        )
    )
    answers = []
    for rating in ratings:
        marks = {mark.point_id: mark.get_mark_display() for mark in rating.marks.all()}
        points = [(point, marks.get(point.pk)) for point in rating.interview_question.points.all()]
        answers.append((rating, points))
    can_read_history = request.user.has_perm(MANAGER_PERMISSION) or (
        scorecard.interviewer_id == request.user.pk
    )
    return render(
        request,
        "scoring/scorecard_detail.html",
        {
            "scorecard": scorecard,
            "candidate_name": candidate_name(request.user, scorecard.interview),
            "answers": answers,
            "topic_means": selectors.topic_means(Rating.objects.filter(scorecard=scorecard)),
            "amendments": scorecard.amendments.select_related("author")
            if can_read_history
            else [],
            "can_amend": scorecard.is_submitted and scorecard.interviewer_id == request.user.pk,
        },
    )


def amend_scorecard(request, pk):
    scorecard = get_object_or_404(
        Scorecard.objects.select_related("interview__candidate"),
        pk=pk,
        interviewer=request.user,
        submitted_at__isnull=False,
    )
    questions = list(selectors.questions_for(scorecard.interview, request.user))
    ratings = {r.interview_question_id: r for r in scorecard.ratings.all()}
    form = AmendScorecardForm(
        request.POST or None, scorecard=scorecard, questions=questions, ratings=ratings
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.amend_scorecard(
                scorecard=scorecard,
                author=request.user,
                reason=form.cleaned_data["reason"],
                recommendation=form.cleaned_data["recommendation"],
                summary=form.cleaned_data["summary"],
                answers=form.answers(),
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, "Scorecard amended. The earlier values are kept.")
            return redirect("scorecard_detail", pk=scorecard.pk)
    return render(request, "scoring/amend.html", {"scorecard": scorecard, "form": form})


@manager_only
def candidate_detail(request, pk):
    candidate = get_object_or_404(Candidate, pk=pk)
    results, topics = selectors.results_of(candidate)
    for result in results:
        result.topic_list = [
            (topic, result.topic_means[selectors.topic_column(topic)])
            for topic in topics
            if selectors.topic_column(topic) in result.topic_means
        ]
    interviews = (
        Interview.objects.filter(candidate=candidate)
        .select_related("question_set")
        .prefetch_related(
            Prefetch(
                "scorecards",
                queryset=Scorecard.objects.filter(submitted_at__isnull=False).select_related(
                    "interviewer"
                ),
                to_attr="submitted_scorecards",
            ),
            "interviewers",
        )
        .order_by("-scheduled_at")
    )
    decision = debrief.standing_decision(candidate)
    status = debrief.loop_status(candidate, decision=decision)
    return render(
        request,
        "scoring/candidate_detail.html",
        {
            "candidate": candidate,
            "results": results,
            "interviews": interviews,
            "decision": decision,
            "loop_status": status,
            "loop_label": debrief.LOOP_LABELS[status],
        },
    )
