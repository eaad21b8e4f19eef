from django.db import migrations, models


def store_standing_decisions(apps, schema_editor):
    """Each candidate's standing decision onto their stored results, as `refresh_result`
    stores it from now on."""
    Decision = apps.get_model("scoring", "Decision")
    CandidateResult = apps.get_model("scoring", "CandidateResult")
    standing = Decision.objects.filter(ended_at__isnull=True).order_by()
    for candidate, outcome in standing.values_list("candidate", "outcome").iterator():
        CandidateResult.objects.filter(candidate=candidate).update(decision=outcome)


class Migration(migrations.Migration):
    dependencies = [
        ("interviews", "0006_open_interviews"),
        ("questions", "0010_figures_revision"),
        ("scoring", "0015_scorecard_indexes"),
    ]

    operations = [
        migrations.AddField(
            model_name="candidateresult",
            name="decision",
            field=models.CharField(blank=True, max_length=10, null=True),
        ),
        migrations.AddIndex(
            model_name="candidateresult",
            index=models.Index(fields=["question_set", "decision"], name="result_by_decision"),
        ),
        migrations.RunPython(store_standing_decisions, migrations.RunPython.noop),
    ]
