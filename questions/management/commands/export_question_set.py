from pathlib import Path

from django.core import serializers
from django.core.management.base import BaseCommand, CommandError

from questions.models import AnswerPoint, LevelAnchor, Question, QuestionSet, Topic


class Command(BaseCommand):
    help = (
        "Write a question set with its topics, questions, answer points and level anchors in "
        "the fixture format, with natural keys: `manage.py loaddata FILE` loads it anywhere."
    )

    def add_arguments(self, parser):
        parser.add_argument("slug", help="The question set's slug.")
        parser.add_argument(
            "-o", "--output", help="File to write (.json); standard output when omitted."
        )

    def handle(self, *args, slug, output, **options):
        try:
            question_set = QuestionSet.objects.get(slug=slug)
        except QuestionSet.DoesNotExist:
            known = ", ".join(QuestionSet.objects.values_list("slug", flat=True)) or "none"
            raise CommandError(f"No question set with slug {slug!r}. Known sets: {known}.")

        questions = Question.objects.filter(question_set=question_set).select_related(
            "question_set", "topic"
        )
        objects = [
            *Topic.objects.filter(questions__question_set=question_set).distinct(),
            question_set,
        ]
        points = AnswerPoint.objects.filter(question__question_set=question_set).select_related(
            "question__question_set"
        )
        points_by_question = {}
        for point in points.order_by("position"):
            points_by_question.setdefault(point.question_id, []).append(point)
        anchors = LevelAnchor.objects.filter(question__question_set=question_set).select_related(
            "question__question_set"
        )
        anchors_by_question = {}
        for anchor in anchors.order_by("level"):
            anchors_by_question.setdefault(anchor.question_id, []).append(anchor)
        for question in questions.order_by("position"):
            objects += [
                question,
                *points_by_question.get(question.pk, []),
                *anchors_by_question.get(question.pk, []),
            ]

        text = serializers.serialize(
            "json",
            objects,
            indent=2,
            use_natural_foreign_keys=True,
            use_natural_primary_keys=True,
        )
        if output:
            Path(output).write_text(text + "\n", encoding="utf-8")
            self.stdout.write(
                f"Wrote {question_set.slug}: {questions.count()} questions, "
                f"{len(points)} answer points, {len(anchors)} level anchors to {output}."
            )
        else:
            self.stdout.write(text)
