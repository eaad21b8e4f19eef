import django.db.models.deletion
from django.contrib.auth.management import create_permissions
from django.db import migrations, models

ROLE_PERMISSIONS = {
    "Interviewer": ["view_levelanchor"],
    "Hiring manager": ["view_levelanchor"],
    "Question curator": [
        f"{action}_levelanchor" for action in ("add", "change", "delete", "view")
    ],
}


def grant_anchor_permissions(apps, schema_editor):
    # As in 0002_roles: permissions are normally created only after all migrations ran.
    questions = apps.get_app_config("questions")
    questions.models_module = True
    create_permissions(questions, apps=apps, verbosity=0)
    questions.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codenames in ROLE_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.add(
            *Permission.objects.filter(content_type__app_label="questions", codename__in=codenames)
        )


class Migration(migrations.Migration):
    dependencies = [
        ("questions", "0002_roles"),
    ]

    operations = [
        migrations.CreateModel(
            name="LevelAnchor",
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
                (
                    "text",
                    models.CharField(
                        help_text="One or two sentences: what the answer covers, and how well.",
                        max_length=500,
                    ),
                ),
                (
                    "question",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="anchors",
                        to="questions.question",
                    ),
                ),
            ],
            options={
                "ordering": ["question", "level"],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("question", "level"), name="levelanchor_unique_level_per_question"
                    ),
                    models.CheckConstraint(
                        condition=models.Q(("level__gte", 1), ("level__lte", 4)),
                        name="levelanchor_level_1_to_4",
                        violation_error_message="A level is 1 Poor, 2 Mixed, 3 Good or 4 Excellent.",
                    ),
                ],
            },
        ),
        migrations.RunPython(grant_anchor_permissions, migrations.RunPython.noop),
    ]
