from django.urls import path

from . import views

# The names are allauth's: its provider reverses them.
urlpatterns = [
    path("accounts/oidc/<str:provider_id>/login/", views.oidc_login, name="openid_connect_login"),
    path(
        "accounts/oidc/<str:provider_id>/login/callback/",
        views.oidc_callback,
        name="openid_connect_callback",
    ),
    path("accounts/no-role/", views.no_role, name="no_role"),
]
