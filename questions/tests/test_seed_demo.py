import pytest
from django.contrib.auth import authenticate
from django.contrib.auth.models import User
from django.core.management import call_command
from django.core.management.base import CommandError

from config import roles

pytestmark = pytest.mark.django_db


def test_seed_demo_creates_the_demo_logins(settings, capsys):
    settings.DEBUG = True
    call_command("seed_demo")
    users = {
        user.username: (user.is_superuser, sorted(user.groups.values_list("name", flat=True)))
        for user in User.objects.all()
    }
    assert users == {
        "admin": (True, []),
        "manager": (False, [roles.HIRING_MANAGER]),
        "alice": (False, [roles.INTERVIEWER]),
        "bob": (False, [roles.INTERVIEWER]),
    }
    assert authenticate(username="alice", password="demo") == User.objects.get(username="alice")
    assert "password for each: demo" in capsys.readouterr().out


def test_seed_demo_twice_changes_nothing(settings):
    settings.DEBUG = True
    call_command("seed_demo", verbosity=0)
    before = list(User.objects.order_by("pk").values())
    call_command("seed_demo", verbosity=0)
    assert list(User.objects.order_by("pk").values()) == before


def test_seed_demo_refuses_without_debug(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="only runs with DJANGO_DEBUG=1"):
        call_command("seed_demo")
    assert User.objects.count() == 0
