"""督办 in the demo: the chief service officers (首席服务官) order their projects' open issues handled by a date; in the
neighbour districts, which have neither, the office orders a few re-planned projects' next nodes done.

Drawn from a generator of its own, after everything else of the year, so no other figure of the demo moves.
Some orders are closed (销号), some answered and awaiting review, some sent back, some past their deadline.
"""

from __future__ import annotations

import random
from datetime import date, timedelta

from ..extensions import db
from ..models import IssueStatus, Project, Supervision, SupervisionAnswer, SupervisionStatus, Team, User
from .cast import District
from .dates import moment, random_day
from .path import Replan

ANSWERS = ("已与责任单位对接，正在办理", "已召开专题协调会，明确办理时限", "相关手续已受理，预计两周内办结",
           "已现场踏勘，方案已报区政府审定", "已办结，企业表示满意")
RETURN_NOTES = ("请写明具体办结时间", "办理情况不够具体，请补充进展")
OFFICE_ORDERS = 3  # a neighbour office's orders


def build_supervision(district: District, rng: random.Random, projects: list[Project]) -> None:
    """An order on each open issue (raised this year) of a project a leader serves, issued by that leader in the
    last three months."""
    end = district.end
    for project in projects:
        leader = project.chief_officer
        if leader is None:
            continue
        for issue in project.issues:
            if issue.status is IssueStatus.CLOSED or not district.start <= issue.raised_on <= end:
                continue  # an issue of an earlier year still open is the office's to chase, not a fresh order
            issued = random_day(rng, max(issue.raised_on, end - timedelta(days=90)), end)
            order = Supervision(project=project, issue=issue, what=f"请协调解决：{issue.description}",
                                receiver_unit=issue.responsible_unit or "区招商局", issuer=leader,
                                issued_at=moment(issued, 9), deadline=issued + timedelta(days=rng.randint(10, 45)))
            answer(rng, order, issued, end, project.service_team or [leader])
            db.session.add(order)


def office_orders(rng: random.Random, replans: list[Replan], office: User, leads: dict[Team, User],
                  end: date) -> None:
    """A few orders of a district's office, each issued at the 调度会 that re-planned a project: to the unit of the
    first node that waits, due on its new planned date; answered by the project's team lead."""
    for replan in rng.sample(replans, min(OFFICE_ORDERS, len(replans))):
        project, node, issued = replan.project, replan.node, replan.met_on
        order = Supervision(project=project, what=f"请按调度会调整后的计划推进{node.label}，按期办结",
                            receiver_unit=replan.unit, issuer=office, issued_at=moment(issued, 9),
                            deadline=replan.planned_on)
        answer(rng, order, issued, end, [leads[project.team]])
        db.session.add(order)


def answer(rng: random.Random, order: Supervision, issued: date, end: date, answerers: list[User]) -> None:
    """Answer, close or send back the order as the days up to the demo's today allow."""
    answered = issued + timedelta(days=rng.randint(2, 15))
    if answered > end or rng.random() < 0.25:
        return  # not answered yet: open, and overdue once its deadline has passed
    order.answers.append(SupervisionAnswer(text=rng.choice(ANSWERS), answered_by=rng.choice(answerers),
                                           answered_at=moment(answered, 10)))
    roll, closed = rng.random(), answered + timedelta(days=rng.randint(1, 7))
    if roll < 0.55 and closed <= end:
        order.status, order.closed_on = SupervisionStatus.CLOSED, closed
    elif roll < 0.7:
        order.status, order.return_note = SupervisionStatus.RETURNED, rng.choice(RETURN_NOTES)
