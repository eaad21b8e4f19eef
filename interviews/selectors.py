"""Read-side queries of candidates and interviews."""

from django.db.models import (
    Count,
    Prefetch,
    Q,
    QuerySet,
)

from .models import Candidate, Interview, InterviewPoint, InterviewQuestion


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


def planned_questions(interview: Interview) -> QuerySet[InterviewQuestion]:
    """The questions planned for the interview, as snapshotted, with their expected points;
    follow-ups added live are left out."""
    return (
        interview.questions.filter(added_by__isnull=True)
        .select_related("topic")
        .prefetch_related(Prefetch("points", queryset=InterviewPoint.objects.order_by("position")))
        .order_by("position")
    )
