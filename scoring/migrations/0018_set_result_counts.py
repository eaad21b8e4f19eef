import django.db.models.deletion
from django.db import migrations, models
from django.db.models import Count


def count_results(apps, schema_editor):
    """Each set's count of stored results, as `refresh_result` keeps it from now on."""
    CandidateResult = apps.get_model("scoring", "CandidateResult")
    SetResultCount = apps.get_model("scoring", "SetResultCount")
    counted = (
        CandidateResult.objects.order_by()
        .values_list("question_set")
        .annotate(results=Count("pk"))
        .values_list("question_set", "results")
    )
    SetResultCount.objects.bulk_create(
        SetResultCount(question_set_id=question_set, results=results)
        for question_set, results in counted
    )


class Migration(migrations.Migration):
    dependencies = [
        ("questions", "0010_figures_revision"),
        ("scoring", "0017_result_statuses_and_topic_means"),
    ]

    operations = [
        migrations.CreateModel(
            name="SetResultCount",
            fields=[
                (
                    "question_set",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        primary_key=True,
                        related_name="+",
                        serialize=False,
                        to="questions.questionset",
                    ),
                ),
                ("results", models.PositiveIntegerField()),
            ],
        ),
        migrations.RunPython(count_results, migrations.RunPython.noop),
    ]
