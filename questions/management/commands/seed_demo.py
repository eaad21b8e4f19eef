from django.conf import settings
from django.contrib.auth.models import Group, User
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from config import roles

DEMO_PASSWORD = "demo"
DEMO_USERS = [
    # username, full name, role (None for the superuser)
    ("admin", "Ada Admin", None),
    ("manager", "Morgan Manager", roles.HIRING_MANAGER),
    ("alice", "Alice Archer", roles.INTERVIEWER),
    ("bob", "Bob Baker", roles.INTERVIEWER),
]


class Command(BaseCommand):
    help = "Create demo users (password 'demo') for local use. Refuses when DEBUG is off."

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError(
                "seed_demo creates users with the password 'demo' and only runs with "
                "DJANGO_DEBUG=1. It is not for production."
            )
        with transaction.atomic():
            for username, full_name, role in DEMO_USERS:
                self.ensure_user(username, full_name, role)
        self.stdout.write("Demo logins (password for each: demo):")
        for username, _, role in DEMO_USERS:
            self.stdout.write(f"  {username:<8} {role or 'Superuser'}")

    def ensure_user(self, username, full_name, role):
        first_name, last_name = full_name.split(" ", 1)
        user, created = User.objects.get_or_create(
            username=username,
            defaults={
                "first_name": first_name,
                "last_name": last_name,
                "email": f"{username}@example.com",
                "is_staff": role is None,
                "is_superuser": role is None,
            },
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])
        if role:
            user.groups.add(Group.objects.get(name=role))
