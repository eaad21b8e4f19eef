from django.contrib.auth.management import create_permissions
from django.db import migrations

# Hiring managers invite interviewers (admins, being superusers, invite anyone).
MANAGER_PERMISSIONS = ["add_invitation", "change_invitation", "view_invitation"]


def grant_invitation_permissions(apps, schema_editor):
    app_config = apps.get_app_config("accounts")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group = Group.objects.get(name="Hiring manager")
    group.permissions.add(
        *Permission.objects.filter(
            content_type__app_label="accounts", codename__in=MANAGER_PERMISSIONS
        )
    )


def revoke_invitation_permissions(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for group in Group.objects.filter(name="Hiring manager"):
        group.permissions.remove(
            *Permission.objects.filter(
                content_type__app_label="accounts", codename__in=MANAGER_PERMISSIONS
            )
        )


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_invitation"),
        ("questions", "0002_roles"),
    ]

    operations = [
        migrations.RunPython(grant_invitation_permissions, revoke_invitation_permissions),
    ]
