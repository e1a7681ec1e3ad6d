"""The default password policy is what 等保2.0 三级 asks for, wherever a password is set."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from crm.auth.passwords import common_passwords, generate_password, password_problems, policy_summary
from crm.demo.logins import DEMO_PASSWORD
from crm.extensions import db
from crm.models import Role, User
from tests.conftest import PASSWORD

SEQUENCE = "密码不能含有连续 4 个或更多按顺序排列的字符（如 abcd、4321、qwer），当前含有“%s”"
REPEAT = "密码不能含有连续重复的字符或字符组（如 aaaa、abcabcabc），当前含有“%s”"
COMMON = "密码过于常见，容易被猜到，请换一个"


@pytest.mark.parametrize("password, problem", [
    ("aaaaaaaaaa", REPEAT % "aaaaaaaaaa"),
    ("abcdefghij", SEQUENCE % "abcd"),
    ("Abcd1234!x", SEQUENCE % "Abcd"),
    ("Zyxw-2026-Kp", SEQUENCE % "Zyxw"),  # backwards
    ("Mx-9876-kpQ", SEQUENCE % "9876"),
    ("Qwer-2026-Kp", SEQUENCE % "Qwer"),  # a keyboard row
    ("Kp-2026!@#$q", SEQUENCE % "!@#$"),  # the same row, shifted
    ("Kp-2026-zzzz", REPEAT % "zzzz"),
    ("Ab1!Ab1!Ab1!", REPEAT % "Ab1!Ab1!Ab1!"),
    ("Xk-abcabcabc-9", REPEAT % "abcabcabc"),
    ("Alice-2026!kp", "密码不能包含用户名"),
    ("P@ssw0rd!2024", COMMON),
    ("Woaini1314!", COMMON),
    ("Admin@123456", COMMON),
    ("Zhaoshang2026!", COMMON),
])
def test_weak_passwords_are_refused_and_told_why(app, password, problem):
    assert problem in password_problems(password, app.config, username="alice")


@pytest.mark.parametrize("password", [PASSWORD, DEMO_PASSWORD, "Xk9#mq2Lwz", "Brand-New-2026", "abab-Xy9z-Q",
                                      "Shiyan-zw-2026"])
def test_good_passwords_are_accepted(app, password):
    assert password_problems(password, app.config, username="alice") == []


def test_the_defaults_are_three_kinds_no_runs_of_four_and_no_repeats(app):
    assert (app.config["PASSWORD_MIN_LENGTH"], app.config["PASSWORD_MIN_CLASSES"], app.config["PASSWORD_MAX_SEQUENCE"],
            app.config["PASSWORD_MAX_REPEAT"]) == (10, 3, 3, 3)
    assert password_problems("only-lower-case", app.config) == [
        "密码需包含小写字母、大写字母、数字、符号中的至少 3 类，当前只有 2 类（缺少：大写字母、数字）"]


def test_each_rule_can_be_relaxed(app):
    relaxed = app.config | {"PASSWORD_MIN_CLASSES": 1, "PASSWORD_MAX_SEQUENCE": 0, "PASSWORD_MAX_REPEAT": 0}
    for password in ("abcdefghij", "aaaaaaaaaa", "Abcd1234!x"):
        assert password_problems(password, relaxed) == []
    assert password_problems("Abcd1234!x", app.config | {"PASSWORD_MAX_SEQUENCE": 4}) == []  # runs of 5 only


def test_the_sentence_on_the_password_page_names_every_rule(app, client, make_user, login):
    assert policy_summary(app.config) == (
        "新密码至少 10 个字符，包含小写字母、大写字母、数字、符号中的至少 3 类，不能含有连续 4 个或更多按顺序排列的字符"
        "（如 abcd、4321、qwer），不能含有连续重复（如 aaaa、abcabcabc），不能包含用户名，不能是常见密码。")
    login(make_user(Role.MEMBER))
    assert "不能含有连续重复（如 aaaa、abcabcabc）" in client.get("/account/password").text


@pytest.mark.parametrize("weak, problem", [("aaaaaaaaaa", REPEAT % "aaaaaaaaaa"), ("abcdefghij", SEQUENCE % "abcd")])
def test_the_password_page_refuses_them_in_chinese(app, client, make_user, login, weak, problem):
    user = make_user(Role.MEMBER)
    login(user)
    response = client.post("/account/password", data={"current": PASSWORD, "new": weak, "confirm": weak})
    assert response.status_code == 422 and problem in response.text
    assert client.post("/account/password", data={"current": PASSWORD, "new": "Kp-2026-Shiyan",
                                                  "confirm": "Kp-2026-Shiyan"}).status_code == 302


def test_the_command_line_refuses_a_sequence_and_generates_a_good_one(app, runner):
    refused = runner.invoke(args=["users", "create", "root", "--role", "city", "--password", "Abcd1234!x"])
    assert refused.exit_code != 0 and "按顺序排列" in refused.output
    made = runner.invoke(args=["users", "create", "root", "--role", "city", "--json"])
    assert made.exit_code == 0, made.output
    assert db.session.scalar(select(User).where(User.username == "root")) is not None


def test_the_common_list_is_a_few_hundred_lower_case_passwords():
    common = common_passwords()
    assert 300 <= len(common) <= 2_000
    assert all(word == word.lower() and word.strip() == word for word in common)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(length=st.integers(8, 40), classes=st.integers(1, 4), sequence=st.sampled_from([0, 2, 3, 4]),
       repeat=st.sampled_from([0, 1, 2, 3]))
def test_a_generated_password_always_meets_the_policy(app, length, classes, sequence, repeat):
    config = app.config | {"PASSWORD_MIN_LENGTH": length, "PASSWORD_MIN_CLASSES": classes,
                           "PASSWORD_MAX_SEQUENCE": sequence, "PASSWORD_MAX_REPEAT": repeat}
    for _ in range(5):
        assert password_problems(generate_password(config), config) == []
