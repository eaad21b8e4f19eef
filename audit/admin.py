from django.contrib import admin
from django.contrib.auth import admin as auth_admin
from django.contrib.auth.models import User

from . import services
from .models import AuditEvent


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """Read-only, and for superusers only: the log is appended to by the app, never edited."""

    list_display = ["at", "action", "subject", "actor_name"]
    list_filter = ["action"]
    search_fields = ["subject", "actor_name"]
    date_hierarchy = "at"
    readonly_fields = ["at", "actor", "actor_name", "action", "subject", "details"]

    def has_view_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_superuser

    def has_module_permission(self, request):
        return self.has_view_permission(request)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


admin.site.unregister(User)


@admin.register(User)
class UserAdmin(auth_admin.UserAdmin):
    """Django's user admin, recording every change of someone's roles in the audit log."""

    def save_model(self, request, obj, form, change):
        # The flags are saved here and the groups just after: read both before either.
        form.roles_before = self._roles(User.objects.get(pk=obj.pk)) if change else {}
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        before, after = form.roles_before, self._roles(form.instance)
        if before != after:
            services.record(
                actor=request.user,
                action="role_changed",
                subject=f"User #{form.instance.pk} ({form.instance.username})",
                details={"before": before, "after": after},
            )

    @staticmethod
    def _roles(user):
        return {
            "groups": sorted(user.groups.values_list("name", flat=True)),
            "staff": user.is_staff,
            "superuser": user.is_superuser,
        }
