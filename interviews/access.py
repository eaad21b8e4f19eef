"""Which interviews a user may reach: the lookups the pages and the API share, each raising
404 for an interview the user may not see (they may not know it exists)."""

from django.http import Http404
from django.shortcuts import get_object_or_404

from .models import Interview

# Hiring managers hold these permissions; interviewers and curators do not.
MANAGE_INTERVIEWS = ["interviews.view_interview", "interviews.add_interview"]


def get_interview_for_manager(user, pk) -> Interview:
    """The interview, for a hiring manager; 404 for anyone else, who may not know it exists."""
    if not user.has_perms(MANAGE_INTERVIEWS):
        raise Http404
    return get_object_or_404(
        Interview.objects.select_related("candidate", "question_set", "created_by"), pk=pk
    )


def get_assigned_interview(user, pk) -> Interview:
    """The interview, if `user` is one of its interviewers; 404 otherwise."""
    return get_object_or_404(
        Interview.objects.select_related("candidate", "question_set").filter(interviewers=user),
        pk=pk,
    )


def get_interview_for(user, pk) -> Interview:
    """For a hiring manager, any interview; for an interviewer, one assigned to them."""
    if user.has_perms(MANAGE_INTERVIEWS):
        return get_interview_for_manager(user, pk)
    return get_assigned_interview(user, pk)


def candidate_name_for(user, interview: Interview) -> str:
    """The candidate as `user` may see them named: hiring managers by name; anyone else as
    the panel does, by code when the interview is anonymised."""
    if user.has_perms(MANAGE_INTERVIEWS):
        return interview.candidate.name
    return interview.candidate_name_for_panel
