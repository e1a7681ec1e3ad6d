"""拜访记录: the visit list's filters and team scoping, as a file."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, Select, func, select
from sqlalchemy.orm import aliased

from ..access.districts import DistrictNames, district_name, district_names
from ..access.visibility import sees_all, team_filter
from ..domain.refused import Refused
from ..extensions import db
from ..models import Enterprise, Lead, Team, Trip, User, Visit, VisitKind, visit_participant
from ..visits.forms import VisitFilterForm
from ..visits.services import filter_visits
from ..web.i18n import gettext as _
from ..web.i18n import with_note
from .forms import form_errors, labels
from .query import count_of, stream
from .sheet import DATE, INT, LONG, TEXT, Column, Export, Table, district_column

NAME_SEPARATOR = "、"


def visit_filters(args: Mapping[str, str], viewer: User) -> dict[str, Any]:
    """The visit list's filters, checked as its page checks them (a team only for those who read every team)."""
    form = VisitFilterForm(args, viewer)
    if not form.validate():
        raise Refused(form_errors(form))
    return form.data


def participant_names() -> ColumnElement[Any]:
    """The people at a visit, joined into one text by the database."""
    joined = (func.string_agg(User.display_name, NAME_SEPARATOR) if db.session.get_bind().dialect.name == "postgresql"
              else func.group_concat(User.display_name, NAME_SEPARATOR))
    return (select(joined).select_from(visit_participant).join(User, User.id == visit_participant.c.user_id)
            .where(visit_participant.c.visit_id == Visit.id).scalar_subquery())


def visit_query(filters: dict[str, Any], viewer: User) -> Select[Any]:
    """The visit list's query (its scope, filters and order) reading only what the file shows."""
    author = aliased(User)
    query = (select(Visit.visited_on, Enterprise.name, Visit.kind, Team.name, Team.district_id, author.display_name,
                    participant_names(), Trip.destination, Trip.start_on, Lead.title, Visit.summary,
                    Visit.next_step, Visit.follow_up_on)
             .select_from(Visit).join(Visit.enterprise).join(Team, Team.id == Visit.team_id)
             .outerjoin(author, author.id == Visit.created_by_id).outerjoin(Trip, Trip.id == Visit.trip_id)
             .outerjoin(Lead, Lead.id == Visit.lead_id)
             .where(team_filter(viewer, Visit.team_id)).order_by(Visit.visited_on.desc(), Visit.id.desc()))
    return filter_visits(query, filters)


def visit_rows(query: Select[Any], districts: DistrictNames | None) -> Iterator[tuple[Any, ...]]:
    """The file's rows; a 区县 after the team when the list holds every district's (the city's)."""
    kinds = labels(VisitKind)
    for number, row in enumerate(stream(query), start=1):
        (visited_on, enterprise, kind, team, district_id, author, people, destination, trip_start, lead, summary,
         next_step, follow_up_on) = row
        people = NAME_SEPARATOR.join(sorted(people.split(NAME_SEPARATOR))) if people else None
        trip = with_note(destination, trip_start.isoformat()) if destination else None
        whose = (districts.of(district_id),) if districts else ()
        yield (number, visited_on, enterprise, kinds[kind], team, *whose, author, people, trip, lead, summary,
               next_step, follow_up_on)


def dates_named(start: date | None, end: date | None) -> str:
    if start and end:
        return _("（%(start)s至%(end)s）", start=start.isoformat(), end=end.isoformat())
    if start:
        return _("（%(start)s起）", start=start.isoformat())
    if end:
        return _("（截至%(end)s）", end=end.isoformat())
    return ""


def visit_log(args: Mapping[str, str], viewer: User) -> Export:
    """拜访记录 of the teams the viewer may see, with the visit list's filters."""
    filters = visit_filters(args, viewer)
    query = visit_query(filters, viewer)
    count = count_of(query)
    own_team = "" if sees_all(viewer) or viewer.team is None else viewer.team.name
    title = (f"{district_name()}{own_team}{_('拜访记录')}"
             f"{dates_named(filters['start'], filters['end'])}")
    districts = district_names()
    columns = [Column(_("序号"), INT), Column(_("拜访日期"), DATE), Column(_("企业"), LONG, 36),
               Column(_("方式"), TEXT, 10), Column(_("专班"), TEXT, 16), *district_column(districts),
               Column(_("登记人"), TEXT, 12),
               Column(_("参与人员"), LONG, 24), Column(_("所属外出招商"), TEXT, 24), Column(_("相关线索"), LONG, 30),
               Column(_("拜访情况"), LONG, 50), Column(_("下一步"), LONG, 40), Column(_("跟进日期"), DATE)]
    table = Table(_("拜访记录"), title, columns, rows=lambda: visit_rows(query, districts),
                  footer=lambda: [[_("合计"), _("%(n)s次拜访", n=count)]], frozen_columns=3)
    return Export("visits", title, [table], count)
