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


# Nullable numbers compare sorts by; empty results are listed last either way.
NULLABLE_SORTS = ["mean", "median", "spread", "coverage"]


def add_highest_first_indexes(apps, schema_editor):
    """Compare sorts numbers highest first with empty results last. PostgreSQL reads an
    ascending index backwards with NULLs first, so it needs these indexes in that order;
    SQLite's ascending ones serve it as they are (NULLs first, so last backwards), and its
    CREATE INDEX takes no NULLS LAST."""
    if schema_editor.connection.vendor != "postgresql":
        return
    for column in NULLABLE_SORTS:
        schema_editor.execute(
            f"CREATE INDEX result_by_{column}_desc ON scoring_candidateresult "
            f"(question_set_id, {column} DESC NULLS LAST)"
        )


def drop_highest_first_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for column in NULLABLE_SORTS:
        schema_editor.execute(f"DROP INDEX result_by_{column}_desc")


class Migration(migrations.Migration):
    dependencies = [
        ("interviews", "0001_initial"),
        ("scoring", "0005_answer_tallies"),
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
        migrations.RunPython(add_highest_first_indexes, drop_highest_first_indexes),
    ]
