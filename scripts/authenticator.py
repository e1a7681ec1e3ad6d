"""The authenticator app of the scripts' simulated users: each account's TOTP secret, and codes from it.

A role that must sign in with a second factor (MFA_REQUIRED_ROLES) enrols on its first sign-in through the
enrolment page, as a person does: the secret is read from the page (where a person types it in by hand) and
the first code confirms it. The app accepts each time step's code once, so users who share an account sign in
one at a time (`account`), each with a step not used yet: one step ahead of now is within what the app allows
for a phone's clock (crm.auth.second_factor.WINDOW); beyond that the sign-in waits for the step to come.
"""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

import pyotp

STEP_SECONDS = 30  # RFC 6238's time step, as the app counts it
AHEAD = 1  # steps ahead of now the app accepts
SECRET_ON_PAGE = re.compile(rb'data-testid="otp-secret">([A-Z2-7 ]+)<')


class Authenticator:
    """The secrets of the accounts enrolled so far, the last step used on each, a lock per account."""

    def __init__(self) -> None:
        self.secrets: dict[str, str] = {}
        self.used: dict[str, int] = {}
        self._locks: dict[str, threading.Lock] = {}
        self._guard = threading.Lock()

    @contextmanager
    def account(self, username: str) -> Iterator[None]:
        """One sign-in to the account at a time: its enrolment, or its code, is the only one in flight."""
        with self._guard:
            lock = self._locks.setdefault(username, threading.Lock())
        with lock:
            yield

    def enrol(self, username: str, page: bytes) -> str:
        """Keep the secret the enrolment page shows; the first code, to confirm it."""
        found = SECRET_ON_PAGE.search(page)
        if not found:
            raise ValueError(f"the enrolment page of {username} shows no secret")
        self.secrets[username] = found.group(1).decode().replace(" ", "")
        return self.code(username)

    def code(self, username: str) -> str:
        """The code of the account's next unused step (call it within `account`)."""
        now = int(time.time()) // STEP_SECONDS
        step = max(now, self.used.get(username, now - 1) + 1)
        if step > now + AHEAD:  # more sign-ins to this account than steps: wait for the step to come near
            time.sleep(max(0.0, (step - AHEAD) * STEP_SECONDS - time.time()) + 0.05)
        self.used[username] = step
        return pyotp.TOTP(self.secrets[username]).generate_otp(step)
