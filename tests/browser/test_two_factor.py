"""Two-factor with the browser: an authenticator app (its codes computed here, as the app
would), recovery codes shown once and each used once, and a passkey made and used by
Chromium's virtual authenticator. The database is checked after each step, and axe-core
checks the pages."""

import re
import time

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, hotp_value
from django.core.cache import cache
from playwright.sync_api import expect

from accounts import services
from config import roles
from questions.tests.factories import UserFactory
from tests.browser.test_result_pages_ui import axe_violations

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def ivy(settings):
    # live_server answers on http://localhost, a secure context for browsers, whose host
    # name is the passkeys' relying party; fido2 wants https unless told otherwise.
    settings.MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = True
    # A code from the next period is accepted too, so that signing in again does not wait
    # for the code used to turn the app on to change (a used code is refused).
    settings.MFA_TOTP_TOLERANCE = 1
    cache.clear()
    return UserFactory(username="ivy", role=roles.INTERVIEWER)


def kinds(user):
    return sorted(Authenticator.objects.filter(user=user).values_list("type", flat=True))


def totp_code(secret, step=0):
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30 + step))


def password_step(page, live_server, user):
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Username").fill(user.username)
    page.get_by_label("Password").fill("secret")
    page.get_by_role("button", name="Log in").click()


def sign_out(page, live_server):
    page.get_by_role("button", name="Log out").click()
    page.wait_for_url(f"{live_server.url}/accounts/login/")


def second_step_with_code(page, live_server, code):
    page.wait_for_url(f"{live_server.url}/accounts/2fa/authenticate/")
    page.get_by_label("Code from your app, or a recovery code").fill(code)
    page.get_by_role("button", name="Sign in").click()


def test_an_authenticator_app_and_recovery_codes(live_server, page, ivy):
    page.set_default_timeout(10000)
    password_step(page, live_server, ivy)
    page.wait_for_url(f"{live_server.url}/interviews/mine/")
    page.get_by_role("link", name="Two-factor").click()
    page.get_by_role("link", name="Set up an app").click()
    secret = page.locator("#authenticator_secret").input_value()
    assert re.fullmatch(r"[A-Z2-7]{32}", secret)
    assert kinds(ivy) == []
    page.get_by_label("Authenticator code").fill(totp_code(secret))
    page.get_by_role("button", name="Turn on").click()

    page.wait_for_url(f"{live_server.url}/accounts/2fa/recovery-codes/")
    assert kinds(ivy) == ["totp"]
    page.get_by_role("button", name="Make recovery codes").click()
    expect(page.locator("#recovery-codes li")).to_have_count(10)
    codes = page.locator("#recovery-codes li").all_inner_texts()
    assert kinds(ivy) == ["recovery_codes", "totp"]
    stored = str(Authenticator.objects.get(user=ivy, type="recovery_codes").data)
    assert not any(code in stored or code.replace("-", "") in stored for code in codes)
    page.get_by_role("link", name="I have kept them").click()
    expect(page.get_by_text("On: a code from your app is asked when you sign in.")).to_be_visible()

    # Signing in again asks for a code after the password.
    sign_out(page, live_server)
    password_step(page, live_server, ivy)
    second_step_with_code(page, live_server, totp_code(secret, step=1))
    page.wait_for_url(f"{live_server.url}/interviews/mine/")
    assert Authenticator.objects.get(user=ivy, type="totp").last_used_at is not None

    # A recovery code signs in once.
    sign_out(page, live_server)
    password_step(page, live_server, ivy)
    second_step_with_code(page, live_server, codes[0])
    page.wait_for_url(f"{live_server.url}/interviews/mine/")
    assert len(Authenticator.objects.get(user=ivy, type="recovery_codes").data["digests"]) == 9

    sign_out(page, live_server)
    password_step(page, live_server, ivy)
    second_step_with_code(page, live_server, codes[0])
    expect(page.get_by_text("That code is not right")).to_be_visible()
    assert page.url == f"{live_server.url}/accounts/2fa/authenticate/"
    assert len(Authenticator.objects.get(user=ivy, type="recovery_codes").data["digests"]) == 9
    # The next code still works.
    second_step_with_code(page, live_server, codes[1])
    page.wait_for_url(f"{live_server.url}/interviews/mine/")
    assert services.use_recovery_code(user=ivy, code=codes[1]) is None


def test_a_passkey(live_server, page, ivy):
    page.set_default_timeout(10000)
    cdp = page.context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    cdp.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "internal",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": True,
            }
        },
    )
    password_step(page, live_server, ivy)
    page.wait_for_url(f"{live_server.url}/interviews/mine/")
    page.goto(f"{live_server.url}/accounts/2fa/")
    page.get_by_role("link", name="Add a passkey").click()
    page.get_by_label("Name").fill("Laptop")
    page.get_by_role("button", name="Add").click()

    page.wait_for_url(f"{live_server.url}/accounts/2fa/recovery-codes/")
    passkey = Authenticator.objects.get(user=ivy, type="webauthn")
    assert passkey.wrap().name == "Laptop"
    assert passkey.last_used_at is None
    page.goto(f"{live_server.url}/accounts/2fa/")
    expect(page.locator("#passkeys")).to_contain_text("Laptop")

    sign_out(page, live_server)
    password_step(page, live_server, ivy)
    page.wait_for_url(f"{live_server.url}/accounts/2fa/authenticate/")
    page.get_by_role("button", name="Use a passkey").click()
    page.wait_for_url(f"{live_server.url}/interviews/mine/")
    expect(page.get_by_role("button", name="Log out")).to_be_visible()
    passkey.refresh_from_db()
    assert passkey.last_used_at is not None
    assert kinds(ivy) == ["webauthn"]


def test_the_two_factor_pages_pass_axe(live_server, browser, ivy):
    context = browser.new_context(base_url=live_server.url, bypass_csp=True)  # CSP: for axe
    context.set_default_timeout(10000)
    page = context.new_page()
    password_step(page, live_server, ivy)
    page.wait_for_url(f"{live_server.url}/interviews/mine/")
    for url in ["/accounts/2fa/", "/accounts/2fa/totp/activate/", "/accounts/2fa/passkeys/add/"]:
        page.goto(url)
        assert (url, axe_violations(page)) == (url, [])
    TOTP.activate(ivy, "JBSWY3DPEHPK3PXP")
    for url in ["/accounts/2fa/recovery-codes/", "/accounts/2fa/totp/deactivate/"]:
        page.goto(url)
        assert (url, axe_violations(page)) == (url, [])
    sign_out(page, live_server)
    password_step(page, live_server, ivy)
    page.wait_for_url(f"{live_server.url}/accounts/2fa/authenticate/")
    assert axe_violations(page) == []
    context.close()
