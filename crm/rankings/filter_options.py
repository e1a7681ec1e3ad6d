"""The project lists' long filter lists, teams, industries and districts, kept per app process between requests.

Reading them costs a third of the page's SQL (the industries are a DISTINCT over every project), yet they change a
few times a year: kept, the ranking's page is 1.16× faster (scripts/bench_speed_layers.py, district demo). The
app runs as several gunicorn processes, maybe on several hosts, and nothing kept here hears of another process's
writes, so each list is kept for at most LIST_TTL seconds, dropped at once when this process writes a team or a
project, and read anew when a request names a team or industry the kept list lacks. A list is therefore at most a
minute behind the database, and only in what the menu offers: a choice the database has is never refused.

Each list is kept per district: `district_id` names the district the session's queries are limited to
(crm/access/tenancy.py; None when they are not), so one district's lists are never offered to another's users.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from flask import current_app, has_app_context
from sqlalchemy import event, select

from ..access.districts import team_choices
from ..extensions import db
from ..models import District, Project, Team
from ..projects.records.queries import industries
from ..web.i18n import lazy_gettext as _l

LIST_TTL = 60.0  # seconds a list read by this process is offered before it is read again
ALL_TEAMS = (0, _l("全部专班"))
ALL = ("", _l("全部"))
ALL_DISTRICTS = (0, _l("全部区县"))


Choices = tuple[tuple[Any, Any], ...]  # (value, label) pairs, as a select offers them


def kept() -> dict[Any, Any]:
    """This app's kept lists (each app its own: the tests make one per database)."""
    return current_app.extensions.setdefault("ranking_filter_options", {})


def kept_list(key: tuple[str, int | None], read: Callable[[], Choices], wanted: str | None) -> Choices:
    """The list kept under `key`, read anew when older than LIST_TTL or lacking `wanted` (a value, as text)."""
    found = kept().get(key)
    now = time.monotonic()
    if found is None or now - found[0] > LIST_TTL or (wanted and wanted not in found[2]):
        pairs = read()
        found = kept()[key] = (now, pairs, frozenset(str(value) for value, _label in pairs))
    return found[1]


def team_options(district_id: int | None, wanted: int | None = None) -> Choices:
    """The teams to filter by, active first, then by name; read anew when `wanted` is not among them."""
    def read() -> Choices:
        return (ALL_TEAMS, *db.session.execute(select(Team.id, Team.name).order_by(Team.active.desc(), Team.name)))
    pairs = kept_list(("teams", district_id), read, str(wanted) if wanted else None)
    # Every district has its 上海专班: the city's list names each team's district (in the request's language).
    return pairs if district_id is not None else (pairs[0], *team_choices(pairs[1:]))


def industry_options(district_id: int | None, wanted: str | None = None) -> Choices:
    """The industries projects are filed under; read anew when `wanted` is not among them."""
    def read() -> Choices:
        return (ALL, *((name, name) for name in industries()))
    return kept_list(("industries", district_id), read, wanted)


def district_options(wanted: int | None = None) -> Choices:
    """The districts the city may narrow a list to, active first; read anew when `wanted` is not among them."""
    def read() -> Choices:
        return (ALL_DISTRICTS, *db.session.execute(select(District.id, District.name)
                                                   .order_by(District.active.desc(), District.id)))
    return kept_list(("districts", None), read, str(wanted) if wanted else None)


def forget(kind: str) -> Callable[..., None]:
    def drop(_mapper: Any, _connection: Any, _record: Any) -> None:
        if has_app_context():
            for key in [key for key in kept() if key[0] == kind]:
                kept().pop(key, None)
    drop.__doc__ = f"A record written by this process may change the {kind} offered: read them again next time."
    return drop


for _model, _kind in ((Team, "teams"), (Project, "industries"), (District, "districts")):
    for _change in ("after_insert", "after_update", "after_delete"):
        event.listen(_model, _change, forget(_kind))
