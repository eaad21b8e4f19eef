"""Sign-in's reads: who must enrol in two-factor, and what they have enrolled."""

from allauth.mfa.models import Authenticator
from django.conf import settings
from django.contrib.auth.models import User

# The kinds of authenticator that make a second factor (recovery codes only back them up).
SECOND_FACTORS = (Authenticator.Type.TOTP, Authenticator.Type.WEBAUTHN)


def must_use_2fa(user: User) -> bool:
    """Whether DJANGO_REQUIRE_2FA names `user` (as a superuser or by a role). Only password
    accounts: single sign-on accounts have no password, and their provider does two-factor."""
    required = settings.REQUIRE_2FA
    if not required or not user.has_usable_password():
        return False
    if user.is_superuser and "superuser" in required:
        return True
    return user.groups.filter(name__in=required).exists()


def has_second_factor(user: User) -> bool:
    return Authenticator.objects.filter(user_id=user.pk, type__in=SECOND_FACTORS).exists()


def must_enrol_2fa(user: User) -> bool:
    """Whether `user` must set up two-factor before reaching any other page."""
    return must_use_2fa(user) and not has_second_factor(user)


def recovery_codes_left(user: User) -> int | None:
    """How many unused recovery codes `user` has; None when they have never made any."""
    data = (
        Authenticator.objects.filter(user_id=user.pk, type=Authenticator.Type.RECOVERY_CODES)
        .values_list("data", flat=True)
        .first()
    )
    return None if data is None else len(data.get("digests", []))
