import json
from pathlib import Path

from django.core import serializers
from django.core.exceptions import NON_FIELD_ERRORS, ObjectDoesNotExist, ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.core.serializers.base import DeserializationError
from django.db import DatabaseError, transaction

from questions.models import AnswerPoint, LevelAnchor, Question, QuestionSet, Topic

ALLOWED_MODELS = {Topic, QuestionSet, Question, AnswerPoint, LevelAnchor}


class Command(BaseCommand):
    help = (
        "Load a question set written by export_question_set, validating every field first. "
        "Rows are matched by natural key, so loading the same file twice changes nothing. "
        "Any error names the object and field, and leaves the database as it was."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="A .json file in the fixture format.")

    def handle(self, *args, file, **options):
        path = Path(file)
        try:
            text = path.read_text(encoding="utf-8")
            json.loads(text)
        except OSError as error:
            raise CommandError(f"Cannot read {path}: {error.strerror}.")
        except (UnicodeDecodeError, json.JSONDecodeError) as error:
            raise CommandError(f"{path} is not valid JSON: {error}.")

        try:
            with transaction.atomic():
                counts = self.load(path, text)
                # Calibration and question analytics show the bank's wording: see
                # QuestionSet.figures_revision.
                QuestionSet.objects.figures_changed()
        except DatabaseError as error:
            raise CommandError(f"{path}: the database refused the data: {error}.")
        summary = ", ".join(f"{count} {name}" for name, count in counts.items())
        self.stdout.write(self.style.SUCCESS(f"Imported {path}: {summary}."))

    def load(self, path, text):
        counts = {model._meta.verbose_name_plural: 0 for model in ALLOWED_MODELS}
        objects = serializers.deserialize("json", text, handle_forward_references=False)
        number = 0
        while True:
            number += 1
            where = f"{path}, object {number}"
            try:
                deserialized = next(objects)
            except StopIteration:
                break
            except DeserializationError as error:
                raise CommandError(f"{where}: {_cause(error)}")
            obj = deserialized.object
            if type(obj) not in ALLOWED_MODELS:
                raise CommandError(
                    f"{where}: {obj._meta.label} does not belong in a question set file."
                )
            where += f" ({obj._meta.label} {_describe(obj)})"
            # A primary key here means the natural key matched a row: validate as an update.
            created = obj._state.adding = obj.pk is None
            try:
                obj.full_clean()
            except ValidationError as error:
                problems = "; ".join(
                    " ".join(messages)
                    if field == NON_FIELD_ERRORS
                    else f"{field}: {' '.join(messages)}"
                    for field, messages in error.message_dict.items()
                )
                raise CommandError(f"{where}: {problems}")
            changed = created or _differs(obj)
            deserialized.save()
            counts[obj._meta.verbose_name_plural] += 1
            # A fixture's save records no history: the import is recorded as a change of each
            # row it adds or alters.
            if changed and hasattr(type(obj), "history"):
                type(obj).history.bulk_history_create(
                    [obj],
                    update=not created,
                    default_change_reason=f"Imported from {path.name}",
                )
        return counts


def _differs(obj):
    fields = [field.attname for field in obj._meta.concrete_fields]
    stored = type(obj).objects.filter(pk=obj.pk).values(*fields).first()
    return stored != {field: getattr(obj, field) for field in fields}


def _describe(obj):
    try:
        return "/".join(str(part) for part in obj.natural_key())
    except ObjectDoesNotExist:  # a missing relation is reported by full_clean() just after
        return "(incomplete)"


def _cause(error):
    # DeserializationError wraps the real problem; its message is the useful part.
    cause = error.__cause__ or error
    return str(cause).strip() or type(cause).__name__
