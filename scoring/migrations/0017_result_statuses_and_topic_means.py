import django.db.models.deletion
from django.db import migrations, models
from django.db.models import Exists, OuterRef

STATUSES = ["scheduled", "in_progress", "completed", "cancelled"]


def store_statuses_and_topic_means(apps, schema_editor):
    """Onto each stored result, whether its candidate has an interview in the set with each
    status, and its topic means as rows, as `refresh_result` stores them from now on."""
    Interview = apps.get_model("interviews", "Interview")
    CandidateResult = apps.get_model("scoring", "CandidateResult")
    TopicMean = apps.get_model("scoring", "TopicMean")
    for status in STATUSES:
        interviews = Interview.objects.filter(
            candidate=OuterRef("candidate"), question_set=OuterRef("question_set"), status=status
        )
        CandidateResult.objects.update(**{f"any_{status}": Exists(interviews)})
    results = CandidateResult.objects.values_list(
        "pk", "question_set", "candidate", "name", "topic_means"
    )
    TopicMean.objects.bulk_create(
        [
            TopicMean(
                result_id=pk,
                question_set_id=question_set,
                topic_id=int(key.removeprefix("topic_")),
                candidate_id=candidate,
                name=name,
                mean=mean,
            )
            for pk, question_set, candidate, name, means in results.iterator()
            for key, mean in means.items()
        ],
        batch_size=1000,
    )


class Migration(migrations.Migration):
    dependencies = [
        ("interviews", "0006_open_interviews"),
        ("questions", "0010_figures_revision"),
        ("scoring", "0016_result_decision"),
    ]

    operations = [
        migrations.AddField(
            model_name="candidateresult",
            name="any_cancelled",
            field=models.BooleanField(default=False),
        ),
        migrations.AddField(
            model_name="candidateresult",
            name="any_completed",
            field=models.BooleanField(default=False),
        ),
        migrations.AddField(
            model_name="candidateresult",
            name="any_in_progress",
            field=models.BooleanField(default=False),
        ),
        migrations.AddField(
            model_name="candidateresult",
            name="any_scheduled",
            field=models.BooleanField(default=False),
        ),
        migrations.AlterField(
            model_name="candidateresult",
            name="candidate",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.DB_CASCADE,
                related_name="results",
                to="interviews.candidate",
            ),
        ),
        migrations.AlterField(
            model_name="candidateresult",
            name="question_set",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.DB_CASCADE,
                related_name="+",
                to="questions.questionset",
            ),
        ),
        migrations.CreateModel(
            name="TopicMean",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("name", models.CharField(max_length=200)),
                ("mean", models.FloatField()),
                (
                    "candidate",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.DB_CASCADE,
                        related_name="+",
                        to="interviews.candidate",
                    ),
                ),
                (
                    "question_set",
                    models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.DB_CASCADE,
                        related_name="+",
                        to="questions.questionset",
                    ),
                ),
                (
                    "result",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.DB_CASCADE,
                        related_name="+",
                        to="scoring.candidateresult",
                    ),
                ),
                (
                    "topic",
                    models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.DB_CASCADE,
                        related_name="+",
                        to="questions.topic",
                    ),
                ),
            ],
            options={
                "indexes": [
                    models.Index(
                        fields=["question_set", "topic", "mean", "name", "candidate"],
                        name="topic_mean_lowest_first",
                    ),
                    models.Index(
                        fields=["question_set", "topic", "-mean", "name", "candidate"],
                        name="topic_mean_highest_first",
                    ),
                ],
            },
        ),
        migrations.RemoveIndex(model_name="candidateresult", name="result_by_role"),
        migrations.AddIndex(
            model_name="candidateresult",
            index=models.Index(
                fields=[
                    "question_set",
                    "role_applied_for",
                    "decision",
                    "any_scheduled",
                    "any_in_progress",
                    "any_completed",
                    "any_cancelled",
                ],
                name="result_by_role_and_filters",
            ),
        ),
        # Last: on PostgreSQL, an index cannot be built in the transaction after rows were
        # written with deferred constraint checks pending.
        migrations.RunPython(store_statuses_and_topic_means, migrations.RunPython.noop),
    ]
