from django.contrib.auth.management import create_permissions
from django.db import migrations

BANK_MODELS = ["topic", "questionset", "question", "answerpoint"]

ROLE_PERMISSIONS = {
    "Interviewer": [f"view_{model}" for model in BANK_MODELS],
    "Hiring manager": [f"view_{model}" for model in BANK_MODELS],
    "Question curator": [
        f"{action}_{model}"
        for model in BANK_MODELS
        for action in ("add", "change", "delete", "view")
    ],
}


def create_roles(apps, schema_editor):
    # Permissions are normally created after all migrations ran; make sure they exist now.
    questions = apps.get_app_config("questions")
    questions.models_module = True
    create_permissions(questions, apps=apps, verbosity=0)
    questions.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codenames in ROLE_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=name)
        permissions = Permission.objects.filter(
            content_type__app_label="questions", codename__in=codenames
        )
        group.permissions.add(*permissions)


def remove_roles(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=ROLE_PERMISSIONS).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("questions", "0001_bank"),
    ]

    operations = [migrations.RunPython(create_roles, remove_roles)]
