"""Two-factor for password accounts: the second step of signing in, recovery codes kept
hashed and used once, django-axes counting wrong codes, and DJANGO_REQUIRE_2FA's enrolment."""

import re
import time

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, hotp_value
from axes.models import AccessAttempt
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured
from django.urls import reverse

from accounts import selectors, services
from accounts.adapter import SSO_SESSION_KEY
from audit.models import AuditEvent
from config import roles
from config.settings import required_2fa
from questions.tests.factories import UserFactory

pytestmark = pytest.mark.django_db

SECRET = "JBSWY3DPEHPK3PXP"


@pytest.fixture(autouse=True)
def fresh_cache():
    """allauth remembers used codes in the cache: a test must not meet an earlier one's."""
    cache.clear()


def totp_code(secret: str, *, step: int = 0) -> str:
    """RFC 6238's code for now (or `step` periods later), as the person's app shows it."""
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30 + step))


def with_totp(user, secret=SECRET):
    TOTP.activate(user, secret)
    return user


def password_step(client, username="pat", next_url=""):
    url = reverse("login") + (f"?next={next_url}" if next_url else "")
    return client.post(url, {"username": username, "password": "secret"})


@pytest.fixture
def pat(db):
    return with_totp(UserFactory(username="pat", role=roles.HIRING_MANAGER))


def signed_in_as(client):
    return client.session.get("_auth_user_id")


def test_without_a_second_factor_the_password_signs_in(client):
    user = UserFactory(username="pat", role=roles.INTERVIEWER)
    response = password_step(client)
    assert response.status_code == 302
    assert response["Location"] == reverse("home")
    assert signed_in_as(client) == str(user.pk)


def test_a_second_factor_is_asked_after_the_password_and_a_right_code_signs_in(client, pat):
    response = password_step(client, next_url="/interviews/")
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_authenticate")
    assert signed_in_as(client) is None
    page = client.get(reverse("mfa_authenticate"))
    assert page.status_code == 200
    assert "Code from your app, or a recovery code" in page.content.decode()
    response = client.post(reverse("mfa_authenticate"), {"code": totp_code(SECRET)})
    assert response.status_code == 302
    assert response["Location"] == "/interviews/"
    assert signed_in_as(client) == str(pat.pk)


def test_a_wrong_code_is_a_form_error_and_signs_nobody_in(client, pat):
    password_step(client)
    response = client.post(reverse("mfa_authenticate"), {"code": "000000x"})
    assert response.status_code == 200
    assert "That code is not right" in response.content.decode()
    assert signed_in_as(client) is None
    assert AccessAttempt.objects.get(username="pat").failures_since_start == 1


def test_the_code_page_without_a_password_first_goes_back_to_the_login(client, pat):
    response = client.get(reverse("mfa_authenticate"))
    assert response.status_code == 302
    assert response["Location"] == reverse("account_login")


def test_a_used_code_cannot_be_replayed(client, pat):
    code = totp_code(SECRET)
    password_step(client)
    client.post(reverse("mfa_authenticate"), {"code": code})
    client.post(reverse("logout"))
    password_step(client)
    response = client.post(reverse("mfa_authenticate"), {"code": code})
    assert response.status_code == 200
    assert signed_in_as(client) is None


def test_wrong_codes_count_toward_the_lockout_and_then_a_right_code_is_refused(
    client, pat, settings
):
    settings.AXES_FAILURE_LIMIT = 3
    password_step(client)
    for _ in range(2):
        assert client.post(reverse("mfa_authenticate"), {"code": "123456"}).status_code == 200
    locked = client.post(reverse("mfa_authenticate"), {"code": "123456"})
    assert locked.status_code == 429
    assert AccessAttempt.objects.get(username="pat").failures_since_start == 3
    response = client.post(reverse("mfa_authenticate"), {"code": totp_code(SECRET)})
    assert response.status_code == 429
    assert signed_in_as(client) is None
    # Nor does the password let them start again.
    assert password_step(client).status_code == 429


def test_a_right_code_resets_the_failures_as_a_password_does(client, pat):
    password_step(client)
    client.post(reverse("mfa_authenticate"), {"code": "123456"})
    client.post(reverse("mfa_authenticate"), {"code": totp_code(SECRET)})
    assert signed_in_as(client) == str(pat.pk)
    assert not AccessAttempt.objects.filter(username="pat").exists()


def test_the_admin_login_asks_for_the_second_factor_too(client):
    root = with_totp(UserFactory(username="root", is_staff=True, is_superuser=True))
    response = client.post(
        reverse("admin:login"), {"username": "root", "password": "secret", "next": "/admin/"}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_authenticate")
    assert signed_in_as(client) is None
    response = client.post(reverse("mfa_authenticate"), {"code": totp_code(SECRET)})
    assert response["Location"] == reverse("admin:index")
    assert signed_in_as(client) == str(root.pk)


# Recovery codes ------------------------------------------------------------------------------


def test_recovery_codes_are_stored_hashed_and_each_works_once(client, pat):
    codes = services.make_recovery_codes(user=pat)
    assert len(codes) == 10 == len(set(codes))
    assert all(re.fullmatch(r"[2-9a-z]{4}-[2-9a-z]{4}-[2-9a-z]{4}", code) for code in codes)
    stored = str(Authenticator.objects.get(user=pat, type="recovery_codes").data)
    for code in codes:
        assert code not in stored
        assert services.normalised_recovery_code(code) not in stored
    password_step(client)
    response = client.post(reverse("mfa_authenticate"), {"code": codes[3].upper()})
    assert response.status_code == 302
    assert signed_in_as(client) == str(pat.pk)
    assert selectors.recovery_codes_left(pat) == 9
    client.post(reverse("logout"))
    password_step(client)
    response = client.post(reverse("mfa_authenticate"), {"code": codes[3]})
    assert response.status_code == 200
    assert signed_in_as(client) is None
    assert selectors.recovery_codes_left(pat) == 9


def test_new_recovery_codes_replace_the_old_ones(pat):
    old = services.make_recovery_codes(user=pat)
    new = services.make_recovery_codes(user=pat)
    assert services.use_recovery_code(user=pat, code=old[0]) is None
    assert services.use_recovery_code(user=pat, code=new[0]) is not None
    assert Authenticator.objects.filter(user=pat, type="recovery_codes").count() == 1


def test_the_recovery_codes_page_shows_a_new_set_once(client, pat):
    password_step(client)
    client.post(reverse("mfa_authenticate"), {"code": totp_code(SECRET)})
    page = client.get(reverse("recovery_codes")).content.decode()
    assert "You have no recovery codes yet" in page
    shown = client.post(reverse("recovery_codes")).content.decode()
    codes = re.findall(r"<li>([2-9a-z]{4}-[2-9a-z]{4}-[2-9a-z]{4})</li>", shown)
    assert len(codes) == 10
    page = client.get(reverse("recovery_codes")).content.decode()
    assert "You have 10 unused recovery codes." in page
    assert not any(code in page for code in codes)


def test_no_recovery_codes_without_a_second_factor(client):
    client.force_login(UserFactory(username="ivy", role=roles.INTERVIEWER))
    response = client.get(reverse("recovery_codes"))
    assert response["Location"] == reverse("mfa_index")
    assert not Authenticator.objects.exists()


# Enrolling -----------------------------------------------------------------------------------


def test_enrolling_an_app_then_making_recovery_codes(client):
    ivy = UserFactory(username="ivy", role=roles.INTERVIEWER)
    password_step(client, "ivy")
    page = client.get(reverse("mfa_activate_totp")).content.decode()
    secret = re.search(r'id="authenticator_secret" type="text" value="([A-Z2-7]+)"', page)[1]
    wrong = client.post(reverse("mfa_activate_totp"), {"code": "12345"})
    assert wrong.status_code == 200
    assert not Authenticator.objects.exists()
    response = client.post(reverse("mfa_activate_totp"), {"code": totp_code(secret)})
    assert response["Location"] == reverse("recovery_codes")
    assert Authenticator.objects.get().data == {"secret": secret}
    client.post(reverse("recovery_codes"))
    assert sorted(Authenticator.objects.filter(user=ivy).values_list("type", flat=True)) == [
        "recovery_codes",
        "totp",
    ]


def test_changing_two_factor_long_after_signing_in_asks_for_the_password(client):
    UserFactory(username="ivy", role=roles.INTERVIEWER)
    client.force_login(UserFactory._meta.model.objects.get(username="ivy"))
    response = client.get(reverse("mfa_activate_totp"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_reauthenticate"))
    assert client.get(response["Location"]).status_code == 200


@pytest.fixture
def required(settings):
    settings.REQUIRE_2FA = required_2fa("superuser,Hiring manager,Question curator")


def test_someone_required_is_sent_to_enrol_before_any_other_page(client, required):
    harper = UserFactory(username="harper", role=roles.HIRING_MANAGER)
    client.force_login(harper)
    for url in (reverse("home"), reverse("candidate_list"), "/admin/"):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"] == reverse("mfa_index")
    page = client.get(reverse("mfa_index"))
    assert "Your role needs two-factor" in page.content.decode()
    # The probes and the pages of enrolling stay open.
    assert client.get(reverse("healthz")).status_code == 200
    assert client.get(reverse("account_reauthenticate")).status_code == 200
    with_totp(harper)
    assert client.get(reverse("question_sets")).status_code == 200


def test_signing_out_stays_open_to_someone_who_must_enrol(client, required):
    client.force_login(UserFactory(username="sam", is_superuser=True, is_staff=True))
    assert client.post(reverse("logout")).status_code == 302
    assert signed_in_as(client) is None


def test_roles_not_named_are_not_asked(client, required):
    client.force_login(UserFactory(username="ivy", role=roles.INTERVIEWER))
    assert client.get(reverse("question_sets")).status_code == 200


def test_nobody_is_asked_when_the_setting_is_empty(client, settings):
    settings.REQUIRE_2FA = required_2fa("")
    client.force_login(UserFactory(username="sam", is_superuser=True, is_staff=True))
    assert client.get(reverse("question_sets")).status_code == 200


def test_single_sign_on_people_are_not_asked_and_have_no_two_factor_pages(client, required):
    harper = UserFactory(username="harper", role=roles.HIRING_MANAGER)
    harper.set_unusable_password()
    harper.save()
    client.force_login(harper)
    session = client.session
    session[SSO_SESSION_KEY] = True
    session.save()
    assert client.get(reverse("question_sets")).status_code == 200
    assert client.get(reverse("mfa_index")).status_code == 404
    assert client.get(reverse("mfa_activate_totp")).status_code == 404


def test_someone_required_cannot_remove_their_last_second_factor(client, required):
    harper = with_totp(UserFactory(username="harper", role=roles.HIRING_MANAGER))
    password_step(client, "harper")
    client.post(reverse("mfa_authenticate"), {"code": totp_code(SECRET)})
    response = client.post(reverse("mfa_deactivate_totp"))
    assert response.status_code == 200
    assert "add another authenticator app or passkey" in response.content.decode()
    assert Authenticator.objects.filter(user=harper, type="totp").exists()


def test_someone_not_required_may_turn_two_factor_off(client, pat):
    password_step(client)
    client.post(reverse("mfa_authenticate"), {"code": totp_code(SECRET)})
    services.make_recovery_codes(user=pat)
    assert client.post(reverse("mfa_deactivate_totp"))["Location"] == reverse("mfa_index")
    assert not Authenticator.objects.filter(user=pat).exists()


@pytest.mark.parametrize(
    "value, names",
    [
        ("", frozenset()),
        (" superuser , Hiring manager,", frozenset({"superuser", "Hiring manager"})),
        ("Question curator", frozenset({"Question curator"})),
    ],
)
def test_the_setting_names_superusers_and_roles(value, names):
    assert required_2fa(value) == names


def test_the_setting_refuses_an_unknown_name():
    with pytest.raises(ImproperlyConfigured, match="'admins' unknown"):
        required_2fa("superuser,admins")


@pytest.mark.parametrize("answer", ["0", "false", '"x"', "[1]", "{}"])
def test_a_passkey_answer_that_is_not_an_object_adds_nothing(client, answer):
    UserFactory(username="ivy", role=roles.INTERVIEWER)
    password_step(client, "ivy")
    client.get(reverse("mfa_add_webauthn"))
    response = client.post(reverse("mfa_add_webauthn"), {"name": "key", "credential": answer})
    assert response.status_code == 200
    assert not Authenticator.objects.exists()


def test_the_admin_deletes_second_factors_and_never_shows_their_secrets(client, pat):
    client.force_login(UserFactory(username="root", is_staff=True, is_superuser=True))
    totp = Authenticator.objects.get(user=pat)
    listing = client.get(reverse("admin:mfa_authenticator_changelist"), {"q": "pat"})
    assert listing.status_code == 200
    page = client.get(reverse("admin:mfa_authenticator_change", args=[totp.pk]))
    assert page.status_code == 200
    assert SECRET not in page.content.decode()
    response = client.post(
        reverse("admin:mfa_authenticator_delete", args=[totp.pk]), {"post": "yes"}
    )
    assert response.status_code == 302
    assert not Authenticator.objects.filter(user=pat).exists()
    [event] = AuditEvent.objects.filter(action=AuditEvent.Action.SECOND_FACTOR_REMOVED)
    assert (event.actor_name, event.subject) == ("root", "pat")
    assert event.details == {"type": "totp", "user_id": pat.pk}


def test_removing_second_factors_in_bulk_is_audited_for_each(client, pat):
    other = UserFactory(username="quinn")
    with_totp(other)
    client.force_login(UserFactory(username="root", is_staff=True, is_superuser=True))
    response = client.post(
        reverse("admin:mfa_authenticator_changelist"),
        {
            "action": "delete_selected",
            "_selected_action": [a.pk for a in Authenticator.objects.all()],
            "post": "yes",
        },
    )
    assert response.status_code == 302
    assert not Authenticator.objects.exists()
    subjects = AuditEvent.objects.filter(
        action=AuditEvent.Action.SECOND_FACTOR_REMOVED
    ).values_list("subject", flat=True)
    assert sorted(subjects) == ["pat", "quinn"]


def test_the_navigation_links_two_factor_for_password_sessions_only(client):
    harper = UserFactory(username="harper", role=roles.HIRING_MANAGER)
    client.force_login(harper)
    assert 'href="/accounts/2fa/"' in client.get(reverse("question_sets")).content.decode()
    session = client.session
    session[SSO_SESSION_KEY] = True
    session.save()
    assert 'href="/accounts/2fa/"' not in client.get(reverse("question_sets")).content.decode()


def test_the_second_step_offers_a_passkey_only_to_someone_who_has_one(client, pat):
    password_step(client)
    assert "Use a passkey" not in client.get(reverse("mfa_authenticate")).content.decode()


def test_someone_required_may_remove_a_factor_while_another_remains(client, required):
    harper = with_totp(UserFactory(username="harper", role=roles.HIRING_MANAGER))
    # A passkey as allauth stores one (its credential is not used here).
    passkey = Authenticator.objects.create(user=harper, type="webauthn", data={"name": "Old"})
    password_step(client, "harper")
    client.post(reverse("mfa_authenticate"), {"code": totp_code(SECRET)})
    response = client.post(reverse("mfa_remove_webauthn", args=[passkey.pk]))
    assert response["Location"] == reverse("mfa_index")
    assert kinds_of(harper) == ["totp"]
    assert client.post(reverse("mfa_deactivate_totp")).status_code == 200
    assert kinds_of(harper) == ["totp"]


def kinds_of(user):
    return sorted(Authenticator.objects.filter(user=user).values_list("type", flat=True))
