from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from .forms import LoginForm

admin.site.site_header = "Rubric curation"
admin.site.site_title = "Rubric"
admin.site.index_title = "Question bank and people"

urlpatterns = [
    path("admin/", admin.site.urls),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(
            authentication_form=LoginForm, redirect_authenticated_user=True
        ),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("", include("questions.urls")),
    path("", include("interviews.urls")),
    path("", include("scoring.urls")),
    path("", include("notifications.urls")),
]
