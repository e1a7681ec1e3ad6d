"""Steps of the two-factor sign-in as a person takes them, shared by its tests."""

import re
import time
from dataclasses import dataclass

import pyotp
from flask.testing import FlaskClient

from crm.access.rights import RIGHTS
from crm.config import Config
from crm.models import Role
from tests.conftest import PASSWORD

DEFAULT_REQUIRED = list(Config.MFA_REQUIRED_ROLES)  # the shipped setting, not the tests' empty one


def users_manager() -> Role:
    """The role that manages accounts and resets second factors (the security administrator, 三员分立)."""
    return next(role for role in Role if role in RIGHTS["users.manage"])


@dataclass
class Enrolled:
    secret: str
    recovery_codes: list[str]

    def code(self, steps_ahead: int = 0) -> str:
        """The app's code now, or for a later time step (within the accepted window of one)."""
        return pyotp.TOTP(self.secret).at(time.time() + 30 * steps_ahead)


def shown_secret(page: str) -> str:
    found = re.search(r'data-testid="otp-secret">([A-Z2-7 ]+)<', page)
    assert found, page
    return found.group(1).replace(" ", "")


def shown_recovery_codes(page: str) -> list[str]:
    block = page.split('data-testid="recovery-codes"', 1)[1].split("</ol>", 1)[0]
    return re.findall(r"<code>([a-z0-9-]+)</code>", block)


def enrol(client: FlaskClient) -> Enrolled:
    """Open the enrolment page, type the code the shown secret gives, and keep the recovery codes shown."""
    page = client.get("/account/second-factor")
    assert page.status_code == 200, page.text
    secret = shown_secret(page.text)
    done = client.post("/account/second-factor", data={"code": pyotp.TOTP(secret).now()})
    assert done.status_code == 200, done.text
    return Enrolled(secret, shown_recovery_codes(done.text))


def sign_in_with_password(client: FlaskClient, username: str, password: str = PASSWORD):
    return client.post("/login", data={"username": username, "password": password})


def sign_in_with_code(client: FlaskClient, username: str, code: str):
    """Password, then the code; returns the answer to the code."""
    first = sign_in_with_password(client, username)
    assert first.status_code == 302 and first.location == "/login/code", (first.status_code, first.location)
    return client.post("/login/code", data={"code": code})
