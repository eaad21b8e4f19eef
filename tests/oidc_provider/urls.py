from django.urls import include, path

from . import provider

urlpatterns = [
    path("o/", include("oauth2_provider.urls", namespace="oauth2_provider")),
    path("login/", provider.sign_in),
    path("control/", provider.control),
]
