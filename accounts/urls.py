from django.contrib.auth import views as auth_views
from django.urls import path

from . import views
from .forms import OutboxPasswordResetForm

urlpatterns = [
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
]
