"""What Rubric sends and has sent: queued emails, the reminders already recorded, each
interview's calendar sequence, and each user's calendar feed."""

from django.conf import settings
from django.db import models
from django.utils.crypto import salted_hmac

from interviews.models import Interview

# Hex digits of a calendar feed's key.
KEY_LENGTH = 20


class InterviewCalendar(models.Model):
    """An interview as calendars know it. Its SEQUENCE grows with every change sent, so a
    calendar replaces the older version of the event instead of adding another."""

    interview = models.OneToOneField(Interview, on_delete=models.CASCADE, related_name="calendar")
    sequence = models.PositiveIntegerField(default=0)

    def __str__(self):
        return f"{self.interview} (sequence {self.sequence})"


class OutgoingEmail(models.Model):
    """An email as it will be sent, kept until it is: a failed send is retried by the next
    `send_reminders` run, up to MAX_ATTEMPTS times."""

    MAX_ATTEMPTS = 5

    class Kind(models.TextChoices):
        INVITATION = "invitation", "Invitation"
        REMINDER = "reminder", "Scorecard reminder"
        DIGEST = "digest", "Overdue scorecards digest"
        ACCOUNT_INVITATION = "account_invitation", "Invitation to join"
        PASSWORD_RESET = "password_reset", "Password reset"
        DEBRIEF = "debrief", "Debrief ready"

    kind = models.CharField(max_length=20, choices=Kind)
    to = models.EmailField()
    subject = models.CharField(max_length=300)
    text = models.TextField()
    html = models.TextField(blank=True)
    calendar = models.TextField(blank=True, help_text="An iCalendar attachment, if any.")
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["sent_at", "attempts"], name="outgoingemail_unsent")]

    def __str__(self):
        return f"{self.subject} → {self.to}"


class Reminder(models.Model):
    """A reminder recorded as sent. The key names what it reminds of (a scorecard and the
    hours after the interview, or a manager's digest and its day); being unique, it lets only
    one of two overlapping `send_reminders` runs send it."""

    key = models.CharField(max_length=100, unique=True)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    interview = models.ForeignKey(
        Interview, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    email = models.ForeignKey(
        OutgoingEmail, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self):
        return self.key


class CalendarFeed(models.Model):
    """A user's personal calendar feed. Its URL carries the key and an HMAC of it made with
    SECRET_KEY, so the database alone does not give the URL away; a new key revokes the old
    URL."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feed"
    )
    key = models.CharField(max_length=KEY_LENGTH, unique=True)
    created_at = models.DateTimeField()

    def __str__(self):
        return f"Calendar feed of {self.user}"

    @property
    def token(self) -> str:
        """The secret part of the feed's URL: the key, then its signature."""
        return self.key + feed_signature(self.key)


def feed_signature(key: str) -> str:
    return salted_hmac("notifications.CalendarFeed", key, algorithm="sha256").hexdigest()
