from django.core.management.base import BaseCommand, CommandError

from scoring import results


class Command(BaseCommand):
    help = (
        "Rebuild every candidate's stored result, the tallies of submitted answers, the "
        "calibration page's sums and bootstrap intervals from the scorecards. With --check, "
        "change nothing: list each stored result, tally or interval that differs from a fresh "
        "computation, and exit non-zero if any does."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--check",
            action="store_true",
            help="Only compare the stored results with fresh ones; exit 1 on a difference.",
        )

    def handle(self, *args, check=False, **options):
        differences = results.recompute_results(check=check)
        differences += results.recompute_tallies(check=check)
        differences += results.recompute_intervals(check=check)
        for difference in differences:
            self.stderr.write(difference)
        if check and differences:
            raise CommandError(f"{len(differences)} stored result(s) differ from the scorecards.")
        if check:
            self.stdout.write("Every stored result matches the scorecards.")
        elif differences:
            self.stdout.write(f"Stored results rebuilt; {len(differences)} difference(s) fixed.")
        else:
            self.stdout.write("Every stored result already matched the scorecards.")
