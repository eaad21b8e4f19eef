from django.conf import settings
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse

from . import selectors
from .adapter import SSO_SESSION_KEY
from .sso import ROLE_NAMES

# Set once a signed-in person is found not to need enrolment (or to have enrolled), to their
# id, so that the check costs no query on later requests of the session.
TWO_FACTOR_CHECKED_KEY = "rubric_2fa_checked"


class RoleRequiredMiddleware:
    """Someone signed in through the identity provider whose groups map to no role reaches
    only the page that says so, and signing out. Checked on every request, so that roles
    removed at a later sign-in, or by an admin, take effect at once."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if (
            user.is_authenticated
            and request.session.get(SSO_SESSION_KEY)
            and not user.is_superuser
            and request.path not in (reverse("no_role"), reverse("logout"))
            and not user.groups.filter(name__in=ROLE_NAMES).exists()
        ):
            return redirect("no_role")
        return self.get_response(request)


class TwoFactorRequiredMiddleware:
    """Someone DJANGO_REQUIRE_2FA names, signed in with a password and without a second
    factor yet, reaches only the two-factor pages (to enrol) and signing out. Single sign-on
    sessions are never asked: the identity provider does their two-factor, and they have no
    two-factor pages of Rubric's."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if not user.is_authenticated:
            return self.get_response(request)
        two_factor_page = request.path.startswith("/accounts/2fa/")
        if request.session.get(SSO_SESSION_KEY):
            if two_factor_page:
                raise Http404("Your identity provider does your two-factor.")
        elif settings.REQUIRE_2FA and request.session.get(TWO_FACTOR_CHECKED_KEY) != user.pk:
            allowed = two_factor_page or request.path in (
                reverse("logout"),
                reverse("account_reauthenticate"),
                reverse("admin:logout"),
            )
            if selectors.must_enrol_2fa(user):
                if not allowed:
                    return redirect("mfa_index")
            else:
                request.session[TWO_FACTOR_CHECKED_KEY] = user.pk
        return self.get_response(request)
