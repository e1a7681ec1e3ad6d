"""A real Chromium, phone-sized, sets up an authenticator app and signs in with a code from it."""

import time
from collections.abc import Callable
from typing import Any

import pyotp
import pytest

from crm.models import Role
from tests.plugins.browser import STATIC_FILE_LEFT_OPEN, fits_width, open_menu, sign_in
from tests.sign_in_steps import DEFAULT_REQUIRED

pytestmark = [pytest.mark.browser, pytest.mark.filterwarnings(STATIC_FILE_LEFT_OPEN)]


@pytest.fixture
def app_config(app_config: dict[str, Any]) -> dict[str, Any]:
    """Real forms with CSRF on, and the shipped list of roles that must use a second factor."""
    return app_config | {"WTF_CSRF_ENABLED": True, "MFA_REQUIRED_ROLES": DEFAULT_REQUIRED}


def test_a_leader_enrols_at_first_sign_in_then_signs_in_with_a_code(phone: Any, console_errors: list[str],
                                                                    account: Callable[..., str]) -> None:
    from playwright.sync_api import expect

    leader = account(Role.LEADER)
    phone.goto("/login")
    sign_in(phone, leader)
    assert phone.url.endswith("/account/second-factor")
    qr = phone.get_by_role("img", name="身份验证器二维码")
    expect(qr).to_be_visible()
    assert phone.evaluate("img => img.naturalWidth > 0", qr.element_handle())  # the SVG drew under the CSP
    secret = phone.get_by_test_id("otp-secret").inner_text().replace(" ", "")
    phone.get_by_label("身份验证器显示的 6 位验证码").fill(pyotp.TOTP(secret).now())
    with phone.expect_navigation():
        phone.get_by_role("button", name="确认并启用").click()
    codes = phone.get_by_test_id("recovery-codes").locator("code")
    expect(codes).to_have_count(10)
    assert fits_width(phone)
    with phone.expect_navigation():
        phone.get_by_role("button", name="我已保存，继续").click()
    expect(phone.get_by_role("heading", level=1)).to_have_text("招商引资工作概况")

    open_menu(phone)
    with phone.expect_navigation():
        phone.get_by_role("button", name="退出").click()
    sign_in(phone, leader)
    assert phone.url.endswith("/login/code")
    phone.get_by_label("验证码").fill(pyotp.TOTP(secret).at(time.time() + 30))  # the next step: enrolment used this one
    with phone.expect_navigation():
        phone.get_by_role("button", name="验证并登录").click()
    expect(phone.get_by_role("heading", level=1)).to_have_text("招商引资工作概况")
    assert console_errors == []
