"""Who may use which route: each route declares a right, checked in one place."""

import json
from collections.abc import Callable
from typing import Any, NoReturn, TypeVar

from flask import abort, current_app, redirect, request, url_for
from flask_login import current_user

from ..core.audit import record
from ..core.database import written_apart
from ..extensions import db
from ..models import Role
from .reasons import NotAllowed, reason

F = TypeVar("F", bound=Callable[..., Any])

# 三员分立: the security and the audit administrator hold their duty and nothing of the business
DUTIES = frozenset({Role.SECURITY, Role.AUDITOR})
ANYONE = frozenset(Role)  # their own account, and the home page (which sends each to their own page)
EVERYONE = frozenset(Role) - DUTIES  # everyone of the business: the districts' people and the city
IN_A_DISTRICT = frozenset({Role.ADMIN, Role.LEADER, Role.LEAD, Role.MEMBER})  # all but the city, which only reads
OFFICE = frozenset({Role.ADMIN})
SECURITY = frozenset({Role.SECURITY})  # 安全管理员: accounts, roles, second factors, the password policy
AUDIT = frozenset({Role.AUDITOR})  # 审计管理员: reads and exports the audit trail
CITY = frozenset({Role.CITY})  # 市招商局: sets the district ranking's rule and freezes its quarters
CITY_AND_LEADERSHIP = frozenset({Role.CITY, Role.ADMIN, Role.LEADER})  # who reads the city's district ranking
READ_ALL = frozenset({Role.ADMIN, Role.LEADER})
TEAM_WORK = frozenset({Role.ADMIN, Role.LEAD, Role.MEMBER})  # who changes team records (scoped per record)

# The rights of DESIGN §3; a route names one of these, never a role list of its own.
RIGHTS: dict[str, frozenset[Role]] = {
    "dashboard.view": ANYONE,
    "account.edit": ANYONE,
    "users.manage": SECURITY,
    "audit.view": AUDIT,
    "teams.manage": OFFICE,
    "teams.view": EVERYONE,
    "enterprises.view": EVERYONE,
    "enterprises.edit": IN_A_DISTRICT,
    "enterprises.merge": OFFICE,
    "trips.view": EVERYONE,
    "trips.edit": TEAM_WORK,
    "visits.view": EVERYONE,
    # Leaders head trips (带队领导) and the office receives visitors (来访接待): they log for a team they choose.
    "visits.log": IN_A_DISTRICT,
    "visits.edit": IN_A_DISTRICT,  # scoped: the author, the team's lead, or an admin
    "leads.view": EVERYONE,
    "leads.edit": TEAM_WORK,
    "overlaps.manage": OFFICE,
    "followups.view": EVERYONE,
    "projects.view": EVERYONE,
    "projects.edit": TEAM_WORK,  # scoped: the credited team's members, or an admin
    "projects.verify": OFFICE,
    "projects.assign": OFFICE,  # chief service officer and service team
    "projects.serve": IN_A_DISTRICT,  # service items and investor issues: scoped to who serves the project
    "projects.mine": EVERYONE,
    # 督办: the district's leaders and office issue and close (销号) orders; the receivers answer (crm/access/orders.py)
    "supervision.view": IN_A_DISTRICT,  # the city reads no district's orders
    "supervision.issue": READ_ALL,
    "supervision.answer": IN_A_DISTRICT,  # scoped: the person named, or the unit's people on the project
    "supervision.close": READ_ALL,  # scoped: the order's issuer, or the office
    "path.manage": OFFICE,  # the district's path after signing and its 红黄绿 thresholds
    "dispatch.view": READ_ALL,  # 调度会: the district's leadership and office
    "analysis.view": CITY_AND_LEADERSHIP,  # 多维分析: the office, the leadership and the city (their own reach)
    "api.use": EVERYONE,
    "rankings.view": EVERYONE,
    "rankings.manage": OFFICE,  # scoring weights per year, freezing a quarter as published
    "districts.view": CITY_AND_LEADERSHIP,  # 市级拉练排名: the city's districts side by side
    "districts.manage": CITY,  # the district ranking's weights per year, freezing its quarters
    "reports.document": CITY_AND_LEADERSHIP,  # 月报/季报 (.docx): a district's leadership and office, and the city
    "exports.download": EVERYONE,  # scoped: a file holds only what its page shows the user
    "imports.run": OFFICE,  # the investment office brings old spreadsheets in
    "reminders.view": IN_A_DISTRICT,  # one's own reminders and how they reach one; the city has none
    "reminders.manage": OFFICE,  # the district's reminder rules (N, M days) and group robots
}

# Lists whose download needs a right beyond exports.download: that of the page that shows them.
EXPORT_RIGHTS = {"districts": "districts.view",  # the city's ranking of its districts: the city and its leadership
                 "supervision": "supervision.view",  # 督办台账: a district's own, never the city's
                 "analysis": "analysis.view"}  # 多维分析: the office, the leadership and the city

# The page a duty holder starts from, instead of the business's dashboard.
LANDING = {Role.SECURITY: "users.index", Role.AUDITOR: "audit_trail.index"}

PUBLIC = "public"


def requires(right: str) -> Callable[[F], F]:
    """Declare the right a route needs; check_access enforces it."""
    if right not in RIGHTS:
        raise KeyError(f"unknown right {right!r}")

    def mark(view: F) -> F:
        view.access_right = right  # type: ignore[attr-defined]
        return view
    return mark


def public(view: F) -> F:
    """Declare a route open to anyone, signed in or not."""
    view.access_right = PUBLIC  # type: ignore[attr-defined]
    return view


def may(user: Any, right: str) -> bool:
    """Whether a user has a right."""
    return bool(user.is_authenticated and user.role in RIGHTS[right])


def may_download(user: Any, export: str) -> bool:
    """Whether a user may download the named list (a file holds only what its page shows them)."""
    right = EXPORT_RIGHTS.get(export)
    return may(user, "exports.download") and (right is None or may(user, right))


def landing_page(user: Any) -> str | None:
    """The endpoint a security or audit administrator starts from (None: the dashboard)."""
    return LANDING.get(user.role) if user.is_authenticated else None


def declared_right(endpoint: str | None) -> str | None:
    """Return the right a route declared, or None if it declared none."""
    if endpoint is None:
        return None
    if endpoint == "static" or endpoint.endswith(".static"):
        return PUBLIC
    view = current_app.view_functions.get(endpoint)
    return getattr(view, "access_right", None)


def refuse(user: Any, right: str | None = None) -> NoReturn:
    """Answer 403, saying why, and note in the audit trail who was refused what, and from where."""
    if user.is_authenticated:
        user_id = user.id
        with written_apart(db.session):
            record("forbidden", user_id=user_id, address=request.remote_addr, detail=json.dumps(
                {"method": request.method, "path": request.path[:300], "endpoint": request.endpoint},
                ensure_ascii=False))
    if right is None or not user.is_authenticated:
        abort(403)
    raise NotAllowed(reason(right, user.role, RIGHTS[right]))


def check_access() -> Any:
    """Before each request: refuse what the route's declared right does not allow."""
    if request.endpoint is None:
        return None  # 404 and 405 are answered by Flask itself
    right = declared_right(request.endpoint)
    if right is None:
        refuse(current_user)  # fail closed: a route that declared nothing is open to no one
    if right == PUBLIC:
        return None
    if not current_user.is_authenticated:
        if request.blueprint == "api":
            abort(401)  # a program gets a status, not a sign-in page
        return redirect(url_for("auth.login", next=request.full_path if request.query_string else request.path))
    if current_user.role not in RIGHTS[right]:
        refuse(current_user, right)
    return None
