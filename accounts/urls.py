from allauth.account import views as account_views
from allauth.mfa.base import views as mfa_views
from allauth.mfa.totp import views as totp_views
from allauth.mfa.webauthn import views as webauthn_views
from django.contrib.auth import views as auth_views
from django.urls import path

from . import views
from .forms import OutboxPasswordResetForm

urlpatterns = [
    path("accounts/login/", views.log_in, name="login"),
    path("accounts/login/", views.log_in, name="account_login"),  # the name allauth reverses
    # The names are allauth's: its provider reverses them.
    path("accounts/oidc/<str:provider_id>/login/", views.oidc_login, name="openid_connect_login"),
    path(
        "accounts/oidc/<str:provider_id>/login/callback/",
        views.oidc_callback,
        name="openid_connect_callback",
    ),
    path("accounts/no-role/", views.no_role, name="no_role"),
    path("accounts/invitations/", views.invitations, name="invitations"),
    path(
        "accounts/invitations/<int:pk>/resend/",
        views.resend_invitation,
        name="resend_invitation",
    ),
    path(
        "accounts/invitations/<int:pk>/revoke/",
        views.revoke_invitation,
        name="revoke_invitation",
    ),
    path("accounts/invitation/<str:token>/", views.accept_invitation, name="accept_invitation"),
    path(
        "accounts/password-reset/",
        views.password_login_only(
            auth_views.PasswordResetView.as_view(form_class=OutboxPasswordResetForm)
        ),
        name="password_reset",
    ),
    path(
        "accounts/password-reset/sent/",
        views.password_login_only(auth_views.PasswordResetDoneView.as_view()),
        name="password_reset_done",
    ),
    path(
        "accounts/password-reset/<uidb64>/<token>/",
        views.password_login_only(auth_views.PasswordResetConfirmView.as_view()),
        name="password_reset_confirm",
    ),
    path(
        "accounts/password-reset/done/",
        views.password_login_only(auth_views.PasswordResetCompleteView.as_view()),
        name="password_reset_complete",
    ),
    # Two-factor (allauth.mfa): the names are allauth's, which its views reverse.
    path("accounts/2fa/", views.TwoFactorView.as_view(), name="mfa_index"),
    path("accounts/2fa/authenticate/", views.authenticate_2fa, name="mfa_authenticate"),
    path("accounts/2fa/reauthenticate/", mfa_views.reauthenticate, name="mfa_reauthenticate"),
    path(
        "accounts/2fa/totp/activate/",
        views.ActivateTOTPView.as_view(),
        name="mfa_activate_totp",
    ),
    path("accounts/2fa/totp/deactivate/", totp_views.deactivate_totp, name="mfa_deactivate_totp"),
    path("accounts/2fa/passkeys/add/", views.AddWebAuthnView.as_view(), name="mfa_add_webauthn"),
    path(
        "accounts/2fa/passkeys/reauthenticate/",
        webauthn_views.reauthenticate_webauthn,
        name="mfa_reauthenticate_webauthn",
    ),
    path(
        "accounts/2fa/passkeys/<int:pk>/remove/",
        views.RemoveWebAuthnView.as_view(),
        name="mfa_remove_webauthn",
    ),
    path("accounts/2fa/recovery-codes/", views.recovery_codes, name="recovery_codes"),
    path("accounts/reauthenticate/", account_views.reauthenticate, name="account_reauthenticate"),
]
