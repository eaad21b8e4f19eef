from django.conf import settings
from django.urls import reverse

from .adapter import SSO_SESSION_KEY


def sign_in(request):
    """What the login page offers: the password form, the identity provider's button."""
    return {
        "password_login": settings.PASSWORD_LOGIN,
        "sso_button": settings.OIDC_BUTTON if settings.OIDC_ISSUER else "",
        "sso_login_url": reverse("openid_connect_login", kwargs={"provider_id": "sso"}),
        # Two-factor is for password accounts: the identity provider does it for the others.
        # A callable, so that only pages with the navigation bar read the session.
        "two_factor_link": lambda: not request.session.get(SSO_SESSION_KEY),
    }
