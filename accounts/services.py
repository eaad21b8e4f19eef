"""Sign-in's writes: roles from single sign-on, invitations and password resets (their
emails queued through the notifications app's outbox, retried by `send_reminders` like every
other email), and two-factor recovery codes."""

import secrets

from allauth.mfa.models import Authenticator
from django.conf import settings
from django.contrib.auth.models import Group, User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from api.models import ApiToken, revoke_token
from audit import services as audit
from notifications import services as notifications
from notifications.models import OutgoingEmail

from .models import VALID_FOR, Invitation, digest
from .sso import ROLE_NAMES


@transaction.atomic
def sync_sso_roles(*, user: User, roles: set[str]) -> None:
    """Give `user` exactly the roles their provider's groups map to, among the roles
    DJANGO_OIDC_ROLES manages (others, granted by an admin, are left alone), recording any
    change in the audit log. Never staff or superuser: those are not roles. Someone left
    with no role loses their API tokens at once."""
    managed = set(settings.OIDC_ROLES) & set(ROLE_NAMES)
    before = set(user.groups.filter(name__in=ROLE_NAMES).values_list("name", flat=True))
    after = (before - managed) | (roles & managed)
    if before == after:
        return
    user.groups.remove(*Group.objects.filter(name__in=before - after))
    user.groups.add(*Group.objects.filter(name__in=after - before))
    if not after:
        for token in ApiToken.objects.active().filter(user=user):
            revoke_token(token=token)
    audit.record(
        actor=None,
        action="role_changed",
        subject=f"User #{user.pk} ({user.username})",
        details={
            "before": {"groups": sorted(before)},
            "after": {"groups": sorted(after)},
            "by": "sso",
        },
    )


def record_refusal(*, reason: str, user: User | None = None, detail: str = "") -> None:
    """The audit line for a refused single sign-on: the only thing a refusal writes."""
    audit.record(
        actor=None,
        action="sign_in_refused",
        subject=f"User #{user.pk} ({user.username})" if user else "Single sign-on",
        details={"reason": reason, "detail": detail[:200]},
    )


def roles_invitable_by(user: User) -> list[str]:
    """Admins invite to any role, hiring managers interviewers only."""
    if user.is_superuser:
        return list(Invitation.Role.values)
    if user.has_perm("accounts.add_invitation"):
        return [Invitation.Role.INTERVIEWER]
    return []


def _link(secret: str) -> str:
    return settings.SITE_URL + reverse("accept_invitation", kwargs={"token": secret})


def _invitation_email(invitation: Invitation, secret: str) -> OutgoingEmail:
    context = {
        "invitation": invitation,
        "inviter": invitation.invited_by,
        "link": _link(secret),
        "expires_at": invitation.expires_at,
    }
    return notifications.queue_email(
        kind=OutgoingEmail.Kind.ACCOUNT_INVITATION,
        to=invitation.email,
        subject=f"You are invited to Rubric as {invitation.role.lower()}",
        template="accounts/email/invitation",
        context=context,
    )


@transaction.atomic
def invite(*, by: User, email: str, role: str) -> Invitation:
    if role not in roles_invitable_by(by):
        raise PermissionDenied("You may not invite people to that role.")
    if not settings.PASSWORD_LOGIN:
        raise ValidationError(
            "Password sign-in is off: people join through your identity provider."
        )
    email = User.objects.normalize_email(email).strip()
    if User.objects.filter(email__iexact=email, is_active=True).exists():
        raise ValidationError("Someone with this email already has an account.")
    if any(i.is_open for i in Invitation.objects.filter(email__iexact=email, accepted_at=None)):
        raise ValidationError("This email has an open invitation: resend it instead.")
    secret = secrets.token_urlsafe(32)
    invitation = Invitation.objects.create(
        email=email,
        role=role,
        invited_by=by,
        token_digest=digest(secret),
        expires_at=timezone.now() + VALID_FOR,
    )
    notifications.send_after_commit([_invitation_email(invitation, secret)])
    return invitation


@transaction.atomic
def resend_invitation(*, by: User, invitation: Invitation) -> Invitation:
    """A new link and a new week; the old link stops working."""
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.accepted_at or invitation.revoked_at:
        raise ValidationError(f"This invitation was {invitation.status}: it cannot be resent.")
    secret = secrets.token_urlsafe(32)
    invitation.token_digest = digest(secret)
    invitation.expires_at = timezone.now() + VALID_FOR
    invitation.sent_count += 1
    invitation.save(update_fields=["token_digest", "expires_at", "sent_count"])
    notifications.send_after_commit([_invitation_email(invitation, secret)])
    return invitation


@transaction.atomic
def revoke_invitation(*, by: User, invitation: Invitation) -> Invitation:
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.accepted_at:
        raise ValidationError("This invitation was accepted: deactivate the account instead.")
    if invitation.revoked_at is None:
        invitation.revoked_at = timezone.now()
        invitation.save(update_fields=["revoked_at"])
    return invitation


def invitation_for(secret: str) -> Invitation | None:
    return Invitation.objects.filter(token_digest=digest(secret)).first()


@transaction.atomic
def accept_invitation(*, invitation: Invitation, username: str, password: str) -> User:
    """The invitee's account, with the invitation's role; the link works once."""
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if not invitation.is_open:
        raise ValidationError(f"This invitation link was {invitation.status}.")
    if User.objects.filter(username__iexact=username).exists():
        raise ValidationError("That username is taken: choose another.")
    user = User.objects.create_user(username=username, email=invitation.email, password=password)
    user.groups.add(Group.objects.get(name=invitation.role))
    invitation.accepted_at = timezone.now()
    invitation.user = user
    invitation.save(update_fields=["accepted_at", "user"])
    return user


def queue_password_reset(*, user: User, link: str) -> OutgoingEmail:
    """The password reset email, sent after the surrounding transaction commits."""
    email = notifications.queue_email(
        kind=OutgoingEmail.Kind.PASSWORD_RESET,
        to=user.email,
        subject="Reset your Rubric password",
        template="accounts/email/password_reset",
        context={"user": user, "link": link},
    )
    notifications.send_after_commit([email])
    return email


def password_reset_link(*, uid: str, token: str) -> str:
    return settings.SITE_URL + reverse(
        "password_reset_confirm", kwargs={"uidb64": uid, "token": token}
    )


# Two-factor recovery codes ------------------------------------------------------------------
# allauth derives its recovery codes from a seed it keeps; Rubric keeps only their SHA-256
# instead, in the same Authenticator row (type "recovery_codes"), so the database never holds
# a usable code. Each code has about 60 bits of randomness, out of reach of a brute force.
RECOVERY_CODE_COUNT = 10
RECOVERY_CODE_ALPHABET = "23456789abcdefghjkmnpqrstuvwxyz"  # no 0/o, 1/l/i


def normalised_recovery_code(code: str) -> str:
    return "".join(code.split()).replace("-", "").lower()


def recovery_code_digest(code: str) -> str:
    return digest(normalised_recovery_code(code))


@transaction.atomic
def make_recovery_codes(*, user: User) -> list[str]:
    """A new set of recovery codes for `user`, replacing any earlier set. The codes are
    returned to be shown once; only their digests are stored."""
    codes = [
        "-".join(
            "".join(secrets.choice(RECOVERY_CODE_ALPHABET) for _ in range(4)) for _ in range(3)
        )
        for _ in range(RECOVERY_CODE_COUNT)
    ]
    Authenticator.objects.update_or_create(
        user=user,
        type=Authenticator.Type.RECOVERY_CODES,
        defaults={"data": {"digests": [recovery_code_digest(code) for code in codes]}},
    )
    return codes


@transaction.atomic
def use_recovery_code(*, user: User, code: str) -> Authenticator | None:
    """The recovery codes' Authenticator if `code` is one of `user`'s unused codes, which is
    then used up; None otherwise."""
    authenticator = (
        Authenticator.objects.select_for_update()
        .filter(user=user, type=Authenticator.Type.RECOVERY_CODES)
        .first()
    )
    if authenticator is None or len(code) > 40:
        return None
    digests = authenticator.data.get("digests", [])
    wanted = recovery_code_digest(code)
    if not any(secrets.compare_digest(wanted, stored) for stored in digests):
        return None
    authenticator.data = {**authenticator.data, "digests": [d for d in digests if d != wanted]}
    authenticator.save(update_fields=["data"])
    return authenticator
