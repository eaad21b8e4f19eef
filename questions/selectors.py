"""Read-side queries of the question bank."""

from django.db.models import Count, Prefetch, Q, QuerySet

from .models import AnswerPoint, LevelAnchor, Question, QuestionSet


def question_sets_with_counts() -> QuerySet[QuestionSet]:
    return QuestionSet.objects.annotate(
        active_question_count=Count("questions", filter=Q(questions__is_active=True)),
        topic_count=Count("questions__topic", filter=Q(questions__is_active=True), distinct=True),
    )


def search_questions(
    question_set: QuestionSet, *, text: str = "", include_retired: bool = False
) -> QuerySet[Question]:
    """The set's questions in topic order, then set order, with their points and anchors;
    `text` keeps the questions whose prompt, intent, guidance or points mention it."""
    questions = question_set.questions.select_related("topic").prefetch_related(
        Prefetch("points", queryset=AnswerPoint.objects.order_by("position")),
        Prefetch("anchors", queryset=LevelAnchor.objects.order_by("level")),
    )
    if not include_retired:
        questions = questions.filter(is_active=True)
    for word in text.split():
        matching_points = AnswerPoint.objects.filter(text__icontains=word).values("question")
        questions = questions.filter(
            Q(prompt__icontains=word)
            | Q(intent__icontains=word)
            | Q(guidance__icontains=word)
            | Q(topic__name__icontains=word)
            | Q(pk__in=matching_points)
        )
    return questions.order_by("topic__position", "topic__name", "position")
