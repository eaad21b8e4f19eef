"""Hiring managers' pages for candidates and interviews, and each interviewer's list of the
interviews assigned to them."""

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import ValidationError
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST
from django.views.decorators.vary import vary_on_headers

from config.pagination import paginate
from notifications import services as scheduling
from scoring import debrief, training
from scoring import selectors as scoring_selectors
from scoring import services as scoring_services

from . import selectors
from .access import MANAGE_INTERVIEWS, get_interview_for_manager
from .forms import CandidateForm, RescheduleInterviewForm, ScheduleInterviewForm
from .models import Candidate, Interview

# The Done section of "My interviews" shows the latest ones only; it grows forever.
DONE_SHOWN = 20


@permission_required("interviews.view_candidate", raise_exception=True)
@vary_on_headers("HX-Request")
def candidate_list(request):
    text = request.GET.get("q", "").strip()
    page = paginate(request, selectors.search_candidates(text))
    template = "interviews/candidate_list.html"
    if request.htmx and not request.htmx.history_restore_request:
        template += "#candidate-list"
    return render(request, template, {"page": page, "text": text})


@permission_required("interviews.add_candidate", raise_exception=True)
def candidate_create(request):
    form = CandidateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        candidate = scoring_services.save_candidate(form=form)
        messages.success(request, f"Added {candidate.name}.")
        return redirect("candidate_detail", candidate.pk)
    return render(request, "interviews/candidate_form.html", {"form": form})


@permission_required("interviews.change_candidate", raise_exception=True)
def candidate_edit(request, pk):
    candidate = get_object_or_404(Candidate, pk=pk)
    form = CandidateForm(request.POST or None, instance=candidate)
    if request.method == "POST" and form.is_valid():
        scoring_services.save_candidate(form=form)
        messages.success(request, f"Saved {candidate.name}.")
        return redirect("candidate_detail", candidate.pk)
    interviews = candidate.interviews.select_related("question_set").order_by(
        "-scheduled_at", "-pk"
    )
    return render(
        request,
        "interviews/candidate_form.html",
        {
            "form": form,
            "candidate": candidate,
            "interviews": interviews,
            "results_url": reverse("candidate_detail", args=[candidate.pk]),
        },
    )


@permission_required(MANAGE_INTERVIEWS, raise_exception=True)
def interview_list(request):
    status = request.GET.get("status", "")
    interviews = (
        Interview.objects.select_related("candidate", "question_set")
        .prefetch_related("interviewers")
        .order_by("-scheduled_at", "-pk")
    )
    if status in Interview.Status.values:
        interviews = interviews.filter(status=status)
    else:
        status = ""
    counts = selectors.interview_counts_by_status()
    return render(
        request,
        "interviews/interview_list.html",
        {
            "page": paginate(request, interviews),
            "status": status,
            "status_label": Interview.Status(status).label if status else "",
            "total": sum(counts.values()),
            "statuses": [
                (value, label, counts[value]) for value, label in Interview.Status.choices
            ],
        },
    )


@permission_required(MANAGE_INTERVIEWS, raise_exception=True)
@vary_on_headers("HX-Request")
def schedule_interview(request):
    if request.method == "POST" and "show_questions" not in request.POST:
        form = ScheduleInterviewForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                interview = scheduling.schedule_interview(
                    candidate=data["candidate"],
                    question_set=data["question_set"],
                    stage=data["stage"],
                    scheduled_at=data["scheduled_at"],
                    interviewers=list(data["interviewers"]),
                    questions=data["questions"],
                    created_by=request.user,
                    anonymised=data["anonymised"],
                    shadows=list(data["shadows"]),
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(
                    request, f"Scheduled “{interview.stage}” with {interview.candidate}."
                )
                if not training.qualified_on_panel(
                    question_set=interview.question_set, interviewers=data["interviewers"]
                ):
                    messages.warning(
                        request,
                        f"Nobody on this panel is qualified on {interview.question_set}: "
                        "consider adding an interviewer who is (see Calibration, Trainees).",
                    )
                return redirect("interview_detail", pk=interview.pk)
    else:
        # A first visit (?candidate= preselects one), a change of set, or the no-JavaScript
        # "Show questions" button: what was filled in stays, the questions start afresh.
        values = request.POST if request.method == "POST" else request.GET
        initial = {name: values.get(name) for name in ("candidate", "question_set", "stage")}
        if values.get("scheduled_at"):
            initial["scheduled_at"] = values["scheduled_at"]
        for panel in ("interviewers", "shadows"):
            if panel in values:
                initial[panel] = values.getlist(panel)
        form = ScheduleInterviewForm(initial={k: v for k, v in initial.items() if v})
    template = "interviews/schedule_interview.html"
    if request.htmx and request.method == "GET" and not request.htmx.history_restore_request:
        template += "#question-choice"
    return render(request, template, {"form": form})


def interview_detail(request, pk):
    interview = get_interview_for_manager(request.user, pk)
    return render(
        request,
        "interviews/interview_detail.html",
        {
            "interview": interview,
            "panel": scoring_selectors.panel_of(interview),
            "questions": selectors.planned_questions(interview),
            "scorecards_url": reverse("interview_scorecards", args=[interview.pk]),
        },
    )


@require_POST
@permission_required("interviews.change_interview", raise_exception=True)
def cancel_interview(request, pk):
    interview = get_object_or_404(Interview.objects.select_related("candidate"), pk=pk)
    if interview.status == Interview.Status.CANCELLED:
        messages.info(request, "This interview is already cancelled.")
        return redirect("interview_detail", pk=interview.pk)
    try:
        scheduling.cancel_interview(interview=interview)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"Cancelled “{interview.stage}” with {interview.candidate}.")
    return redirect("interview_detail", pk=interview.pk)


@permission_required("interviews.view_interview", raise_exception=True)
def my_interviews(request):
    mine = scoring_selectors.my_interviews(request.user)
    counts = scoring_selectors.my_section_counts(mine)
    # Whether the candidate's whole loop is in, so its debrief is open to the panel.
    mine = mine.annotate(loop_ready=debrief.ready_condition("candidate"))
    rows = {key: [] for key, _ in scoring_selectors.MY_SECTIONS}
    for interview in [
        *mine.exclude(section=scoring_selectors.DONE).order_by("scheduled_at", "pk"),
        *mine.filter(section=scoring_selectors.DONE).order_by("-scheduled_at", "-pk")[:DONE_SHOWN],
    ]:
        if interview.section != scoring_selectors.DONE:
            interview.action_url = reverse("live_interview", args=[interview.pk])
        elif interview.my_scorecard_submitted:
            interview.action_url = reverse("interview_scorecards", args=[interview.pk])
        else:
            interview.action_url = None
        interview.debrief_url = (
            reverse("debrief", args=[interview.candidate_id])
            if interview.my_scorecard_submitted and interview.loop_ready
            else None
        )
        rows[interview.section].append(interview)
    sections = [
        {"key": key, "title": title, "count": counts[key], "interviews": rows[key]}
        for key, title in scoring_selectors.MY_SECTIONS
    ]
    return render(
        request,
        "interviews/my_interviews.html",
        {"sections": sections, "done_shown": DONE_SHOWN},
    )


@permission_required("interviews.view_candidate", raise_exception=True)
def candidate_export(request, pk):
    """Everything stored about a candidate, as a JSON download."""
    candidate = get_object_or_404(Candidate, pk=pk)
    data = scoring_services.export_candidate(candidate=candidate, actor=request.user)
    response = JsonResponse(data, json_dumps_params={"indent": 2, "ensure_ascii": False})
    response["Content-Disposition"] = f'attachment; filename="candidate-{candidate.pk}.json"'
    return response


@permission_required("interviews.change_candidate", raise_exception=True)
def candidate_erase(request, pk):
    """Ask, then erase a candidate's personal data; their anonymous ratings stay."""
    candidate = get_object_or_404(Candidate, pk=pk)
    if request.method == "POST":
        try:
            scoring_services.erase_candidate(candidate=candidate, actor=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, f"Erased candidate #{candidate.pk}.")
        return redirect("candidate_detail", pk=candidate.pk)
    return render(request, "interviews/candidate_erase.html", {"candidate": candidate})


@permission_required("interviews.change_interview", raise_exception=True)
def reschedule_interview(request, pk):
    """Move an interview or change its panel; the panel, old and new, is emailed."""
    interview = get_object_or_404(Interview.objects.select_related("candidate"), pk=pk)
    initial = {
        "scheduled_at": timezone.localtime(interview.scheduled_at),
        "interviewers": interview.interviewers.exclude(shadowed_interviews=interview),
        "shadows": interview.shadows.all(),
        "anonymised": interview.anonymised,
    }
    form = RescheduleInterviewForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            scheduling.reschedule_interview(
                interview=interview,
                scheduled_at=form.cleaned_data["scheduled_at"],
                interviewers=list(form.cleaned_data["interviewers"]),
                anonymised=form.cleaned_data["anonymised"],
                shadows=list(form.cleaned_data["shadows"]),
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, f"Saved “{interview.stage}” and emailed the panel.")
            return redirect("interview_detail", pk=interview.pk)
    return render(
        request, "interviews/reschedule_interview.html", {"form": form, "interview": interview}
    )
