"""Single sign-on against a real OpenID Connect provider (tests/oidc_provider/)."""

from urllib.parse import parse_qs, urlsplit

import pytest
from allauth.socialaccount.models import SocialAccount
from django.contrib.auth.models import Group, User
from django.test import Client
from django.urls import reverse

from api.models import ApiToken, create_token
from audit.models import AuditEvent
from config import roles
from questions.tests.factories import UserFactory

from .flows import CALLBACK, at_provider, back_at_rubric, sign_in, to_provider

pytestmark = pytest.mark.django_db


@pytest.fixture
def provider(sso):
    sso.register(CALLBACK)
    return sso


def signed_in_user(client):
    user_id = client.session.get("_auth_user_id")
    return User.objects.get(pk=user_id) if user_id else None


def groups_of(user):
    return sorted(user.groups.values_list("name", flat=True))


def test_the_button_sends_the_browser_to_the_provider_with_pkce_and_state(client, provider):
    query = parse_qs(urlsplit(to_provider(client)).query)
    assert query["response_type"] == ["code"]
    assert query["code_challenge_method"] == ["S256"]
    assert len(query["code_challenge"][0]) == 43
    assert len(query["state"][0]) >= 12
    assert sorted(query["scope"][0].split()) == ["email", "openid", "profile"]
    assert query["client_id"] == ["rubric-tests"]


def test_a_first_sign_in_makes_an_account_with_the_mapped_roles_and_no_staff(client, provider):
    provider.person(
        "alice", groups=["eng-managers", "all-staff"], email="alice@corp.example", name="Alice Ng"
    )
    response = sign_in(client, provider, "alice")
    assert response.status_code == 302
    assert response["Location"] == reverse("home")
    user = signed_in_user(client)
    assert (user.username, user.email, user.first_name, user.last_name) == (
        "alice",
        "alice@corp.example",
        "Alice",
        "Ng",
    )
    assert groups_of(user) == [roles.HIRING_MANAGER]
    assert (user.is_staff, user.is_superuser, user.has_usable_password()) == (False, False, False)
    account = SocialAccount.objects.get(user=user)
    assert (account.provider, account.uid) == ("sso", account.extra_data["id_token"]["sub"])
    event = AuditEvent.objects.get()
    assert (event.action, event.actor_name, event.subject) == (
        "role_changed",
        "system",
        f"User #{user.pk} (alice)",
    )
    assert event.details == {
        "before": {"groups": []},
        "after": {"groups": [roles.HIRING_MANAGER]},
        "by": "sso",
    }
    assert client.get(reverse("interview_list")).status_code == 200


def test_every_sign_in_adds_and_removes_roles_as_the_groups_say(client, provider):
    provider.person("bob", groups=["eng-interviewers", "bank-editors"], email="bob@corp.example")
    sign_in(client, provider, "bob")
    user = signed_in_user(client)
    assert groups_of(user) == [roles.INTERVIEWER, roles.QUESTION_CURATOR]
    client.post(reverse("logout"))

    provider.person("bob", groups=["eng-interviewers"], email="bob@corp.example")
    sign_in(client, provider, "bob")
    assert signed_in_user(client) == user
    assert User.objects.count() == 1
    assert groups_of(user) == [roles.INTERVIEWER]
    latest = AuditEvent.objects.filter(action="role_changed").first()
    assert latest.details["before"] == {"groups": [roles.INTERVIEWER, roles.QUESTION_CURATOR]}
    assert latest.details["after"] == {"groups": [roles.INTERVIEWER]}
    assert AuditEvent.objects.count() == 2

    client.post(reverse("logout"))
    sign_in(client, provider, "bob")  # nothing changed: nothing recorded
    assert AuditEvent.objects.count() == 2


def test_a_role_not_in_the_mapping_is_left_to_the_admins(client, provider, settings):
    settings.OIDC_ROLES = {roles.INTERVIEWER: {"eng-interviewers"}}
    provider.person("cleo", groups=["eng-interviewers"], email="cleo@corp.example")
    sign_in(client, provider, "cleo")
    user = signed_in_user(client)
    user.groups.add(*roles_named(roles.HIRING_MANAGER))
    client.post(reverse("logout"))
    sign_in(client, provider, "cleo")
    assert groups_of(user) == [roles.HIRING_MANAGER, roles.INTERVIEWER]


def roles_named(*names):
    return Group.objects.filter(name__in=names)


def test_an_existing_account_with_the_same_email_is_never_taken_over(client, provider):
    victim = UserFactory(username="victim", email="boss@corp.example", role=roles.HIRING_MANAGER)
    provider.person("mallory", groups=["eng-interviewers"], email="boss@corp.example")
    sign_in(client, provider, "mallory")
    user = signed_in_user(client)
    assert user != victim
    assert groups_of(user) == [roles.INTERVIEWER]
    assert SocialAccount.objects.filter(user=victim).exists() is False
    assert groups_of(victim) == [roles.HIRING_MANAGER]


def test_someone_whose_groups_map_to_no_role_reaches_only_the_page_saying_so(client, provider):
    provider.person("dana", groups=["marketing"], email="dana@corp.example")
    response = sign_in(client, provider, "dana")
    assert response.status_code == 302
    assert signed_in_user(client).username == "dana"
    for name in ("home", "question_sets", "tokens", "my_interviews"):
        response = client.get(reverse(name))
        assert (response.status_code, response["Location"]) == (302, reverse("no_role"))
    page = client.get(reverse("no_role"))
    assert page.status_code == 200
    assert "You have no role in Rubric yet" in page.content.decode()
    assert client.post(reverse("logout")).status_code == 302
    assert signed_in_user(client) is None


def test_losing_every_role_at_the_provider_revokes_the_api_tokens(client, provider):
    provider.person("nia", groups=["eng-interviewers"], email="nia@corp.example")
    sign_in(client, provider, "nia")
    user = signed_in_user(client)
    secret = create_token(user=user, name="laptop")[1]
    api = Client(headers={"Authorization": f"Bearer {secret}"})
    assert api.get(reverse("api_question_sets")).status_code == 200
    client.post(reverse("logout"))
    provider.person("nia", groups=["marketing"], email="nia@corp.example")
    sign_in(client, provider, "nia")
    assert groups_of(user) == []
    assert api.get(reverse("api_question_sets")).status_code == 401
    assert ApiToken.objects.get(user=user).is_revoked is True


def test_roles_removed_by_an_admin_take_effect_at_the_next_request(client, provider):
    provider.person("eve", groups=["eng-interviewers"], email="eve@corp.example")
    sign_in(client, provider, "eve")
    assert client.get(reverse("my_interviews")).status_code == 200
    signed_in_user(client).groups.clear()
    assert client.get(reverse("my_interviews"))["Location"] == reverse("no_role")


def refused(response, message):
    assert response.status_code == 400
    assert message in response.content.decode()


@pytest.mark.parametrize(
    ("fault", "reason"),
    [("audience", "unknown"), ("issuer", "unknown"), ("signature", "unknown")],
)
def test_an_id_token_with_a_wrong_audience_issuer_or_signature_signs_nobody_in(
    client, provider, fault, reason
):
    provider.person("finn", groups=["eng-interviewers"], email="finn@corp.example")
    provider.control(fault=fault)
    response = sign_in(client, provider, "finn")
    refused(response, "Signing in with your identity provider did not work.")
    assert signed_in_user(client) is None
    assert User.objects.count() == 0
    assert SocialAccount.objects.count() == 0
    event = AuditEvent.objects.get()
    assert (event.action, event.details["reason"]) == ("sign_in_refused", reason)
    assert event.details["detail"] == "Invalid id_token"


def test_a_missing_groups_claim_signs_nobody_in(client, provider):
    provider.person("gus", groups=["eng-interviewers"], email="gus@corp.example")
    provider.control(fault="no_groups")
    refused(sign_in(client, provider, "gus"), "sent no “groups” claim")
    assert (signed_in_user(client), User.objects.count()) == (None, 0)
    assert AuditEvent.objects.get().details == {"reason": "missing_groups", "detail": ""}


def test_a_missing_groups_claim_keeps_an_existing_user_s_roles(client, provider):
    provider.person("hal", groups=["eng-managers"], email="hal@corp.example")
    sign_in(client, provider, "hal")
    user = signed_in_user(client)
    client.post(reverse("logout"))
    provider.control(fault="no_groups")
    refused(sign_in(client, provider, "hal"), "sent no “groups” claim")
    assert signed_in_user(client) is None
    assert groups_of(user) == [roles.HIRING_MANAGER]


def test_an_unverified_email_signs_nobody_in(client, provider):
    provider.person("ivy", groups=["eng-interviewers"], email="ivy@corp.example", verified=False)
    refused(sign_in(client, provider, "ivy"), "has not verified your email")
    assert (signed_in_user(client), User.objects.count()) == (None, 0)
    assert AuditEvent.objects.get().details["reason"] == "unverified_email"


def test_a_forged_state_signs_nobody_in(client, provider):
    provider.person("jon", groups=["eng-interviewers"], email="jon@corp.example")
    callback = at_provider(provider, to_provider(client), "jon")
    forged = callback.replace("state=", "state=forged")
    refused(back_at_rubric(client, forged), "did not work")
    assert (signed_in_user(client), User.objects.count()) == (None, 0)
    assert AuditEvent.objects.get().action == "sign_in_refused"


def test_a_callback_from_another_browser_signs_nobody_in(client, provider):
    """The state lives in the session that pressed the button: a link sent to someone else
    (login CSRF) does not sign them in."""
    provider.person("kim", groups=["eng-interviewers"], email="kim@corp.example")
    callback = at_provider(provider, to_provider(client), "kim")
    other = Client()
    refused(back_at_rubric(other, callback), "did not work")
    assert (signed_in_user(other), User.objects.count()) == (None, 0)


def test_a_replayed_code_signs_nobody_in(client, provider):
    provider.person("lee", groups=["eng-interviewers"], email="lee@corp.example")
    callback = at_provider(provider, to_provider(client), "lee")
    assert back_at_rubric(client, callback).status_code == 302
    client.post(reverse("logout"))
    refused(back_at_rubric(client, callback), "did not work")
    assert signed_in_user(client) is None


def test_a_deactivated_account_is_refused_and_loses_its_session(client, provider):
    provider.person("max", groups=["eng-interviewers"], email="max@corp.example")
    sign_in(client, provider, "max")
    user = signed_in_user(client)
    User.objects.filter(pk=user.pk).update(is_active=False)
    response = client.get(reverse("my_interviews"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    refused(sign_in(client, provider, "max"), "has been deactivated")
    assert client.get(reverse("my_interviews"))["Location"].startswith(reverse("login"))


def test_a_cancelled_sign_in_says_so(client, provider):
    to_provider(client)
    state = client.session["socialaccount_states"]
    state_id = next(iter(state))
    refused(
        client.get(CALLBACK, {"state": state_id, "error": "access_denied"}),
        "You cancelled signing in",
    )


def test_an_unreachable_provider_is_a_clear_page(client, settings, sso):
    settings.SOCIALACCOUNT_PROVIDERS["openid_connect"]["APPS"][0]["settings"]["server_url"] = (
        "http://127.0.0.1:9/o"
    )
    response = client.post(reverse("openid_connect_login", kwargs={"provider_id": "sso"}))
    assert response.status_code == 503
    assert "The identity provider did not answer" in response.content.decode()
