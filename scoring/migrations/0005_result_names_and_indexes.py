from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def copy_names(apps, schema_editor):
    """Copy each candidate's name and role onto their stored results."""
    Candidate = apps.get_model("interviews", "Candidate")
    CandidateResult = apps.get_model("scoring", "CandidateResult")
    candidate = Candidate.objects.filter(pk=OuterRef("candidate"))
    CandidateResult.objects.update(
        name=Subquery(candidate.values("name")),
        role_applied_for=Subquery(candidate.values("role_applied_for")),
    )


class Migration(migrations.Migration):
    dependencies = [
        ("interviews", "0001_initial"),
        ("scoring", "0004_candidate_results"),
    ]

    operations = [
        migrations.AddField(
            model_name="candidateresult",
            name="name",
            field=models.CharField(default="", max_length=200),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="candidateresult",
            name="role_applied_for",
            field=models.CharField(blank=True, max_length=200),
        ),
        migrations.RunPython(copy_names, migrations.RunPython.noop, elidable=True),
        migrations.AddIndex(
            model_name="candidateresult",
            index=models.Index(
                fields=["question_set", "name", "candidate"], name="result_by_name"
            ),
        ),
        migrations.AddIndex(
            model_name="candidateresult",
            index=models.Index(fields=["question_set", "role_applied_for"], name="result_by_role"),
        ),
        *(
            migrations.AddIndex(
                model_name="candidateresult",
                index=models.Index(fields=["question_set", column], name=f"result_by_{column}"),
            )
            for column in ["scorecard_count", "mean", "median", "spread", "net_votes", "coverage"]
        ),
    ]
