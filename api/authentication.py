"""Bearer tokens for the API, and what a token's scope allows."""

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions, permissions, throttling
from rest_framework.settings import api_settings

from .models import ApiToken, digest


class TokenAuthentication(authentication.BaseAuthentication):
    """`Authorization: Bearer rbc_…`. A token that is unknown, revoked or expired is refused
    with 401 and says which; an inactive user's token works no more than their password."""

    keyword = "Bearer"

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].lower() != self.keyword.lower().encode():
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed("Send the header as: Bearer <token>.")
        try:
            secret = header[1].decode("ascii")
        except UnicodeDecodeError as error:
            raise exceptions.AuthenticationFailed("This token is not valid.") from error
        token = ApiToken.objects.select_related("user").filter(digest=digest(secret)).first()
        if token is None or not token.user.is_active:
            raise exceptions.AuthenticationFailed("This token is not valid.")
        if token.is_revoked:
            raise exceptions.AuthenticationFailed("This token was revoked.")
        if token.is_expired:
            raise exceptions.AuthenticationFailed("This token has expired.")
        token.touch()
        return token.user, token

    def authenticate_header(self, request):
        return self.keyword


class TokenScope(permissions.BasePermission):
    """A read token reads; only a read-and-write token (or a signed-in session) writes."""

    message = "This token can only read: make a token with write access to change data."

    def has_permission(self, request, view):
        if request.method in permissions.SAFE_METHODS:
            return True
        return not isinstance(request.auth, ApiToken) or request.auth.can_write


class TokenRateThrottle(throttling.SimpleRateThrottle):
    """Requests per token (per user for a session, per address for anyone else)."""

    scope = "api"

    def get_rate(self):
        # Read per request, not once at import as REST framework does, so settings apply.
        return api_settings.DEFAULT_THROTTLE_RATES[self.scope]

    def get_cache_key(self, request, view):
        if isinstance(request.auth, ApiToken):
            ident = f"token-{request.auth.pk}"
        elif request.user and request.user.is_authenticated:
            ident = f"user-{request.user.pk}"
        else:
            ident = self.get_ident(request)
        return self.cache_format % {"scope": self.scope, "ident": ident}


class TokenScheme(OpenApiAuthenticationExtension):
    target_class = TokenAuthentication
    name = "token"

    def get_security_definition(self, auto_schema):
        return {"type": "http", "scheme": "bearer", "description": "A personal API token."}
