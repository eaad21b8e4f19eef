from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.socialaccount.models import SocialAccount, SocialApp, SocialToken
from django.contrib import admin
from django.db import transaction

from audit.models import AuditEvent
from audit.services import record

from .views import admin_login

# The identity provider is configured by environment, and its accounts are made and matched
# at sign-in: none of allauth's models is edited by hand.
for model in (EmailAddress, SocialAccount, SocialApp, SocialToken):
    if admin.site.is_registered(model):
        admin.site.unregister(model)


admin.site.unregister(Authenticator)


@admin.register(Authenticator)
class AuthenticatorAdmin(admin.ModelAdmin):
    """Someone's second factors, to delete when they have lost them all (docs/sign-in.md):
    never made or edited here, and their secrets never shown."""

    list_display = ("user", "type", "created_at", "last_used_at")
    list_filter = ("type",)
    search_fields = ("user__username",)
    fields = ("user", "type", "created_at", "last_used_at")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def delete_model(self, request, obj):
        self.delete_queryset(request, Authenticator.objects.filter(pk=obj.pk))

    @transaction.atomic
    def delete_queryset(self, request, queryset):
        """Each removal goes to the audit log: taking someone's second factor away is how an
        account would be taken over."""
        for authenticator in queryset.select_related("user"):
            record(
                actor=request.user,
                action=AuditEvent.Action.SECOND_FACTOR_REMOVED,
                subject=authenticator.user.get_username(),
                details={"type": authenticator.type, "user_id": authenticator.user_id},
            )
        queryset.delete()


# The admin's login asks for the second factor too, as the site's does.
admin.site.login = admin_login
