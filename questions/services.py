"""Writes to the question bank that touch several rows."""

from collections.abc import Iterable

from django.db import transaction
from django.db.models import Max

from .models import AnswerPoint, LevelAnchor, Question, QuestionSet


@transaction.atomic
def copy_questions_to_set(*, questions: Iterable[Question], target: QuestionSet) -> list[Question]:
    """Copy questions with their answer points and level anchors to the end of `target`, in
    their order. A slug already taken in the target gets a numeric suffix."""
    next_position = (target.questions.aggregate(last=Max("position"))["last"] or 0) + 1
    taken_slugs = set(target.questions.values_list("slug", flat=True))
    copies = []
    for question in sorted(questions, key=lambda q: (q.question_set_id, q.position)):
        points = list(question.points.order_by("position"))
        anchors = list(question.anchors.order_by("level"))
        slug = question.slug
        suffix = 2
        while slug in taken_slugs:
            slug = f"{question.slug}-{suffix}"
            suffix += 1
        taken_slugs.add(slug)
        question.pk = None
        question._state.adding = True
        question.question_set = target
        question.slug = slug
        question.position = next_position
        question.save()
        next_position += 1
        AnswerPoint.objects.bulk_create(
            AnswerPoint(question=question, position=p.position, text=p.text, weight=p.weight)
            for p in points
        )
        LevelAnchor.objects.bulk_create(
            LevelAnchor(question=question, level=a.level, text=a.text) for a in anchors
        )
        copies.append(question)
    return copies
