import django.db.models.deletion
from django.db import migrations, models
from django.db.models import Count

GROUP_FIELDS = [
    "role_applied_for",
    "decision",
    "any_scheduled",
    "any_in_progress",
    "any_completed",
    "any_cancelled",
]


def group_results(apps, schema_editor):
    """Each set's stored results counted by the values compare filters by, as
    `refresh_result` keeps them from now on (results.store_result_groups)."""
    CandidateResult = apps.get_model("scoring", "CandidateResult")
    ResultGroup = apps.get_model("scoring", "ResultGroup")
    counted = (
        CandidateResult.objects.order_by()
        .values("question_set", *GROUP_FIELDS)
        .annotate(results=Count("pk"))
    )
    ResultGroup.objects.bulk_create(
        ResultGroup(question_set_id=group.pop("question_set"), **group) for group in counted
    )


class Migration(migrations.Migration):
    dependencies = [
        ("questions", "0010_figures_revision"),
        ("scoring", "0018_set_result_counts"),
    ]

    operations = [
        migrations.CreateModel(
            name="ResultGroup",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("role_applied_for", models.CharField(blank=True, max_length=200)),
                ("decision", models.CharField(blank=True, max_length=10, null=True)),
                ("any_scheduled", models.BooleanField()),
                ("any_in_progress", models.BooleanField()),
                ("any_completed", models.BooleanField()),
                ("any_cancelled", models.BooleanField()),
                ("results", models.IntegerField()),
                (
                    "question_set",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="questions.questionset",
                    ),
                ),
            ],
        ),
        migrations.DeleteModel(
            name="SetResultCount",
        ),
        # Last: on PostgreSQL, rows written in the transaction keep its tables from being
        # altered after them (pending trigger events).
        migrations.RunPython(group_results, migrations.RunPython.noop),
    ]
