"""Why a project is overdue: signed long ago and not started (超时限未开工), or past a planned milestone date.

The SQL of the same rules is crm/reports/rules.py; overdue_reasons() reads them for one project loaded already.
"""

from __future__ import annotations

from datetime import date

from ...models import Project, ProjectStatus
from ...reports.rules import OPEN, start_deadline
from ...web.i18n import lazy_gettext as _l

OVERDUE = {
    "start": _l("超时限未开工"),
    "planned_start": _l("逾期未开工"),
    "planned_production": _l("逾期未投产"),
    "planned_capacity": _l("逾期未达产"),
}  # what people read for each reason


def overdue_reasons(project: Project, today: date) -> list[str]:
    """Why one project is overdue, as codes: start, planned_start, planned_production, planned_capacity."""
    if project.voided or project.status not in OPEN:
        return []
    reasons = []
    if project.status is ProjectStatus.SIGNED and project.started_on is None and \
            project.signed_on < start_deadline(today):
        reasons.append("start")
    for planned, actual, code in ((project.planned_start_on, project.started_on, "planned_start"),
                                  (project.planned_production_on, project.production_on, "planned_production"),
                                  (project.planned_capacity_on, project.capacity_on, "planned_capacity")):
        if planned is not None and actual is None and planned < today:
            reasons.append(code)
    return reasons
