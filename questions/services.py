"""Writes to the question bank that touch several rows. Each is recorded in the bank's history
(django-simple-history) with a reason; who made it comes from the request, or `user`."""

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import formats, timezone
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from .models import AnswerPoint, LevelAnchor, Question, QuestionSet, Topic

# What restoring a version brings back: the question's words and settings, not its place.
RESTORED_FIELDS = [
    "prompt",
    "topic_id",
    "kind",
    "intent",
    "guidance",
    "reference_answer",
    "suggested_minutes",
]


@transaction.atomic
def copy_questions_to_set(
    *, questions: Iterable[Question], target: QuestionSet, user=None
) -> list[Question]:
    """Copy questions with their answer points and level anchors to the end of `target`, in
    their order. A slug already taken in the target gets a numeric suffix."""
    next_position = (target.questions.aggregate(last=Max("position"))["last"] or 0) + 1
    taken_slugs = set(target.questions.values_list("slug", flat=True))
    copies = []
    for question in sorted(questions, key=lambda q: (q.question_set_id, q.position)):
        points = list(question.points.order_by("position"))
        anchors = list(question.anchors.order_by("level"))
        source = f"{question.question_set.slug}/{question.slug}"
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
        question._change_reason = f"Copied from {source}"
        if user is not None:
            question._history_user = user
        question.save()
        next_position += 1
        reason = f"Copied with its question from {source}"
        bulk_create_with_history(
            [
                AnswerPoint(question=question, position=p.position, text=p.text, weight=p.weight)
                for p in points
            ],
            AnswerPoint,
            default_user=user,
            default_change_reason=reason,
        )
        bulk_create_with_history(
            [LevelAnchor(question=question, level=a.level, text=a.text) for a in anchors],
            LevelAnchor,
            default_user=user,
            default_change_reason=reason,
        )
        copies.append(question)
    return copies


@transaction.atomic
def set_questions_active(
    *, questions: Iterable[Question], active: bool, user=None, reason: str = ""
) -> int:
    """Retire or activate questions, each change recorded; those already so are left alone."""
    changed = [question for question in questions if question.is_active != active]
    for question in changed:
        question.is_active = active
    bulk_update_with_history(
        changed,
        Question,
        ["is_active"],
        default_user=user,
        default_change_reason=reason or ("Activated" if active else "Retired"),
    )
    return len(changed)


@transaction.atomic
def replace_with_copies(*, questions: Iterable[Question], user=None) -> list[Question]:
    """Retire each question and add a copy of it, with its points and anchors, at the end of
    its own set, for a curator to reword and then activate (a leaked wording is not asked
    again meanwhile); both recorded."""
    copies = []
    for question in list(questions):
        original = Question.objects.get(pk=question.pk)
        question.is_active = False
        [copy] = copy_questions_to_set(
            questions=[question], target=original.question_set, user=user
        )
        set_questions_active(
            questions=[original],
            active=False,
            user=user,
            reason=f"Replaced by a copy for editing: {copy.slug}",
        )
        copies.append(copy)
    return copies


def _as_of(history, question: Question, version) -> list:
    """The records of a question's points or anchors as they stood while `version` was the
    question's latest: the latest record of each before the question's next version (points
    are saved just after their question in the same edit), unless it was a deletion."""
    records = history.filter(question_id=question.pk)
    following = Question.history.filter(id=question.pk, history_id__gt=version.history_id)
    until = following.order_by("history_id").values_list("history_date", flat=True).first()
    if until is not None:
        records = records.filter(history_date__lt=until)
    latest = {}
    for record in records.order_by("history_date", "history_id"):
        latest[record.id] = record
    return [record for record in latest.values() if record.history_type != "-"]


def points_as_of(question: Question, version) -> list:
    return sorted(_as_of(AnswerPoint.history, question, version), key=lambda r: r.position)


def anchors_as_of(question: Question, version) -> list:
    return sorted(_as_of(LevelAnchor.history, question, version), key=lambda r: r.level)


@transaction.atomic
def restore_question_version(*, question: Question, version, user) -> Question:
    """Bring back a recorded version of a question: its words and settings, and its answer
    points and level anchors as they stood then. Recorded as a change of its own."""
    question = Question.objects.select_for_update().get(pk=question.pk)
    if version.id != question.pk:
        raise ValidationError("That version belongs to another question.")
    if not Topic.objects.filter(pk=version.topic_id).exists():
        raise ValidationError(
            "That version's topic has been deleted since: restore a later version, or edit "
            "the question instead."
        )
    points = points_as_of(question, version)
    anchors = anchors_as_of(question, version)
    when = formats.date_format(timezone.localtime(version.history_date), "j M Y H:i")
    reason = f"Restored the version of {when}"
    for name in RESTORED_FIELDS:
        setattr(question, name, getattr(version, name))
    question._change_reason = reason
    question._history_user = user
    question.save()
    # Each deletion and creation is recorded, as an edit in the admin would be.
    for obj in [*question.points.all(), *question.anchors.all()]:
        obj._change_reason, obj._history_user = reason, user
        obj.delete()
    for record in points:
        point = AnswerPoint(
            question=question, position=record.position, text=record.text, weight=record.weight
        )
        point._change_reason, point._history_user = reason, user
        point.save()
    for record in anchors:
        anchor = LevelAnchor(question=question, level=record.level, text=record.text)
        anchor._change_reason, anchor._history_user = reason, user
        anchor.save()
    return question


def record_edit_of_parts(*, question: Question, user) -> None:
    """A new version of a question whose answer points or anchors alone changed (the
    question's own row was not saved), so that interviews planned after it point to a
    version that tells them apart."""
    Question.history.bulk_history_create(
        [question],
        update=True,
        default_user=user,
        default_change_reason="Answer points or rating anchors changed",
    )
