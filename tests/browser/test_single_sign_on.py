"""Signing in through a real OpenID Connect provider (tests/oidc_provider/) with the browser:
Rubric's login page, the provider's, and back with the role the provider's groups map to."""

import pytest
from django.contrib.auth.models import User
from django.utils.csp import CSP
from playwright.sync_api import expect

from config import roles

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def provider(sso, settings, live_server):
    sso.register(f"{live_server.url}/accounts/oidc/sso/login/callback/")
    # As settings.py does when DJANGO_OIDC_ISSUER is set.
    settings.SECURE_CSP = {**settings.SECURE_CSP, "form-action": [CSP.SELF, sso.url]}
    return sso


def sign_in_at_provider(page, provider, username):
    page.wait_for_url(f"{provider.url}/login/**")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill("provider-pass")
    page.get_by_role("button", name="Sign in to the provider").click()


def test_signing_in_with_the_provider_brings_the_role_its_groups_map_to(
    live_server, page, provider
):
    page.set_default_timeout(10000)
    provider.person("olga", groups=["eng-managers"], email="olga@corp.example", name="Olga Berg")
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_role("button", name="Sign in with Test IdP").click()
    sign_in_at_provider(page, provider, "olga")

    page.wait_for_url(f"{live_server.url}/interviews/")
    expect(page.get_by_role("link", name="Interviews", exact=True)).to_be_visible()
    expect(page.get_by_text("Olga Berg")).to_be_visible()
    olga = User.objects.get(username="olga")
    assert list(olga.groups.values_list("name", flat=True)) == [roles.HIRING_MANAGER]
    assert (olga.is_staff, olga.is_superuser) == (False, False)

    # The provider moves Olga from the managers to the interviewers; she signs out and in
    # again (still signed in at the provider, so it sends her straight back).
    page.get_by_role("button", name="Log out").click()
    page.wait_for_url(f"{live_server.url}/accounts/login/")
    provider.person("olga", groups=["eng-interviewers"], email="olga@corp.example")
    page.get_by_role("button", name="Sign in with Test IdP").click()

    page.wait_for_url(f"{live_server.url}/interviews/mine/")
    expect(page.get_by_role("link", name="Interviews", exact=True)).to_have_count(0)
    assert list(olga.groups.values_list("name", flat=True)) == [roles.INTERVIEWER]
    assert User.objects.count() == 1


def test_a_person_whose_groups_map_to_no_role_is_told_so(live_server, page, provider):
    page.set_default_timeout(10000)
    provider.person("pia", groups=["marketing"], email="pia@corp.example")
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_role("button", name="Sign in with Test IdP").click()
    sign_in_at_provider(page, provider, "pia")

    page.wait_for_url(f"{live_server.url}/accounts/no-role/")
    expect(page.get_by_role("heading")).to_have_text("You have no role in Rubric yet")
    page.goto(f"{live_server.url}/questions/")
    page.wait_for_url(f"{live_server.url}/accounts/no-role/")
    assert User.objects.get(username="pia").groups.count() == 0


def test_a_refused_token_shows_a_clear_page_and_signs_nobody_in(live_server, page, provider):
    page.set_default_timeout(10000)
    provider.person("quinn", groups=["eng-interviewers"], email="quinn@corp.example")
    provider.control(fault="signature")
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_role("button", name="Sign in with Test IdP").click()
    sign_in_at_provider(page, provider, "quinn")

    expect(page.get_by_role("heading", name="You are not signed in")).to_be_visible()
    expect(page.get_by_role("alert")).to_have_text(
        "Signing in with your identity provider did not work. Please try again."
    )
    assert User.objects.count() == 0
