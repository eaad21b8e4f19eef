"""A candidate's debrief and the hiring decision. The debrief is for hiring managers and for
the candidate's interviewers once every scorecard of theirs in the loop is submitted (blind
until then, as every aggregate); deciding and reopening are for hiring managers."""

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from interviews.models import Candidate

from .. import debrief, exports, services
from ..access import MANAGER_PERMISSION
from ..forms import DecisionForm, ReopenDecisionForm
from ..jinja import render_partial
from ..models import Decision

manager_only = permission_required(MANAGER_PERMISSION, raise_exception=True)


def get_debrief_candidate_for(user, pk) -> Candidate:
    """The candidate whose debrief `user` may read: a hiring manager always; an interviewer
    of the loop once all their scorecards in it are submitted (403 before); 404 otherwise."""
    # With its debrief, which the page reads.
    candidate = get_object_or_404(Candidate.objects.select_related("debrief"), pk=pk)
    if user.has_perm(MANAGER_PERMISSION):
        return candidate
    if not debrief.loop_interviews(candidate).filter(interviewers=user).exists():
        raise Http404
    if not debrief.is_panel_member_ready(user, candidate):
        raise PermissionDenied("Submit your own scorecards to read the debrief.")
    return candidate


def debrief_page(request, pk, *, form=None, reopen_form=None, status=200):
    candidate = get_debrief_candidate_for(request.user, pk)
    data = debrief.debrief_of(candidate)
    is_manager = request.user.has_perm(MANAGER_PERMISSION)
    if is_manager and not candidate.is_erased and form is None:
        form = DecisionForm(ready=data.ready, standing=data.decision)
    if is_manager and data.decision and reopen_form is None:
        reopen_form = ReopenDecisionForm()
    return render(
        request,
        "scoring/debrief.html",
        {
            "data": data,
            "candidate": candidate,
            "candidate_name": data.name_for(is_manager),
            "is_manager": is_manager,
            "form": form if is_manager and not candidate.is_erased else None,
            "reopen_form": reopen_form if is_manager and data.decision else None,
            # By Jinja2, as the compare table's rows: a loop has hundreds of ratings.
            "question_rows": render_partial(
                "scoring/debrief_questions.html", {"questions": data.questions}
            ),
        },
        status=status,
    )


def debrief_csv(request, pk):
    """The debrief's scorecards and ratings as CSV, for whoever may read the debrief."""
    candidate = get_debrief_candidate_for(request.user, pk)
    data = debrief.debrief_of(candidate)
    return exports.debrief_csv(
        data, candidate_name=data.name_for(request.user.has_perm(MANAGER_PERMISSION))
    )


@manager_only
@require_POST
def decide(request, pk):
    candidate = get_object_or_404(Candidate, pk=pk)
    form = DecisionForm(
        request.POST,
        ready=debrief.is_loop_ready(candidate),
        standing=debrief.standing_decision(candidate),
    )
    if form.is_valid():
        try:
            services.record_decision(
                candidate=candidate,
                manager=request.user,
                outcome=form.cleaned_data["outcome"],
                rationale=form.cleaned_data["rationale"],
                level=form.cleaned_data["level"],
                early_reason=form.cleaned_data.get("early_reason", ""),
                replaces=form.cleaned_data["replaces"],
            )
        except ValidationError as error:
            conflict = isinstance(error, services.DecisionConflict)
            form.add_error(None, ValidationError(error.messages))
            return debrief_page(request, pk, form=form, status=409 if conflict else 400)
        messages.success(request, "Decision recorded. The loop's scorecards are now locked.")
        return redirect("debrief", pk=candidate.pk)
    return debrief_page(request, pk, form=form, status=400)


@manager_only
@require_POST
def reopen_decision(request, pk):
    candidate = get_object_or_404(Candidate, pk=pk)
    decision = get_object_or_404(Decision, candidate=candidate, ended_at__isnull=True)
    form = ReopenDecisionForm(request.POST)
    if form.is_valid():
        try:
            services.reopen_decision(
                decision=decision, manager=request.user, reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            form.add_error(None, error)
            return debrief_page(request, pk, reopen_form=form, status=409)
        messages.success(request, "Decision reopened: the panel may amend their scorecards.")
        return redirect("debrief", pk=candidate.pk)
    return debrief_page(request, pk, reopen_form=form, status=400)
