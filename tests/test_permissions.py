"""Every route declares who may use it; nothing is open by accident."""

import pytest
from werkzeug.exceptions import MethodNotAllowed
from werkzeug.routing import Rule

from crm.access.rights import PUBLIC, RIGHTS, declared_right
from crm.models import Role

OPEN_ENDPOINTS = {"auth.login", "health.healthz", "static", "offline.service_worker", "offline.manifest",
                  "api.openapi",
                  "auth.second_step", "auth.enrol"}  # after the password, before the session: a pending sign-in
ADMIN_ONLY = {"teams.create", "teams.edit", "teams.targets", "leads.overlap_list", "leads.resolve_overlap",
              "enterprises.merge", "enterprises.merge_preview", "enterprises.undo_merge",
              "projects.verify", "projects.withdraw", "projects.void", "projects.restore", "projects.verify_tranche",
              "projects.upload_document", "projects.pending", "projects.assign_service", "rankings.weights",
              "rankings.freeze", "imports.index", "imports.mapping", "imports.job", "imports.progress",
              "imports.start_import", "path.settings", "reminders.rules"}


def url_of(rule: Rule) -> str:
    """Build a URL for a rule, filling its arguments with plausible values."""
    values = {arg: 2026 if arg == "year" else 1 for arg in rule.arguments}
    if "filename" in rule.arguments:
        values["filename"] = "css/app.css"
    return rule.build(values)[1]


def rules(app):
    return [r for r in app.url_map.iter_rules() if not r.endpoint.endswith("static")]


def test_every_endpoint_declares_a_right(app):
    undeclared = [r.endpoint for r in app.url_map.iter_rules() if declared_right(r.endpoint) is None]
    assert undeclared == []
    public = {r.endpoint for r in app.url_map.iter_rules() if declared_right(r.endpoint) == PUBLIC}
    assert public == OPEN_ENDPOINTS
    for rule in rules(app):
        right = declared_right(rule.endpoint)
        assert right == PUBLIC or right in RIGHTS


def test_anonymous_requests_go_to_sign_in(app, client):
    for rule in rules(app):
        if rule.endpoint in OPEN_ENDPOINTS:
            continue
        method = "GET" if "GET" in rule.methods else "POST"
        response = client.open(url_of(rule), method=method)
        if rule.endpoint.startswith("api."):  # programs get a status, not a sign-in page
            assert response.status_code == 401 and response.json["error"] == "unauthenticated", rule.endpoint
            continue
        assert response.status_code == 302, rule.endpoint
        assert response.location.startswith("/login"), rule.endpoint


def test_open_endpoints_answer_anonymous(client):
    assert client.get("/login").status_code == 200
    assert client.get("/healthz").status_code == 200
    assert client.get("/manifest.webmanifest").json["start_url"] == "/visits/new"
    with client.get("/sw.js") as response:
        assert response.status_code == 200 and response.mimetype == "text/javascript"
    with client.get("/static/css/app.css") as response:
        assert response.status_code == 200


@pytest.mark.parametrize("role", [Role.MEMBER, Role.LEAD, Role.LEADER])
def test_admin_pages_refuse_other_roles(app, client, make_user, login, role):
    login(make_user(role))
    for rule in rules(app):
        if rule.endpoint not in ADMIN_ONLY:
            continue
        method = "GET" if "GET" in rule.methods else "POST"
        response = client.open(url_of(rule), method=method)
        assert response.status_code == 403, rule.endpoint
        assert "没有权限" in response.text


@pytest.mark.parametrize("right, holder", [("users.manage", Role.SECURITY), ("audit.view", Role.AUDITOR)])
@pytest.mark.parametrize("role", [Role.MEMBER, Role.LEADER, Role.ADMIN, Role.SECURITY, Role.AUDITOR])
def test_duty_pages_refuse_every_other_role(app, client, make_user, login, right, holder, role):
    """三员分立: accounts are the security administrator's, the audit trail the audit administrator's."""
    if role is holder:
        return
    login(make_user(role))
    duty = [rule for rule in rules(app) if declared_right(rule.endpoint) == right]
    assert duty
    for rule in duty:
        method = "GET" if "GET" in rule.methods else "POST"
        response = client.open(url_of(rule).replace("/1.", "/1.").replace("<ext>", "csv"), method=method)
        assert response.status_code in (403, 404) if "ext" in rule.arguments else response.status_code == 403, \
            rule.endpoint


def test_admin_only_endpoints_are_all_known(app):
    """A new admin route must be added to ADMIN_ONLY so the test above covers it."""
    admin_rights = {right for right, roles in RIGHTS.items() if roles == frozenset({Role.ADMIN})}
    admin_endpoints = {r.endpoint for r in rules(app) if declared_right(r.endpoint) in admin_rights}
    assert admin_endpoints == ADMIN_ONLY


def test_state_changing_routes_refuse_get(app, client, make_user, login):
    login(make_user(Role.ADMIN))
    adapter = app.url_map.bind("localhost")
    for rule in rules(app):
        if "POST" in rule.methods and "GET" not in rule.methods:
            url = url_of(rule)
            try:
                adapter.match(url, "GET")
            except MethodNotAllowed:
                assert client.get(url).status_code == 405, rule.endpoint
            else:
                assert adapter.match(url, "GET")[0] != rule.endpoint  # another route reads at that address


def test_undeclared_route_is_closed(app, client, make_user, login):
    """A route added without a declaration is refused at run time too (fail closed)."""
    app.add_url_rule("/undeclared", "undeclared", lambda: "secret")
    login(make_user(Role.ADMIN))
    assert client.get("/undeclared").status_code == 403
