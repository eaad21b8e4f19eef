"""Permission checks in one round trip per request."""

from django.contrib.auth.models import Permission
from django.db import connections

# The user's own permissions and their groups', or every permission for a superuser.
PERMISSIONS_SQL = """
SELECT ct.app_label, p.codename
FROM auth_permission p
JOIN django_content_type ct ON ct.id = p.content_type_id
WHERE %s
   OR p.id IN (SELECT permission_id FROM auth_user_user_permissions WHERE user_id = %s)
   OR p.id IN (
       SELECT gp.permission_id
       FROM auth_group_permissions gp
       JOIN auth_user_groups ug ON ug.group_id = gp.group_id
       WHERE ug.user_id = %s
   )
"""


class PermissionBackend:
    """Reads a user's permissions with one plain query instead of ModelBackend's two built
    through the ORM (a signed-in page checks permissions on every request), into the same
    per-request cache ModelBackend reads. Listed before ModelBackend, which still signs
    people in and finds the user of a session (this backend has no `get_user`, so even
    `force_login` picks ModelBackend), and sessions keep their backend's path."""

    def authenticate(self, request, **credentials):
        return None

    def get_all_permissions(self, user_obj, obj=None):
        if not user_obj.is_active or user_obj.is_anonymous or obj is not None:
            return set()
        if not hasattr(user_obj, "_perm_cache"):
            with connections[Permission.objects.db].cursor() as cursor:
                cursor.execute(PERMISSIONS_SQL, [user_obj.is_superuser, user_obj.pk, user_obj.pk])
                user_obj._perm_cache = {f"{app}.{codename}" for app, codename in cursor}
        return user_obj._perm_cache

    def has_perm(self, user_obj, perm, obj=None):
        return perm in self.get_all_permissions(user_obj, obj)

    def has_module_perms(self, user_obj, app_label):
        return any(
            perm[: perm.index(".")] == app_label for perm in self.get_all_permissions(user_obj)
        )
