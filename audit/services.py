from django.contrib.auth.models import User

from .models import AuditEvent


def record(*, actor: User | None, action: str, subject: str, details: dict | None = None):
    """Add an event to the audit log; the only way anything is written to it."""
    return AuditEvent.objects.create(
        actor=actor,
        actor_name=actor.get_username() if actor else "system",
        action=action,
        subject=subject,
        details=details or {},
    )
