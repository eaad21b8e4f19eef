from django.shortcuts import redirect
from django.urls import reverse

from .adapter import SSO_SESSION_KEY
from .sso import ROLE_NAMES


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
