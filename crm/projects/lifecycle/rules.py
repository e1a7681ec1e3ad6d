"""Rules of a project's course on plain values (dates), one place for its pages, the project form and the import."""

from datetime import date

from ...domain.periods import today as local_today
from ...domain.refused import Refused
from ...models import ProjectStatus
from ...web.i18n import gettext as _
from ...web.i18n import lazy_gettext as _l

Status = ProjectStatus
LADDER = (Status.SIGNED, Status.STARTED, Status.PRODUCING, Status.AT_CAPACITY)
ACTUAL_DATE = {Status.STARTED: "started_on", Status.PRODUCING: "production_on", Status.AT_CAPACITY: "capacity_on",
               Status.TERMINATED: "terminated_on"}
DATE_LABELS = {"signed_on": _l("签约日期"), "started_on": _l("开工日期"), "production_on": _l("投产日期"),
               "capacity_on": _l("达产日期"), "terminated_on": _l("终止日期"),
               "planned_start_on": _l("计划开工日期"), "planned_production_on": _l("计划投产日期"),
               "planned_capacity_on": _l("计划达产日期")}


class LifecycleRefused(Refused):
    """A change to a project's course that the rules refuse; the message is for the user."""


def in_order(days: list[date | None]) -> bool:
    """Whether the dates given (blanks skipped) come one after another, a day shared allowed."""
    given = [day for day in days if day is not None]
    return given == sorted(given)


def check_planned_order(start: date | None, production: date | None, capacity: date | None) -> None:
    """Planned dates follow the course: start, then production, then full capacity."""
    if not in_order([start, production, capacity]):
        raise Refused(_("计划日期须按开工、投产、达产的先后顺序"), "planned_production_on")


def check_actual_order(signed: date | None, started: date | None, production: date | None,
                       capacity: date | None) -> None:
    """The dates reached follow the course: signing, start, production, full capacity."""
    if not in_order([signed, started, production, capacity]):
        raise Refused(_("签约、开工、投产、达产的日期先后不对"))


def refuse_future(day: date, label: str) -> None:
    if day > local_today():
        raise LifecycleRefused(_("%(label)s不能晚于今天", label=label))


def refuse_before(day: date, label: str, earlier_field: str, earlier: date) -> None:
    if day < earlier:
        raise LifecycleRefused(_("%(label)s不能早于%(other)s（%(date)s）", label=label,
                                 other=DATE_LABELS[earlier_field], date=earlier.isoformat()))
