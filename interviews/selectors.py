"""Read-side queries of candidates and interviews."""

from datetime import datetime

from django.contrib.auth.models import User
from django.db.models import (
    Case,
    CharField,
    Count,
    Exists,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Value,
    When,
)
from django.utils import timezone

from scoring.models import Scorecard

from .models import Candidate, Interview, InterviewPoint, InterviewQuestion

# The sections of an interviewer's "My interviews" page, in the order they are shown.
UPCOMING = "upcoming"
IN_PROGRESS = "in_progress"
WAITING = "waiting"
DONE = "done"
MY_SECTIONS = [
    (UPCOMING, "Upcoming"),
    (IN_PROGRESS, "In progress"),
    (WAITING, "Waiting for my scorecard"),
    (DONE, "Done"),
]


def search_candidates(text: str = "") -> QuerySet[Candidate]:
    """Candidates by name, each with their number of interviews; `text` keeps those whose
    name, email or role applied for mention every word of it."""
    candidates = Candidate.objects.annotate(interview_count=Count("interviews"))
    for word in text.split():
        candidates = candidates.filter(
            Q(name__icontains=word)
            | Q(email__icontains=word)
            | Q(role_applied_for__icontains=word)
        )
    return candidates.order_by("name", "pk")


def interview_counts_by_status() -> dict[str, int]:
    """How many interviews have each status, every status present (0 when none)."""
    counts = dict.fromkeys(Interview.Status.values, 0)
    counts.update(Interview.objects.order_by().values_list("status").annotate(count=Count("pk")))
    return counts


def panel_of(interview: Interview) -> QuerySet[User]:
    """The interview's interviewers, each with whether their scorecard is submitted, and
    nothing else about it: hiring managers never see a draft."""
    return interview.interviewers.annotate(
        scorecard_submitted=Exists(
            Scorecard.objects.filter(
                interview=interview, interviewer=OuterRef("pk"), submitted_at__isnull=False
            )
        )
    ).order_by("first_name", "last_name", "username")


def planned_questions(interview: Interview) -> QuerySet[InterviewQuestion]:
    """The questions planned for the interview, as snapshotted, with their expected points;
    follow-ups added live are left out."""
    return (
        interview.questions.filter(added_by__isnull=True)
        .select_related("topic")
        .prefetch_related(Prefetch("points", queryset=InterviewPoint.objects.order_by("position")))
        .order_by("position")
    )


def my_interviews(user: User, *, now: datetime | None = None) -> QuerySet[Interview]:
    """The interviews `user` is assigned to, each with `my_scorecard_submitted` and the
    `section` of the "My interviews" page it belongs to. An interview sits in the first
    section whose rule it meets:

    - Done: my scorecard is submitted, or the interview is completed or cancelled;
    - In progress: the interview was started live (and my scorecard is not submitted);
    - Waiting for my scorecard: still scheduled, but its time has come or passed, so it
      happened (or should have) without being started live: my scorecard is owed;
    - Upcoming: scheduled for later.

    Nothing here depends on the other interviewers' scorecards (the blind rule)."""
    now = now or timezone.now()
    return (
        Interview.objects.filter(interviewers=user)
        .select_related("candidate", "question_set")
        .annotate(
            my_scorecard_submitted=Exists(
                Scorecard.objects.filter(
                    interview=OuterRef("pk"), interviewer=user, submitted_at__isnull=False
                )
            ),
            section=Case(
                When(
                    Q(my_scorecard_submitted=True)
                    | Q(status__in=[Interview.Status.COMPLETED, Interview.Status.CANCELLED]),
                    then=Value(DONE),
                ),
                When(status=Interview.Status.IN_PROGRESS, then=Value(IN_PROGRESS)),
                When(scheduled_at__lte=now, then=Value(WAITING)),
                default=Value(UPCOMING),
                output_field=CharField(),
            ),
        )
    )


def my_section_counts(interviews: QuerySet[Interview]) -> dict[str, int]:
    """How many of `my_interviews(...)` fall in each section, every section present."""
    counts = dict.fromkeys((key for key, _ in MY_SECTIONS), 0)
    counts.update(interviews.order_by().values_list("section").annotate(count=Count("pk")))
    return counts
