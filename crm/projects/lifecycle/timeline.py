"""A project's way from signing to full capacity: planned and actual dates, and the days in between."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from ...models import Project
from ...web.i18n import lazy_gettext as _l


@dataclass(frozen=True)
class Step:
    """One milestone; `days` counts from the previous milestone reached (both actual), else None."""

    label: str
    planned: date | None
    actual: date | None
    since: str | None = None  # the label of the milestone `days` counts from
    days: int | None = None


def timeline(project: Project) -> list[Step]:
    """签约 → 开工 → 投产 → 达产, then the project's further milestones, each with its days since the last."""
    steps = [Step(str(_l("签约")), None, project.signed_on)]
    main = ((_l("开工"), project.planned_start_on, project.started_on),
            (_l("投产"), project.planned_production_on, project.production_on),
            (_l("达产"), project.planned_capacity_on, project.capacity_on))
    for label, planned, actual in main:
        steps.append(reached(str(label), planned, actual, steps))
    extra = sorted(project.milestones, key=lambda m: (m.achieved_on or m.planned_on or date.max, m.id))
    for milestone in extra:
        steps.append(reached(milestone.name, milestone.planned_on, milestone.achieved_on, steps))
    return steps


def reached(label: str, planned: date | None, actual: date | None, before: list[Step]) -> Step:
    """A step, counting days from the latest earlier step reached on or before it."""
    if actual is None:
        return Step(label, planned, actual)
    earlier = [(step.actual, order, step.label) for order, step in enumerate(before)
               if step.actual is not None and step.actual <= actual]
    if not earlier:
        return Step(label, planned, actual)
    since_on, _order, since = max(earlier)
    return Step(label, planned, actual, since, (actual - since_on).days)
