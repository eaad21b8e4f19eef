from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from scoring import selectors, services


class Command(BaseCommand):
    help = (
        "Erase candidates with no activity (no edit, interview or scorecard) for DAYS days: "
        "their personal data and notes go, their anonymous ratings stay."
    )

    def add_arguments(self, parser):
        parser.add_argument("--older-than", type=int, required=True, metavar="DAYS")
        parser.add_argument(
            "--dry-run", action="store_true", help="List who would be erased; change nothing."
        )

    def handle(self, *args, older_than, dry_run, **options):
        if older_than < 1:
            raise CommandError(f"--older-than must be at least 1 day, not {older_than}.")
        candidates = list(selectors.inactive_candidates(days=older_than))
        verb = "Would erase" if dry_run else "Erased"
        if not dry_run:
            with transaction.atomic():
                for candidate in candidates:
                    services.erase_candidate(candidate=candidate, actor=None)
        self.stdout.write(
            f"{verb} {len(candidates)} candidate{'' if len(candidates) == 1 else 's'} "
            f"with no activity in the last {older_than} days"
            + (": " + ", ".join(f"#{c.pk}" for c in candidates) if candidates else ".")
        )
