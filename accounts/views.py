from functools import wraps

from allauth.account.decorators import reauthentication_required
from allauth.account.internal.flows import login as login_flow
from allauth.account.models import Login
from allauth.mfa.adapter import get_adapter as get_mfa_adapter
from allauth.mfa.base import views as mfa_views
from allauth.mfa.models import Authenticator
from allauth.mfa.totp import views as totp_views
from allauth.mfa.webauthn import views as webauthn_views
from allauth.socialaccount.internal import jwtkit
from allauth.socialaccount.models import SocialApp
from allauth.socialaccount.providers.oauth2.views import OAuth2CallbackView, OAuth2LoginView
from allauth.socialaccount.providers.openid_connect.views import OpenIDConnectOAuth2Adapter
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.auth import REDIRECT_FIELD_NAME, login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required, login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse, reverse_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST
from requests import RequestException

from config.forms import LoginForm
from config.pagination import paginate

from . import selectors, services
from .adapter import MFAAdapter
from .forms import AcceptInvitationForm, InvitationForm
from .models import Invitation
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


# Invitations -------------------------------------------------------------------------------


def invitations_for(user):
    """The invitations `user` may see and act on: an admin's all, a manager's interviewers'."""
    visible = Invitation.objects.select_related("invited_by")
    if user.is_superuser:
        return visible
    return visible.filter(role=Invitation.Role.INTERVIEWER)


def get_invitation_for(user, pk):
    return get_object_or_404(invitations_for(user), pk=pk)


@login_required
def invitations(request):
    roles = services.roles_invitable_by(request.user)
    if not roles:
        raise PermissionDenied("Only admins and hiring managers invite people.")
    form = InvitationForm(request.POST or None, roles=roles)
    if request.method == "POST" and form.is_valid():
        try:
            invitation = services.invite(by=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error("email", error)
        else:
            messages.success(request, f"Invitation sent to {invitation.email}.")
            return redirect("invitations")
    page = paginate(request, invitations_for(request.user))
    status = 400 if form.errors else 200
    return render(
        request, "accounts/invitations.html", {"form": form, "page": page}, status=status
    )


def act_on_invitation(request, pk, action, done):
    if not services.roles_invitable_by(request.user):
        raise PermissionDenied("Only admins and hiring managers invite people.")
    invitation = get_invitation_for(request.user, pk)
    try:
        action(by=request.user, invitation=invitation)
    except ValidationError as error:
        messages.error(request, error.messages[0])
    else:
        messages.success(request, f"{done} {invitation.email}.")
    return redirect("invitations")


@login_required
@require_POST
def resend_invitation(request, pk):
    return act_on_invitation(request, pk, services.resend_invitation, "Invitation sent again to")


@login_required
@require_POST
def revoke_invitation(request, pk):
    return act_on_invitation(request, pk, services.revoke_invitation, "Invitation revoked for")


@login_not_required
def accept_invitation(request, token):
    invitation = services.invitation_for(token)
    if invitation is None or not invitation.is_open or not settings.PASSWORD_LOGIN:
        status = invitation.status if invitation else "unknown"
        return render(request, "accounts/invitation_closed.html", {"status": status}, status=410)
    form = AcceptInvitationForm(request.POST or None, invitation=invitation)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.accept_invitation(
                invitation=invitation,
                username=form.cleaned_data["username"],
                password=form.cleaned_data["password1"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            # The password just chosen counts as a recent sign-in for enrolling in two-factor.
            login_flow.record_authentication(request, user, "password")
            messages.success(request, "Welcome to Rubric: your account is ready.")
            return redirect("home")
    return render(
        request,
        "accounts/accept_invitation.html",
        {"form": form, "invitation": invitation},
        status=400 if form.errors else 200,
    )


def password_login_only(view):
    """A password page, gone (404) in SSO-only mode; open to anyone, signed in or not."""

    @login_not_required
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not settings.PASSWORD_LOGIN:
            raise Http404("Password sign-in is off.")
        return view(request, *args, **kwargs)

    return wrapped


# Two-factor (allauth.mfa, for password accounts) ---------------------------------------------


class LoginView(auth_views.LoginView):
    """Django's login (the form django-axes guards), continued through allauth's login
    stages: someone with an authenticator app or a passkey is asked for it before being
    signed in (mfa_authenticate), everyone else is signed in at once."""

    def form_valid(self, form):
        user = form.get_user()
        return login_flow.perform_password_login(
            self.request,
            {"username": user.get_username()},
            Login(user=user, redirect_url=self.get_success_url()),
        )


log_in = LoginView.as_view(authentication_form=LoginForm, redirect_authenticated_user=True)


@login_not_required
@never_cache
def admin_login(request, extra_context=None):
    """The admin's login page, with the same second step as the site's."""
    if request.method == "GET" and admin.site.has_permission(request):
        return redirect("admin:index")
    context = {
        **admin.site.each_context(request),
        "title": "Log in",
        "subtitle": None,
        "app_path": request.get_full_path(),
        "username": request.user.get_username(),
    }
    if REDIRECT_FIELD_NAME not in request.GET and REDIRECT_FIELD_NAME not in request.POST:
        context[REDIRECT_FIELD_NAME] = reverse("admin:index")
    return LoginView.as_view(
        authentication_form=admin.site.login_form,
        template_name="admin/login.html",
        extra_context=context,
    )(request)


class AuthenticateView(mfa_views.AuthenticateView):
    """The second step of signing in (the person is not signed in yet): a code, or a passkey
    if they have one."""

    def get_context_data(self, **kwargs):
        user = self.stage.login.user
        passkeys = Authenticator.objects.filter(user=user, type=Authenticator.Type.WEBAUTHN)
        return {**super().get_context_data(**kwargs), "has_passkey": passkeys.exists()}


authenticate_2fa = login_not_required(AuthenticateView.as_view())


class ActivateTOTPView(totp_views.ActivateTOTPView):
    def get_success_url(self):
        return after_enrolment(self.request)


class AddWebAuthnView(webauthn_views.AddWebAuthnView):
    def get_success_url(self):
        return after_enrolment(self.request)


class RemoveWebAuthnView(webauthn_views.RemoveWebAuthnView):
    success_url = reverse_lazy("mfa_index")

    def form_valid(self, form):
        if not get_mfa_adapter().can_delete_authenticator(self.get_object()):
            messages.error(self.request, MFAAdapter.error_messages["cannot_delete_authenticator"])
            return redirect("mfa_index")
        return super().form_valid(form)


class TwoFactorView(mfa_views.IndexView):
    """What the person has enrolled, and whether their role needs it."""

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "two_factor_required": selectors.must_use_2fa(self.request.user),
        }


def after_enrolment(request):
    """Recovery codes are made with the first second factor, and shown once."""
    if selectors.recovery_codes_left(request.user) is None:
        return reverse("recovery_codes")
    return reverse("mfa_index")


@login_required
@reauthentication_required(allow_get=True, app="allauth.mfa")
def recovery_codes(request):
    """How many recovery codes are left; a POST makes a new set (the old one stops working),
    shown on the page it answers with and never again."""
    if not selectors.has_second_factor(request.user):
        return redirect("mfa_index")
    if request.method == "POST":
        codes = services.make_recovery_codes(user=request.user)
        return render(request, "mfa/recovery_codes.html", {"codes": codes})
    left = selectors.recovery_codes_left(request.user)
    return render(request, "mfa/recovery_codes.html", {"left": left})
