"""django-allauth's hooks: Rubric signs people in with OpenID Connect only (no sign-up form,
no linking to an existing account by email), and maps the provider's groups to roles."""

import time

from allauth.account import app_settings as account_settings
from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.internal.flows.login import get_authentication_records
from allauth.core import context
from allauth.core.exceptions import ImmediateHttpResponse
from allauth.mfa.adapter import DefaultMFAAdapter
from allauth.mfa.models import Authenticator
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from django.shortcuts import render

from . import selectors, services
from .sso import Refused, claims_of, roles_for

# Set in the session of a sign-in through the identity provider.
SSO_SESSION_KEY = "rubric_sso"


def refusal_page(request, *, reason: str, message: str, user=None, detail: str = ""):
    services.record_refusal(reason=reason, user=user, detail=detail)
    context = {"message": message}
    return render(request, "accounts/sign_in_refused.html", context, status=400)


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request):
        return False  # people come from the identity provider, or by an admin's hand

    def login(self, request, user):
        user.backend = "django.contrib.auth.backends.ModelBackend"
        super().login(request, user)

    def post_login(self, request, user, **kwargs):
        if (kwargs.get("signal_kwargs") or {}).get("sociallogin"):
            request.session[SSO_SESSION_KEY] = True
        return super().post_login(request, user, **kwargs)

    def is_reauthentication_required(self, *, app: str, **kwargs) -> bool:
        """Signing in a few minutes ago is as good as typing the password again: someone
        sent to enrol in two-factor straight after signing in is not asked twice."""
        request = context.request
        records = get_authentication_records(request, request.user)
        if records and time.time() - records[-1]["at"] < account_settings.REAUTHENTICATION_TIMEOUT:
            return False
        return super().is_reauthentication_required(app=app, **kwargs)

    def respond_user_inactive(self, request, user):
        raise ImmediateHttpResponse(
            refusal_page(
                request,
                reason="inactive",
                user=user,
                message="Your Rubric account has been deactivated. Ask an administrator.",
            )
        )


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    def is_open_for_signup(self, request, sociallogin):
        return True

    def is_auto_signup_allowed(self, request, sociallogin):
        return True

    def on_authentication_error(self, request, provider, error=None, exception=None, **kwargs):
        message = "Signing in with your identity provider did not work. Please try again."
        if error == "cancelled":
            message = "You cancelled signing in with your identity provider."
        raise ImmediateHttpResponse(
            refusal_page(
                request,
                reason=str(error or "error"),
                message=message,
                detail=str(exception or ""),
            )
        )

    def pre_social_login(self, request, sociallogin):
        user = sociallogin.user if sociallogin.is_existing else None
        if sociallogin.state.get("process", "login") != "login":
            raise ImmediateHttpResponse(
                refusal_page(
                    request,
                    reason="process",
                    user=user,
                    message="Rubric only signs people in with the identity provider.",
                )
            )
        try:
            roles = roles_for(claims_of(sociallogin.account.extra_data))
        except Refused as refusal:
            raise ImmediateHttpResponse(
                refusal_page(request, reason=refusal.reason, message=refusal.message, user=user)
            ) from refusal
        if user is not None:
            services.sync_sso_roles(user=user, roles=roles)

    def populate_user(self, request, sociallogin, data):
        user = super().populate_user(request, sociallogin, data)
        user.is_staff = user.is_superuser = False
        return user

    def save_user(self, request, sociallogin, form=None):
        user = super().save_user(request, sociallogin, form)
        roles = roles_for(claims_of(sociallogin.account.extra_data))
        services.sync_sso_roles(user=user, roles=roles)
        return user


class MFAAdapter(DefaultMFAAdapter):
    error_messages = {
        **DefaultMFAAdapter.error_messages,
        "cannot_delete_authenticator": "Your role needs two-factor: add another authenticator "
        "app or passkey before removing this one.",
        "incorrect_code": "That code is not right. Try again, or use a recovery code.",
    }

    def can_delete_authenticator(self, authenticator):
        """Someone DJANGO_REQUIRE_2FA names keeps at least one second factor."""
        user = authenticator.user
        if authenticator.type not in selectors.SECOND_FACTORS or not selectors.must_use_2fa(user):
            return True
        others = Authenticator.objects.filter(user_id=user.pk, type__in=selectors.SECOND_FACTORS)
        return others.exclude(pk=authenticator.pk).exists()
