from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from .forms import AdminLoginForm

admin.site.site_header = "Rubric curation"
admin.site.site_title = "Rubric"
admin.site.index_title = "Question bank and people"
# The admin's login bounds the username too, before django-axes records it.
admin.site.login_form = AdminLoginForm

urlpatterns = [
    path("admin/", admin.site.urls),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("", include("questions.urls")),
    path("", include("interviews.urls")),
    path("", include("scoring.urls")),
    path("api/v1/", include("api.urls")),
    path("", include("notifications.urls")),
    path("", include("accounts.urls")),  # sign-in: login, SSO, invitations, two-factor
    # Probes and metrics (ops): no login, no session.
    path("", include("ops.urls")),
]

handler400 = "config.errors.bad_request"
handler403 = "config.errors.permission_denied"
handler404 = "config.errors.page_not_found"
handler500 = "config.errors.server_error"
