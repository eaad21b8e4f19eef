"""Reading the provider's claims into roles (the flows are in test_sso.py)."""

import pytest

from accounts.sso import Refused, claims_of, roles_for
from config import roles

MAPPING = {
    roles.INTERVIEWER: {"eng-interviewers", "design-interviewers"},
    roles.HIRING_MANAGER: {"eng-managers"},
}


@pytest.fixture(autouse=True)
def mapping(settings):
    settings.OIDC_ROLES = MAPPING
    settings.OIDC_GROUPS_CLAIM = "groups"


@pytest.mark.parametrize(
    ("groups", "expected"),
    [
        (["design-interviewers"], {roles.INTERVIEWER}),
        (["eng-managers", "eng-interviewers", "x"], {roles.INTERVIEWER, roles.HIRING_MANAGER}),
        ("eng-managers", {roles.HIRING_MANAGER}),
        ([], set()),
        (["ENG-MANAGERS"], set()),  # group names are matched exactly
    ],
)
def test_groups_map_to_roles(groups, expected):
    assert roles_for({"groups": groups}) == expected


@pytest.mark.parametrize("verified", [True, "true"])
def test_a_verified_email_is_accepted(verified):
    assert roles_for({"email": "a@b.c", "email_verified": verified, "groups": []}) == set()


@pytest.mark.parametrize("claims", [{}, {"groups": None}, {"groups": [1, 2]}, {"groups": {}}])
def test_groups_that_are_missing_or_not_strings_are_refused(claims):
    with pytest.raises(Refused) as refused:
        roles_for(claims)
    assert refused.value.reason == "missing_groups"


@pytest.mark.parametrize("verified", [False, "false", None, 1])
def test_an_unverified_email_is_refused(verified):
    with pytest.raises(Refused) as refused:
        roles_for({"email": "a@b.c", "email_verified": verified, "groups": ["eng-managers"]})
    assert refused.value.reason == "unverified_email"


def test_userinfo_claims_are_read_over_the_id_token_s():
    extra = {"id_token": {"sub": "1", "groups": ["a"]}, "userinfo": {"groups": ["b"]}}
    assert claims_of(extra) == {"sub": "1", "groups": ["b"]}


def test_another_groups_claim_can_be_named(settings):
    settings.OIDC_GROUPS_CLAIM = "roles"
    assert roles_for({"roles": ["eng-managers"], "groups": []}) == {roles.HIRING_MANAGER}
