"""The sign-in throttle: budgets of failures that a guesser can neither spend for someone else nor earn back.

Every attempt is kept (LoginAttempt: when, the username, the address, success, the device cookie it carried).
An attempt waits (429, with the seconds) while one of three budgets is spent. Each counts failures in a sliding
window, and a success gives none back:

1. the address: LOGIN_ADDRESS_FAILURES failures in LOGIN_FAILURE_WINDOW, and LOGIN_ADDRESS_DAILY_FAILURES in 24
   hours, whatever accounts they named; it waits until enough of them have left the window;
2. the account from this address: LOGIN_FAILURES_BEFORE_WAIT failures in the window, then LOGIN_WAIT, doubling
   with each further failure up to LOGIN_WAIT_MAX;
3. the account: LOGIN_ACCOUNT_FAILURES failures in the window, from anywhere, then the same growing wait; it
   holds up only strangers to the account (below).

What is known to an account is not held up by failures made elsewhere (OWASP's "device cookies"):
- a browser that signed in to the account carries a signed device cookie naming it (crm/auth/devices.py); an
  attempt for that account with the cookie skips all three budgets. Its own failures are limited instead
  (LOGIN_DEVICE_FAILURES in the window, after which the cookie counts for nothing), so a stolen cookie is no
  licence to guess;
- an address that signed in to the account within LOGIN_KNOWN_ADDRESS_FOR skips budget 3 (1 and 2 still count
  the failures made there).

So one address gets at most LOGIN_ADDRESS_FAILURES guesses per window however it spreads them and whatever it
signs in to meanwhile; a guesser can hold up only strangers to an account, never its user on their own device or
usual address.
"""

import math
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from flask import current_app
from sqlalchemy import ColumnElement, exists, func, select

from ..extensions import db
from ..models import LoginAttempt

DAY = timedelta(days=1)


class LoginThrottled(Exception):
    """Too many recent failures for this address or account; seconds says how long to wait."""

    def __init__(self, seconds: int) -> None:
        super().__init__(seconds)
        self.seconds = seconds


@dataclass(frozen=True)
class Origin:
    """Where an attempt comes from, as the throttle sees it for the account it names."""

    address: str
    device: str | None  # the nonce of a device cookie that vouches for the account and is still trusted
    known: bool  # that device, or the address, signed in to the account before


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)  # SQLite gives back naive UTC


def _failures(*where: ColumnElement[bool], since: datetime) -> tuple[int, datetime | None]:
    """Count the failures matching where since the window opened, and return the time of the last."""
    count, last = db.session.execute(
        select(func.count(), func.max(LoginAttempt.at))
        .where(*where, LoginAttempt.success.is_(False), LoginAttempt.at > since)).one()
    return count, _aware(last) if last is not None else None


def _budget_wait(*where: ColumnElement[bool], budget: int, window: timedelta, now: datetime) -> timedelta:
    """How long until fewer than budget failures matching where are inside the sliding window."""
    oldest_counted = db.session.scalar(
        select(LoginAttempt.at).where(*where, LoginAttempt.success.is_(False), LoginAttempt.at > now - window)
        .order_by(LoginAttempt.at.desc()).offset(budget - 1).limit(1))
    return _aware(oldest_counted) + window - now if oldest_counted is not None else timedelta(0)


def _growing_wait(*where: ColumnElement[bool], allowed: int, now: datetime) -> timedelta:
    """The wait after allowed failures matching where in the window: LOGIN_WAIT, doubling, up to LOGIN_WAIT_MAX."""
    cfg = current_app.config
    count, last = _failures(*where, since=now - cfg["LOGIN_FAILURE_WINDOW"])
    if count < allowed or last is None:
        return timedelta(0)
    return last + min(cfg["LOGIN_WAIT"] * 2 ** (count - allowed), cfg["LOGIN_WAIT_MAX"]) - now


def device_trusted(device: str, now: datetime) -> bool:
    """Whether a device cookie still counts: fewer than LOGIN_DEVICE_FAILURES failures with it in the window."""
    cfg = current_app.config
    count, _ = _failures(LoginAttempt.device == device, since=now - cfg["LOGIN_FAILURE_WINDOW"])
    return count < cfg["LOGIN_DEVICE_FAILURES"]


def address_known(username: str, address: str, now: datetime) -> bool:
    """Whether the address signed in to the account within LOGIN_KNOWN_ADDRESS_FOR."""
    since = now - current_app.config["LOGIN_KNOWN_ADDRESS_FOR"]
    return bool(db.session.scalar(select(exists().where(
        LoginAttempt.username == username, LoginAttempt.address == address, LoginAttempt.success.is_(True),
        LoginAttempt.at > since))))


def origin_of(username: str, address: str, device: str | None, now: datetime) -> Origin:
    """Size up an attempt: its device cookie's nonce (when it vouches for this account) and whether it is known."""
    trusted = device if device and device_trusted(device, now) else None
    return Origin(address=address, device=trusted,
                  known=trusted is not None or address_known(username, address, now))


def seconds_to_wait(username: str, origin: Origin, now: datetime) -> int:
    """Return the seconds before an attempt for this account from this origin may be made (0: now)."""
    if origin.device is not None:
        return 0
    cfg = current_app.config
    from_address = LoginAttempt.address == origin.address
    waits = [
        _budget_wait(from_address, budget=cfg["LOGIN_ADDRESS_FAILURES"], window=cfg["LOGIN_FAILURE_WINDOW"],
                     now=now),
        _budget_wait(from_address, budget=cfg["LOGIN_ADDRESS_DAILY_FAILURES"], window=DAY, now=now),
        _growing_wait(LoginAttempt.username == username, from_address, allowed=cfg["LOGIN_FAILURES_BEFORE_WAIT"],
                      now=now),
    ]
    if not origin.known:
        waits.append(_growing_wait(LoginAttempt.username == username, allowed=cfg["LOGIN_ACCOUNT_FAILURES"],
                                   now=now))
    return max(0, math.ceil(max(waits).total_seconds()))


def wait_remaining(username: str, address: str, now: datetime, *, device: str | None = None) -> int:
    """Return the seconds before this account may be tried from this address (and device cookie nonce)."""
    return seconds_to_wait(username, origin_of(username, address, device, now), now)
