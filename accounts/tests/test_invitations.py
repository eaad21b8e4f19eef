"""Invitations by email, and password resets, through the notifications outbox."""

import re
from datetime import timedelta

import pytest
from django.contrib.auth.models import User
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import Invitation
from config import roles
from notifications.models import OutgoingEmail
from questions.tests.factories import UserFactory

pytestmark = pytest.mark.django_db

LINK = re.compile(r"http://testserver(/accounts/invitation/[^/\s]+/)")


@pytest.fixture(autouse=True)
def site_url(settings):
    settings.SITE_URL = "http://testserver"


@pytest.fixture
def manager(client):
    user = UserFactory(username="harper", first_name="Harper", role=roles.HIRING_MANAGER)
    client.force_login(user)
    return user


@pytest.fixture
def admin(client):
    user = UserFactory(username="root", is_staff=True, is_superuser=True)
    client.force_login(user)
    return user


def invite(client, email="new@corp.example", role=roles.INTERVIEWER):
    return client.post(reverse("invitations"), {"email": email, "role": role})


def link_in(email):
    return LINK.search(email.text).group(1)


def test_a_manager_invites_an_interviewer_by_email(
    client, manager, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = invite(client)
    assert (response.status_code, response["Location"]) == (302, reverse("invitations"))
    invitation = Invitation.objects.get()
    assert (invitation.email, invitation.role, invitation.invited_by) == (
        "new@corp.example",
        roles.INTERVIEWER,
        manager,
    )
    assert invitation.status == "pending"
    assert (
        timedelta(days=6, hours=23) < invitation.expires_at - timezone.now() <= timedelta(days=7)
    )
    email = OutgoingEmail.objects.get()
    assert (email.kind, email.to, email.subject) == (
        "account_invitation",
        "new@corp.example",
        "You are invited to Rubric as interviewer",
    )
    assert "Harper invites you to Rubric" in email.text
    assert email.sent_at is not None
    assert [message.to for message in mail.outbox] == [["new@corp.example"]]
    # The secret is only in the email.
    assert link_in(email).split("/")[-2] not in invitation.token_digest
    page = client.get(reverse("invitations")).content.decode()
    assert "new@corp.example" in page


def test_a_manager_may_not_invite_a_manager_or_a_curator(client, manager):
    for role in (roles.HIRING_MANAGER, roles.QUESTION_CURATOR):
        response = invite(client, role=role)
        assert response.status_code == 400
        assert "Select a valid choice" in response.content.decode()
    assert (Invitation.objects.count(), OutgoingEmail.objects.count()) == (0, 0)


def test_an_admin_invites_to_any_role(client, admin):
    for number, role in enumerate(Invitation.Role.values):
        assert invite(client, email=f"p{number}@corp.example", role=role).status_code == 302
    assert sorted(Invitation.objects.values_list("role", flat=True)) == sorted(
        Invitation.Role.values
    )


def test_interviewers_and_curators_may_not_invite(client):
    for role in (roles.INTERVIEWER, roles.QUESTION_CURATOR):
        client.force_login(UserFactory(username=f"u-{role}", role=role))
        assert client.get(reverse("invitations")).status_code == 403
        assert invite(client).status_code == 403
    assert Invitation.objects.count() == 0


@pytest.mark.parametrize(
    ("email", "message"),
    [
        ("not-an-email", "Enter a valid email address."),
        ("taken@corp.example", "Someone with this email already has an account."),
        ("", "This field is required."),
    ],
)
def test_a_bad_invitation_is_a_form_error_and_sends_nothing(client, manager, email, message):
    UserFactory(username="taken", email="taken@corp.example")
    response = invite(client, email=email)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert (Invitation.objects.count(), OutgoingEmail.objects.count()) == (0, 0)


def test_a_second_invitation_to_an_open_one_says_resend(client, manager):
    invite(client)
    response = invite(client, email="NEW@corp.example")
    assert "has an open invitation: resend it instead" in response.content.decode()
    assert Invitation.objects.count() == 1


def test_the_link_sets_a_password_once_with_the_role(client, manager):
    invite(client)
    link = link_in(OutgoingEmail.objects.get())
    client.logout()
    assert "You are invited as interviewer" in client.get(link).content.decode()
    response = client.post(
        link,
        {"username": "nova", "password1": "long-enough-pass-9", "password2": "long-enough-pass-9"},
    )
    assert (response.status_code, response["Location"]) == (302, reverse("home"))
    user = User.objects.get(username="nova")
    assert (user.email, user.check_password("long-enough-pass-9")) == ("new@corp.example", True)
    assert list(user.groups.values_list("name", flat=True)) == [roles.INTERVIEWER]
    invitation = Invitation.objects.get()
    assert (invitation.status, invitation.user) == ("accepted", user)
    client.logout()
    again = client.get(link)
    assert again.status_code == 410
    assert "It was used already" in again.content.decode()
    assert client.post(link, {"username": "nova2"}).status_code == 410
    assert User.objects.filter(username="nova2").exists() is False


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (
            {"username": "nova", "password1": "long-enough-pass-9", "password2": "other-pass-99"},
            "The two passwords differ.",
        ),
        (
            {"username": "nova", "password1": "short", "password2": "short"},
            "This password is too short.",
        ),
        (
            {
                "username": "harper",
                "password1": "long-enough-pass-9",
                "password2": "long-enough-pass-9",
            },
            "That username is taken",
        ),
        (
            {
                "username": "no spaces",
                "password1": "long-enough-pass-9",
                "password2": "long-enough-pass-9",
            },
            "Enter a valid username",
        ),
    ],
)
def test_a_bad_account_form_creates_nothing(client, manager, data, message):
    invite(client)
    link = link_in(OutgoingEmail.objects.get())
    client.logout()
    response = client.post(link, data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert User.objects.count() == 1
    assert Invitation.objects.get().status == "pending"


def test_an_expired_or_revoked_or_unknown_link_is_a_clear_page(client, manager):
    invite(client)
    link = link_in(OutgoingEmail.objects.get())
    Invitation.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    assert "It expired" in client.get(link).content.decode()
    Invitation.objects.update(expires_at=timezone.now() + timedelta(days=1))
    invitation = Invitation.objects.get()
    client.post(reverse("revoke_invitation", args=[invitation.pk]))
    response = client.get(link)
    assert (response.status_code, "It was withdrawn" in response.content.decode()) == (410, True)
    response = client.get(reverse("accept_invitation", args=["made-up"]))
    assert (response.status_code, "It is not a link Rubric sent" in response.content.decode()) == (
        410,
        True,
    )


def test_resending_makes_a_new_link_and_a_new_week(client, manager):
    invite(client)
    old_link = link_in(OutgoingEmail.objects.get())
    Invitation.objects.update(expires_at=timezone.now() - timedelta(days=1))
    response = client.post(reverse("resend_invitation", args=[Invitation.objects.get().pk]))
    assert response.status_code == 302
    invitation = Invitation.objects.get()
    assert (invitation.status, invitation.sent_count) == ("pending", 2)
    new_link = link_in(OutgoingEmail.objects.order_by("pk").last())
    assert new_link != old_link
    assert client.get(old_link).status_code == 410
    assert client.get(new_link).status_code == 200


def test_a_revoked_or_accepted_invitation_cannot_be_resent(client, manager):
    invite(client)
    invitation = Invitation.objects.get()
    client.post(reverse("revoke_invitation", args=[invitation.pk]))
    response = client.post(reverse("resend_invitation", args=[invitation.pk]), follow=True)
    assert "This invitation was revoked: it cannot be resent." in response.content.decode()
    assert OutgoingEmail.objects.count() == 1


def test_a_manager_cannot_touch_an_admin_s_manager_invitation(client, manager):
    admin = UserFactory(username="root", is_superuser=True)
    client.force_login(admin)
    invite(client, email="boss@corp.example", role=roles.HIRING_MANAGER)
    invitation = Invitation.objects.get()
    client = Client()  # the manager's own browser, without the admin's messages
    client.force_login(manager)
    assert "boss@corp.example" not in client.get(reverse("invitations")).content.decode()
    for name in ("resend_invitation", "revoke_invitation"):
        assert client.post(reverse(name, args=[invitation.pk])).status_code == 404
    assert Invitation.objects.get().status == "pending"


def test_invitations_are_paginated_newest_first(client, admin):
    for number in range(27):
        invite(client, email=f"p{number:02}@corp.example")
    client.get(reverse("invitations"))  # shows the 27 "Invitation sent" messages
    first = client.get(reverse("invitations")).content.decode()
    assert first.index("p26@corp.example") < first.index("p02@corp.example")
    assert "p01@corp.example" not in first
    assert "p00@corp.example" in client.get(reverse("invitations"), {"page": 2}).content.decode()


def test_sso_only_mode_sends_no_invitations_and_closes_links(client, manager, settings):
    invite(client)
    link = link_in(OutgoingEmail.objects.get())
    settings.PASSWORD_LOGIN = False
    response = invite(client, email="other@corp.example")
    assert "Password sign-in is off" in response.content.decode()
    assert client.get(link).status_code == 410


def test_password_reset_goes_through_the_outbox(client, django_capture_on_commit_callbacks):
    user = UserFactory(username="pat", email="pat@corp.example")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("password_reset"), {"email": "pat@corp.example"})
    assert (response.status_code, response["Location"]) == (302, reverse("password_reset_done"))
    email = OutgoingEmail.objects.get()
    assert (email.kind, email.to, email.sent_at is not None) == (
        "password_reset",
        "pat@corp.example",
        True,
    )
    link = re.search(r"http://testserver(/accounts/password-reset/\S+/)", email.text).group(1)
    form = client.get(link, follow=True)
    assert form.status_code == 200
    confirm = form.redirect_chain[-1][0]
    response = client.post(
        confirm, {"new_password1": "a-brand-new-pass-7", "new_password2": "a-brand-new-pass-7"}
    )
    assert response["Location"] == reverse("password_reset_complete")
    user.refresh_from_db()
    assert user.check_password("a-brand-new-pass-7") is True
    assert "This link no longer works" in client.get(link, follow=True).content.decode()


def test_password_reset_for_an_unknown_email_says_the_same_and_sends_nothing(client):
    response = client.post(reverse("password_reset"), {"email": "nobody@corp.example"})
    assert response["Location"] == reverse("password_reset_done")
    assert OutgoingEmail.objects.count() == 0


def test_password_reset_is_gone_in_sso_only_mode(client, settings):
    settings.PASSWORD_LOGIN = False
    assert client.get(reverse("password_reset")).status_code == 404


def test_an_invited_manager_who_must_enrol_sets_up_two_factor_without_retyping(
    client, admin, settings
):
    settings.REQUIRE_2FA = frozenset({"Hiring manager"})
    invite(client, role=roles.HIRING_MANAGER)
    link = link_in(OutgoingEmail.objects.get())
    client.logout()
    client.post(
        link,
        {"username": "nova", "password1": "long-enough-pass-9", "password2": "long-enough-pass-9"},
    )
    assert client.get(reverse("interview_list"))["Location"] == reverse("mfa_index")
    assert client.get(reverse("mfa_activate_totp")).status_code == 200
