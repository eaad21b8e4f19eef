"""Reading OpenID Connect claims: which of Rubric's roles a provider's groups map to."""

from django.conf import settings

from config import roles

ROLE_NAMES = (roles.INTERVIEWER, roles.HIRING_MANAGER, roles.QUESTION_CURATOR)


class Refused(Exception):
    """A sign-in the claims do not allow; `reason` is a short code for the audit log."""

    def __init__(self, reason: str, message: str):
        super().__init__(message)
        self.reason = reason
        self.message = message


def claims_of(extra_data: dict) -> dict:
    """The ID token's claims, with the userinfo endpoint's answer over them (allauth keeps
    both)."""
    return {**(extra_data.get("id_token") or {}), **(extra_data.get("userinfo") or {})}


def roles_for(claims: dict) -> set[str]:
    """The roles DJANGO_OIDC_ROLES maps the claims' groups to. Refuses a sign-in whose claims
    lack the groups claim, or whose email the provider has not verified."""
    # Some providers send the boolean as a string.
    verified = claims.get("email_verified")
    if claims.get("email") and not (verified is True or verified == "true"):
        raise Refused("unverified_email", "Your identity provider has not verified your email.")
    groups = claims.get(settings.OIDC_GROUPS_CLAIM)
    if isinstance(groups, str):
        groups = [groups]
    if not isinstance(groups, list) or not all(isinstance(group, str) for group in groups):
        raise Refused(
            "missing_groups",
            f"Your identity provider sent no “{settings.OIDC_GROUPS_CLAIM}” claim, so Rubric "
            "cannot tell your role. Ask your administrator to add the groups to the token.",
        )
    return {role for role, mapped in settings.OIDC_ROLES.items() if mapped & set(groups)}
