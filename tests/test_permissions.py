"""Permission checks read a user's permissions in one query, the same as Django's own."""

import pytest
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Permission, User

pytestmark = pytest.mark.django_db


def fresh(user):
    return User.objects.get(pk=user.pk)  # without a permission cache


def test_permissions_are_django_s_own_read_in_one_query(
    interviewer, hiring_manager, django_assert_num_queries
):
    interviewer.user_permissions.add(Permission.objects.get(codename="view_topic"))
    superuser = User.objects.create(username="root", is_superuser=True)
    inactive = User.objects.create(username="gone", is_active=False, is_superuser=True)
    for user in (interviewer, hiring_manager, superuser, inactive):
        expected = ModelBackend().get_all_permissions(fresh(user))
        user = fresh(user)
        with django_assert_num_queries(1 if user.is_active else 0):
            assert user.get_all_permissions() == expected
            # Asking again, or for a permission the user lacks, reads nothing more.
            assert user.has_perm("auth.delete_user") == ("auth.delete_user" in expected)
            assert user.has_module_perms("questions") == any(
                p.startswith("questions.") for p in expected
            )
    assert "questions.view_topic" in fresh(interviewer).get_all_permissions()
    assert len(fresh(superuser).get_all_permissions()) == Permission.objects.count()
