"""Invitations: how people join a Rubric without single sign-on. An admin or a hiring
manager invites an email address with a role; the email's one-time link, valid for a week,
lets the invitee choose a username and a password."""

import hashlib
from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone

VALID_FOR = timedelta(days=7)


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


class Invitation(models.Model):
    class Role(models.TextChoices):
        INTERVIEWER = "Interviewer"
        HIRING_MANAGER = "Hiring manager"
        QUESTION_CURATOR = "Question curator"

    email = models.EmailField()
    role = models.CharField(max_length=40, choices=Role)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # The link's secret is only in the email; a resend makes a new one and a new week.
    token_digest = models.CharField(max_length=64, unique=True)
    expires_at = models.DateTimeField()
    sent_count = models.PositiveSmallIntegerField(default=1)
    accepted_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"{self.email} ({self.role})"

    @property
    def status(self) -> str:
        if self.accepted_at:
            return "accepted"
        if self.revoked_at:
            return "revoked"
        if self.expires_at <= timezone.now():
            return "expired"
        return "pending"

    @property
    def is_open(self) -> bool:
        return self.status == "pending"
