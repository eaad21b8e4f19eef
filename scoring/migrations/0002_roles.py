from django.contrib.auth.management import create_permissions
from django.db import migrations

ROLE_PERMISSIONS = {
    # Interviewers see only the interviews they are assigned to; that rule lives in the views.
    "Interviewer": [
        "interviews.view_interview",
        "interviews.view_interviewquestion",
        "interviews.view_interviewpoint",
        "scoring.add_scorecard",
        "scoring.change_scorecard",
        "scoring.view_scorecard",
        "scoring.add_rating",
        "scoring.change_rating",
        "scoring.view_rating",
        "scoring.add_pointmark",
        "scoring.change_pointmark",
        "scoring.delete_pointmark",
        "scoring.view_pointmark",
        "scoring.add_amendment",
        "scoring.view_amendment",
    ],
    "Hiring manager": [
        "interviews.add_candidate",
        "interviews.change_candidate",
        "interviews.view_candidate",
        "interviews.add_interview",
        "interviews.change_interview",
        "interviews.view_interview",
        "interviews.view_interviewquestion",
        "interviews.view_interviewpoint",
        "scoring.view_scorecard",
        "scoring.view_rating",
        "scoring.view_pointmark",
        "scoring.view_amendment",
    ],
}


def grant_permissions(apps, schema_editor):
    for label in ("interviews", "scoring"):
        app_config = apps.get_app_config(label)
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for role, names in ROLE_PERMISSIONS.items():
        group = Group.objects.get(name=role)
        for name in names:
            app_label, codename = name.split(".")
            group.permissions.add(
                Permission.objects.get(content_type__app_label=app_label, codename=codename)
            )


def revoke_permissions(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    for group in Group.objects.filter(name__in=ROLE_PERMISSIONS):
        group.permissions.remove(
            *group.permissions.filter(content_type__app_label__in=["interviews", "scoring"])
        )


class Migration(migrations.Migration):
    dependencies = [
        ("questions", "0002_roles"),
        ("interviews", "0001_initial"),
        ("scoring", "0001_initial"),
    ]

    operations = [migrations.RunPython(grant_permissions, revoke_permissions)]
