"""Security headers, a strict content security policy, and pages it does not break."""

import re

import pytest

from crm import create_app
from crm.models import Role
from tests.conftest import FAST_SETTINGS, PASSWORD, running_app

PAGES = ["/", "/teams/", "/admin/users/", "/admin/users/new", "/teams/new", "/account/password"]


def test_headers_on_every_response(client):
    for response in (client.get("/login"), client.get("/healthz"), client.get("/nowhere")):
        csp = response.headers["Content-Security-Policy"]
        assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
        assert "script-src 'self'" in csp and "style-src 'self'" in csp and "frame-ancestors 'none'" in csp
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["X-Frame-Options"] == "DENY"
        assert response.headers["Referrer-Policy"] == "same-origin"


def test_pages_have_no_inline_script_or_style(client, make_user, login):
    login(make_user(Role.ADMIN))
    for page in ["/login", *PAGES]:
        html = client.get(page).text
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), page
        assert not re.search(r"\sstyle=", html), page
        assert not re.search(r"\son[a-z]+=", html), page
        assert not re.search(r"https?://(?!127\.0\.0\.1|localhost)", html.replace("http://www.w3.org", "")), page


def test_pages_are_not_cached(client):
    assert client.get("/login").headers["Cache-Control"] == "no-store"


def test_error_pages_speak_chinese(client, make_user, login):
    response = client.get("/no-such-page")
    assert response.status_code == 404 and "页面不存在" in response.text
    login(make_user(Role.MEMBER))
    response = client.get("/admin/users/")
    assert response.status_code == 403 and "没有权限" in response.text


def test_a_request_too_large_gets_the_413_page(app, client, make_user, login):
    login(make_user(Role.MEMBER))
    app.config["MAX_CONTENT_LENGTH"] = 1_000
    response = client.post("/visits/new", data={"summary": "x" * 2_000})
    assert response.status_code == 413 and "<!doctype html>" in response.text


def test_server_error_page_is_ours(app, client, make_user, login):
    app.config["PROPAGATE_EXCEPTIONS"] = False

    def broken():
        raise RuntimeError("boom")
    broken.access_right = "dashboard.view"
    app.add_url_rule("/broken", "broken", broken)
    login(make_user(Role.MEMBER))
    response = client.get("/broken")
    assert response.status_code == 500
    assert "系统出错" in response.text and "boom" not in response.text


@pytest.mark.parametrize("secret", [None, "", "dev"])
def test_production_refuses_to_start_without_a_real_secret(secret, tmp_path):
    config = {k: v for k, v in FAST_SETTINGS.items() if k != "TESTING"} | {
        "SECRET_KEY": secret, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'x.sqlite'}"}
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app(config)


def test_production_cookie_is_secure_by_default(tmp_path):
    from crm.config import Config
    assert Config.SESSION_COOKIE_SECURE and Config.SESSION_COOKIE_HTTPONLY and Config.SESSION_COOKIE_SAMESITE == "Lax"


@pytest.fixture
def production_app(app_config):
    """The app as deployed: not testing, not debugging, a real secret, secure cookies and CSRF checks on."""
    testing_only = {"TESTING", "SESSION_COOKIE_SECURE", "WTF_CSRF_ENABLED"}
    config = {k: v for k, v in app_config.items() if k not in testing_only} | {"SECRET_KEY": "k" * 48}
    with running_app(config) as app:
        yield app


def sign_in_with_the_form(client, username: str):
    page = client.get("/login")
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page.text).group(1)
    return client.post("/login", data={"username": username, "password": PASSWORD, "csrf_token": token})


def test_production_has_no_debugger_and_shows_no_stack_trace(production_app):
    def broken():
        raise RuntimeError("boom: secret detail")
    broken.access_right = "public"
    production_app.add_url_rule("/broken", "broken", broken)
    assert not production_app.debug and not production_app.testing
    assert production_app.config["PROPAGATE_EXCEPTIONS"] is not True
    assert not any(rule.rule.startswith("/console") for rule in production_app.url_map.iter_rules())
    client = production_app.test_client()
    for path in ("/console", "/console?__debugger__=yes&cmd=resource&f=debugger.js"):
        assert client.get(path).status_code == 404
    response = client.get("/broken")  # answered, not raised: exceptions do not propagate
    assert response.status_code == 500 and "系统出错" in response.text
    assert "boom" not in response.text and "Traceback" not in response.text and "RuntimeError" not in response.text


def test_production_session_cookie_is_secure_httponly_and_lax_at_sign_in(production_app, make_user):
    user = make_user(Role.MEMBER)
    client = production_app.test_client()
    client.environ_base["wsgi.url_scheme"] = "https"
    response = sign_in_with_the_form(client, user.username)
    assert response.status_code == 302
    cookies = [c for c in response.headers.getlist("Set-Cookie") if c.startswith("session=")]
    assert len(cookies) == 1
    flags = {part.strip().split("=")[0].lower(): part for part in cookies[0].split(";")[1:]}
    assert {"secure", "httponly", "samesite", "path"} <= flags.keys() and "domain" not in flags
    assert flags["samesite"].strip() == "SameSite=Lax"
    assert not any(c.startswith("remember_token=") for c in response.headers.getlist("Set-Cookie"))
