"""Every question, answer point and level anchor already in the bank gets a first recorded
version, so that each has a version for interviews to point to and for diffs to start from."""

from django.db import migrations
from django.utils import timezone

MODELS = ["Question", "AnswerPoint", "LevelAnchor"]


def record_first_versions(apps, schema_editor):
    now = timezone.now()
    for name in MODELS:
        model = apps.get_model("questions", name)
        historical = apps.get_model("questions", f"Historical{name}")
        fields = [field.attname for field in model._meta.concrete_fields]
        recorded = historical.objects.values("id")
        historical.objects.bulk_create(
            (
                historical(
                    **{field: getattr(obj, field) for field in fields},
                    history_date=now,
                    history_type="+",
                    history_change_reason="History begins",
                )
                for obj in model.objects.exclude(pk__in=recorded).iterator()
            ),
            batch_size=500,
        )


class Migration(migrations.Migration):
    dependencies = [("questions", "0007_bank_history")]

    operations = [migrations.RunPython(record_first_versions, migrations.RunPython.noop)]
