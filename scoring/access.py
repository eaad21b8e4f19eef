"""Which scorecards a user may read: the lookups the pages and the API share, with the blind
rule. A scorecard hidden and one that does not exist get the same 404."""

from django.core.exceptions import PermissionDenied
from django.http import Http404

from .models import Scorecard

# Hiring managers hold this permission; interviewers and curators do not.
MANAGER_PERMISSION = "interviews.view_candidate"


def get_scorecard_for(user, pk) -> Scorecard:
    """A scorecard its reader may see: the author always; a hiring manager once it is
    submitted; another interviewer of the interview once both theirs and it are submitted."""
    # One answer for a scorecard hidden and one that does not exist: a draft's id tells nothing.
    scorecard = (
        Scorecard.objects.select_related(
            "interview__candidate", "interview__question_set", "interviewer"
        )
        .filter(pk=pk)
        .first()
    )
    if scorecard is None:
        raise Http404
    if scorecard.interviewer_id == user.pk:
        return scorecard
    if scorecard.is_submitted and user.has_perm(MANAGER_PERMISSION):
        return scorecard
    if (
        scorecard.is_submitted
        and Scorecard.objects.filter(
            interview=scorecard.interview_id, interviewer=user, submitted_at__isnull=False
        ).exists()
    ):
        return scorecard
    raise Http404


def check_may_read_scorecards(user, interview) -> None:
    """Whether `user` may read the submitted scorecards of `interview`: a hiring manager
    always; an interviewer of it once their own is submitted (403 until then, blind); 404 for
    anyone else."""
    if user.has_perm(MANAGER_PERMISSION):
        return
    mine = Scorecard.objects.filter(interview=interview, interviewer=user).first()
    if mine is None and not interview.interviewers.filter(pk=user.pk).exists():
        raise Http404
    if mine is None or not mine.is_submitted:
        raise PermissionDenied("Submit your own scorecard to read your colleagues'.")
