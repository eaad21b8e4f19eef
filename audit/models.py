"""An append-only record of what matters for trust and privacy: scorecard submissions and
amendments, candidate exports and erasures, and role changes. Events are only ever added,
through audit.services.record; nothing in the app changes or deletes them."""

from django.conf import settings
from django.db import models


class AuditEvent(models.Model):
    class Action(models.TextChoices):
        SCORECARD_SUBMITTED = "scorecard_submitted", "Scorecard submitted"
        SCORECARD_AMENDED = "scorecard_amended", "Scorecard amended"
        CANDIDATE_EXPORTED = "candidate_exported", "Candidate data exported"
        CANDIDATE_ERASED = "candidate_erased", "Candidate erased"
        ROLE_CHANGED = "role_changed", "Roles changed"
        INTERVIEWER_QUALIFIED = "interviewer_qualified", "Interviewer qualified"
        SIGN_IN_REFUSED = "sign_in_refused", "Single sign-on refused"
        DECISION_RECORDED = "decision_recorded", "Hiring decision recorded"
        DECISION_REOPENED = "decision_reopened", "Hiring decision reopened"
        SECOND_FACTOR_REMOVED = "second_factor_removed", "Second factor removed by an admin"

    at = models.DateTimeField(auto_now_add=True, db_index=True)
    # Kept by name too, so the record outlives the account.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    actor_name = models.CharField(max_length=150, blank=True)
    action = models.CharField(max_length=40, choices=Action)
    # What the event is about, by id only: no names of people who may later be erased.
    subject = models.CharField(max_length=200)
    details = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["action", "at"])]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.get_action_display()}: {self.subject}"
