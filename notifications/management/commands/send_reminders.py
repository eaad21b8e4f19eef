from django.core.management.base import BaseCommand
from django.utils import timezone

from notifications import selectors, services


class Command(BaseCommand):
    help = (
        "Email interviewers whose scorecards are late (DJANGO_REMINDER_HOURS after an "
        "interview's scheduled end) and hiring managers a daily digest, each at most once; "
        "retry emails that failed to send. Run it from cron every few minutes."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="List what would be sent; send nothing."
        )

    def handle(self, *args, dry_run=False, **options):
        now = timezone.now()
        if dry_run:
            due = selectors.due_reminders(now=now)
            for reminder in due:
                self.stdout.write(f"would send {reminder.key} to {reminder.recipient.email}")
            unsent = services.unsent_emails().count()
            self.stdout.write(f"{len(due)} reminder(s) due, {unsent} email(s) to retry.")
            return
        sent = services.send_reminders(now=now)
        retried = services.retry_unsent()
        self.stdout.write(f"Sent {len(sent)} reminder(s); {retried} earlier email(s) retried.")
