from django.contrib.auth.models import User
from django.core.management.base import BaseCommand, CommandError

from api.models import create_token


class Command(BaseCommand):
    help = "Make a personal API token for a user and print it (on the last line) once."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--name", default="Command line")
        parser.add_argument("--write", action="store_true", help="Allow writes, not only reads.")

    def handle(self, *args, username, name, write, **options):
        user = User.objects.filter(username=username, is_active=True).first()
        if user is None:
            raise CommandError(f"No active user is called {username!r}.")
        name = name.strip()
        if not name or len(name) > 100:
            raise CommandError("A token's name is 1 to 100 characters.")
        token, secret = create_token(user=user, name=name, can_write=write)
        self.stderr.write(f"Made token “{token.name}” ({token.scope}) for {username}.")
        self.stdout.write(secret)
