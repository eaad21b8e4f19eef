import django.db.models.deletion
from django.contrib.auth.management import create_permissions
from django.db import migrations, models


def grant_view_permission(apps, schema_editor):
    # Whoever reads an interview's plan reads its anchors too.
    interviews = apps.get_app_config("interviews")
    interviews.models_module = True
    create_permissions(interviews, apps=apps, verbosity=0)
    interviews.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    view = Permission.objects.get(
        content_type__app_label="interviews", codename="view_interviewanchor"
    )
    for group in Group.objects.filter(name__in=["Interviewer", "Hiring manager"]):
        group.permissions.add(view)


class Migration(migrations.Migration):
    dependencies = [
        ("interviews", "0001_initial"),
        ("questions", "0003_levelanchor"),
    ]

    operations = [
        migrations.CreateModel(
            name="InterviewAnchor",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "level",
                    models.PositiveSmallIntegerField(
                        choices=[(1, "Poor"), (2, "Mixed"), (3, "Good"), (4, "Excellent")]
                    ),
                ),
                ("text", models.CharField(max_length=500)),
                (
                    "interview_question",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="anchors",
                        to="interviews.interviewquestion",
                    ),
                ),
            ],
            options={
                "ordering": ["interview_question", "level"],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("interview_question", "level"), name="interviewanchor_unique_level"
                    ),
                    models.CheckConstraint(
                        condition=models.Q(("level__gte", 1), ("level__lte", 4)),
                        name="interviewanchor_level_1_to_4",
                    ),
                ],
            },
        ),
        migrations.RunPython(grant_view_permission, migrations.RunPython.noop),
    ]
