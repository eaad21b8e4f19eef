from django.conf import settings
from django.contrib.auth.models import Group, User
from django.db import transaction

from api.models import ApiToken, revoke_token
from audit import services as audit

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
