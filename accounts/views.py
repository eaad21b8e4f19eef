from allauth.account.internal.decorators import login_not_required
from allauth.socialaccount.internal import jwtkit
from allauth.socialaccount.models import SocialApp
from allauth.socialaccount.providers.oauth2.views import OAuth2CallbackView, OAuth2LoginView
from allauth.socialaccount.providers.openid_connect.views import OpenIDConnectOAuth2Adapter
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from requests import RequestException

from .sso import ROLE_NAMES


class SignedTokenAdapter(OpenIDConnectOAuth2Adapter):
    """allauth skips the ID token's signature when the token came straight from the token
    endpoint (OpenID Connect allows it over TLS); Rubric checks it always, with the
    provider's published keys, so that a forged token fails however it arrives."""

    def _decode_id_token(self, app, id_token):
        return jwtkit.verify_and_decode(
            credential=id_token,
            keys_url=self.openid_config["jwks_uri"],
            issuer=self.openid_config["issuer"],
            audience=app.client_id,
            lookup_kid=jwtkit.lookup_kid_jwk,
            verify_signature=True,
        )


def provider_unreachable(request):
    return render(request, "accounts/provider_unreachable.html", status=503)


@login_not_required
def oidc_login(request, provider_id):
    """Off to the identity provider (a POST from the login page; a GET asks to confirm)."""
    try:
        return OAuth2LoginView.adapter_view(SignedTokenAdapter(request, provider_id))(request)
    except SocialApp.DoesNotExist as error:
        raise Http404("No such identity provider.") from error
    except RequestException:
        return provider_unreachable(request)


@login_not_required
def oidc_callback(request, provider_id):
    try:
        return OAuth2CallbackView.adapter_view(SignedTokenAdapter(request, provider_id))(request)
    except SocialApp.DoesNotExist as error:
        raise Http404("No such identity provider.") from error
    except RequestException:
        return provider_unreachable(request)


@login_required
def no_role(request):
    """Where a signed-in person whose provider groups map to no role stays."""
    if request.user.is_superuser or request.user.groups.filter(name__in=ROLE_NAMES).exists():
        return redirect("home")
    return render(request, "accounts/no_role.html")
