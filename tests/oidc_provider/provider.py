"""The provider's people and its faults. Tests set them through /control/ (a test-only
endpoint): who exists with which groups and email, and which fault the next ID tokens
carry (a wrong audience, issuer or signature, no groups claim)."""

import json

from django.contrib.auth import authenticate, login
from django.contrib.auth.models import User
from django.http import HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.csrf import csrf_exempt
from jwcrypto import jwk, jwt
from oauth2_provider.models import Application
from oauth2_provider.oauth2_validators import OAuth2Validator

from .settings import new_rsa_key

# username -> {"groups": [...] or absent, "email": ..., "email_verified": ..., "name": ...}
PEOPLE: dict[str, dict] = {}
STATE = {"fault": ""}
ROGUE_KEY = jwk.JWK.from_pem(new_rsa_key().encode())


class Validator(OAuth2Validator):
    oidc_claim_scope = None  # every claim in both the ID token and userinfo

    def get_additional_claims(self, request):
        person = PEOPLE.get(request.user.username, {})
        claims = {
            "preferred_username": request.user.username,
            "name": person.get("name", request.user.username),
        }
        if "email" in person:
            claims["email"] = person["email"]
            claims["email_verified"] = person.get("email_verified", True)
        if "groups" in person and STATE["fault"] != "no_groups":
            claims["groups"] = person["groups"]
        return claims

    def finalize_id_token(self, id_token, token, token_handler, request):
        fault = STATE["fault"]
        if fault not in ("audience", "issuer", "signature"):
            return super().finalize_id_token(id_token, token, token_handler, request)
        claims, expiration_time = self.get_id_token_dictionary(token, token_handler, request)
        id_token.update(**claims)
        if "nonce" not in id_token and request.nonce:
            id_token["nonce"] = request.nonce
        if fault == "audience":
            id_token["aud"] = "another-client"
        if fault == "issuer":
            id_token["iss"] = "http://issuer.invalid/o"
        header = {"typ": "JWT", "alg": "RS256", "kid": request.client.jwk_key.thumbprint()}
        signed = jwt.JWT(header=json.dumps(header), claims=json.dumps(id_token, default=str))
        signed.make_signed_token(ROGUE_KEY if fault == "signature" else request.client.jwk_key)
        saved = self._save_id_token(id_token["jti"], request, expiration_time)
        request.access_token = saved
        request.id_token = saved
        return signed.serialize()


@csrf_exempt
def control(request):
    """POST JSON: {"client": {...}} registers Rubric, {"person": {...}} adds or changes
    someone, {"fault": "..."} sets the fault ("" for none)."""
    body = json.loads(request.body)
    if client := body.get("client"):
        Application.objects.update_or_create(
            client_id=client["client_id"],
            defaults={
                "name": "Rubric",
                "client_secret": client["client_secret"],
                "client_type": Application.CLIENT_CONFIDENTIAL,
                "authorization_grant_type": Application.GRANT_AUTHORIZATION_CODE,
                "redirect_uris": " ".join(client["redirect_uris"]),
                "algorithm": Application.RS256_ALGORITHM,
                "skip_authorization": True,
            },
        )
    if person := body.get("person"):
        user, created = User.objects.get_or_create(username=person["username"])
        if created:  # a new password would end the person's session at the provider
            user.set_password(person["password"])
            user.save()
        PEOPLE[user.username] = {
            key: value for key, value in person.items() if key not in ("username", "password")
        }
    if "fault" in body:
        STATE["fault"] = body["fault"]
    return JsonResponse({"ok": True})


@csrf_exempt
def sign_in(request):
    """The provider's own login page (no CSRF: a test-only provider)."""
    next_url = request.POST.get("next") or request.GET.get("next") or "/"
    error = ""
    if request.method == "POST":
        user = authenticate(
            request, username=request.POST.get("username"), password=request.POST.get("password")
        )
        if user is not None:
            login(request, user)
            if url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
                return HttpResponseRedirect(next_url)
            return HttpResponse("Signed in.")
        error = "Wrong username or password."
    return render(request, "provider_login.html", {"next": next_url, "error": error})
