from django.db import migrations, models

import interviews.models


def give_codes(apps, schema_editor):
    """A code of its own for every candidate already stored: the field's default would give
    them all the same one."""
    Candidate = apps.get_model("interviews", "Candidate")
    taken = set()
    candidates = list(Candidate.objects.only("pk"))
    for candidate in candidates:
        code = interviews.models.new_candidate_code()
        while code in taken:
            code = interviews.models.new_candidate_code()
        taken.add(code)
        candidate.code = code
    Candidate.objects.bulk_update(candidates, ["code"], batch_size=1000)


class Migration(migrations.Migration):
    dependencies = [
        ("interviews", "0002_interviewanchor"),
    ]

    operations = [
        migrations.AddField(
            model_name="candidate",
            name="code",
            field=models.CharField(max_length=9, null=True, editable=False),
        ),
        migrations.RunPython(give_codes, migrations.RunPython.noop, elidable=True),
        migrations.AlterField(
            model_name="candidate",
            name="code",
            field=models.CharField(
                default=interviews.models.new_candidate_code,
                editable=False,
                help_text="What interviewers of an anonymised interview see instead of the name.",
                max_length=9,
                unique=True,
            ),
        ),
        migrations.AddField(
            model_name="interview",
            name="anonymised",
            field=models.BooleanField(
                default=False,
                help_text="Its interviewers see the candidate's code, never their name, email, "
                "role or notes.",
            ),
        ),
    ]
