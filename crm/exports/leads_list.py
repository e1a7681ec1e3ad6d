"""在谈项目清单: the lead list's filters and team scoping, as a file.

Each lead's amount is the board's (crm/reports/rules.py): intended until signed, then the signed project's.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import aliased

from ..access.districts import DistrictNames, district_name, district_names
from ..access.visibility import sees_all
from ..domain.periods import LOCAL
from ..domain.refused import Refused
from ..extensions import db
from ..leads import services
from ..leads.forms import LeadFilterForm
from ..models import Enterprise, Lead, LeadStage, LeadStatus, Project, Team, User
from ..reports.list_totals import lead_totals
from ..reports.rules import lead_amount, lead_project
from ..web.forms import id_arg
from ..web.i18n import gettext as _
from .forms import form_errors, labels
from .query import stream
from .sheet import DATE, INT, LONG, TEXT, YI, Column, Export, Table, district_column


def lead_filters(args: Any, viewer: User) -> tuple[Any, dict[str, Any]]:
    """The lead list's scope and filters, checked as its form checks them; a bad one is refused here."""
    readers_of_all = sees_all(viewer)
    teams = list(db.session.scalars(select(Team).order_by(Team.active.desc(), Team.name))) if readers_of_all else None
    chosen_team = id_arg("team", args) if readers_of_all else viewer.team_id
    form = LeadFilterForm(args, teams=teams, members=services.team_members(chosen_team))
    if not form.validate():
        raise Refused(form_errors(form))
    filters = form.filters()
    return services.visible_teams(viewer, filters.pop("team_id"), filters.pop("district_id")), filters


def lead_query(scope: Any, filters: dict[str, Any]) -> Select[Any]:
    """The lead list's query (scope, filters, newest first) reading only what the file shows."""
    owner = aliased(User)
    return (services.lead_list(scope, **filters)
            .with_only_columns(Lead.title, Enterprise.name, Team.name, Team.district_id, Lead.industry, lead_amount(),
                               Lead.stage, Lead.status, owner.display_name, Lead.expected_sign_on, Lead.next_action,
                               Lead.next_action_on, Lead.created_at, Lead.drop_reason)
            .join(Team, Team.id == Lead.team_id).outerjoin(owner, owner.id == Lead.owner_id)
            .outerjoin(Project, lead_project()))


def lead_rows(query: Select[Any], districts: DistrictNames | None) -> Iterator[tuple[Any, ...]]:
    """The file's rows; a 区县 after the team when the list holds every district's (the city's)."""
    stages, statuses = labels(LeadStage), labels(LeadStatus)
    for number, row in enumerate(stream(query), start=1):
        (title, enterprise, team, district_id, industry, amount, stage, status, owner, expected, next_action, next_on,
         created_at, drop_reason) = row
        whose = (districts.of(district_id),) if districts else ()
        yield (number, title, enterprise, team, *whose, industry, amount, stages[stage], statuses[status], owner,
               expected, next_action, next_on, created_at.astimezone(LOCAL).date(), drop_reason)


def leads_list(args: Mapping[str, str], viewer: User) -> Export:
    """在谈项目清单 of the teams the viewer may see, with the lead list's filters."""
    scope, filters = lead_filters(args, viewer)
    query = lead_query(scope, filters)
    # the listed leads, as a subquery of its own (not correlated with the totals' own lead and project)
    stages = lead_totals(Lead.id.in_(query.with_only_columns(Lead.id).order_by(None).correlate(None))).values()
    count, total = sum(stage.count for stage in stages), sum(stage.total_yuan for stage in stages)
    own_team = "" if sees_all(viewer) or viewer.team is None else viewer.team.name
    title = f"{district_name()}{own_team}{_('在谈项目清单')}"
    districts = district_names()
    columns = [Column(_("序号"), INT), Column(_("项目名称"), LONG, 40), Column(_("企业"), LONG, 36),
               Column(_("专班"), TEXT, 16), *district_column(districts),
               Column(_("产业类别"), TEXT, 16), Column(_("投资额（亿元）"), YI),
               Column(_("阶段"), TEXT, 8), Column(_("状态"), TEXT, 8), Column(_("负责人"), TEXT, 12),
               Column(_("预计签约日期"), DATE), Column(_("下一步"), LONG, 40), Column(_("下一步日期"), DATE),
               Column(_("登记日期"), DATE), Column(_("放弃原因"), LONG, 30)]
    footer = [[_("合计"), _("%(n)s个项目", n=count), None, None, *[None] * len(district_column(districts)), None,
               int(total)]]
    table = Table(_("在谈项目清单"), title, columns, rows=lambda: lead_rows(query, districts), footer=lambda: footer,
                  frozen_columns=2)
    return Export("leads", title, [table], int(count))
