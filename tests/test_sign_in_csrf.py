"""The page shown as a sign-in completes carries a CSRF token that the new session holds.

Completing a sign-in clears the session (nothing carried over); a token cached for the request before the clear
would go on that page's forms while the session held none, and the requests the page sets off at once (the offline
helper's first fetches) would each make a token of their own: a sign-out from the next page was answered 400.
"""

import re
from typing import Any

import pyotp
import pytest

from crm.models import Role
from tests.conftest import PASSWORD
from tests.sign_in_steps import DEFAULT_REQUIRED, shown_secret


@pytest.fixture
def app_config(app_config: dict[str, Any]) -> dict[str, Any]:
    return app_config | {"WTF_CSRF_ENABLED": True, "MFA_REQUIRED_ROLES": DEFAULT_REQUIRED}


def token_on(page: str) -> str:
    return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)


def test_the_recovery_codes_page_of_a_first_sign_in_signs_out_with_its_own_token(client, make_user):
    leader = make_user(Role.LEADER)
    page = client.get("/login").text
    started = client.post("/login", data={"username": leader.username, "password": PASSWORD,
                                          "csrf_token": token_on(page)})
    assert started.location == "/account/second-factor"
    page = client.get("/account/second-factor").text
    done = client.post("/account/second-factor", data={"code": pyotp.TOTP(shown_secret(page)).now(),
                                                       "csrf_token": token_on(page)})
    assert done.status_code == 200 and 'data-testid="recovery-codes"' in done.text
    out = client.post("/logout", data={"csrf_token": token_on(done.text)})
    assert out.status_code == 302, out.status_code


def test_the_first_page_after_a_password_sign_in_holds_the_sessions_token(client, make_user):
    member = make_user(Role.MEMBER)
    page = client.get("/login").text
    client.post("/login", data={"username": member.username, "password": PASSWORD, "csrf_token": token_on(page)})
    home = client.get("/")
    assert home.status_code == 200
    assert client.post("/logout", data={"csrf_token": token_on(home.text)}).status_code == 302
