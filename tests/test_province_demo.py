"""The province demo, the volume benchmark's data, at a small size: its 调度会 holds something believable (money in
place, late nodes, 督办 in every standing), drawn from the seed without moving any figure it had before."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import func, select

import crm.demo.province as province
from crm.domain.periods import today
from crm.extensions import db
from crm.models import (
    FundsTranche,
    Lead,
    Project,
    ProjectNode,
    ProjectStatus,
    Supervision,
    SupervisionAnswer,
    SupervisionStatus,
    Visit,
)
from crm.reports.dispatch import meeting

SMALL = {"teams": 10, "enterprises": 2_000, "trips": 200, "visits": 3_000, "leads": 5_000, "projects": 4_000}
YEAR = today().year


@pytest.fixture
def small(monkeypatch: pytest.MonkeyPatch) -> None:
    """The province demo at a few thousand rows a table."""
    for table, count in SMALL.items():
        monkeypatch.setitem(province.VOLUMES, table, count)


def load(seed: int = 1) -> None:
    province.load_province(YEAR, seed, None)
    db.session.flush()


def test_most_projects_under_way_hold_30_to_90_percent_mostly_verified(app: Flask, small: None) -> None:
    load()
    under_way = (ProjectStatus.STARTED, ProjectStatus.PRODUCING)
    held = (select(Project.total_investment_yuan, func.coalesce(func.sum(FundsTranche.amount_yuan), 0),
                   func.count(FundsTranche.id))
            .outerjoin(FundsTranche, FundsTranche.project_id == Project.id)
            .where(Project.status.in_(under_way), Project.started_on < today() - timedelta(days=60))
            .group_by(Project.id))
    rows = db.session.execute(held).all()
    within_band = [count for total, amount, count in rows if 0.29 <= amount / total <= 0.9]
    assert len(within_band) >= 0.8 * len(rows) > 100
    assert set(within_band) == {1, 2, 3, 4, 5}
    tranches, verified = db.session.execute(
        select(func.count(), func.count().filter(FundsTranche.verified.is_(True)))).one()
    assert 0.6 * tranches < verified < tranches


def test_the_meeting_lists_red_and_yellow_projects_and_orders_in_every_standing(app: Flask, small: None) -> None:
    load()
    board = meeting(today(), today() - timedelta(days=14), district_id=None)
    assert board.red and board.yellow and board.newly_red
    assert all(project.unit for project in board.projects)  # every late node has a unit responsible
    assert board.reached and board.arrived and board.arrived_yuan > 0
    overdue = [order for order in board.orders if order.overdue]
    assert overdue and len(overdue) < len(board.orders)
    answered = select(SupervisionAnswer.supervision_id)
    standings = dict(db.session.execute(
        select(Supervision.status, func.count()).group_by(Supervision.status)).all())
    assert set(standings) == set(SupervisionStatus)
    assert db.session.scalar(select(func.count()).where(Supervision.status == SupervisionStatus.OPEN,
                                                        Supervision.id.in_(answered)))  # answered, awaiting review
    assert db.session.scalar(select(func.count()).where(Supervision.status == SupervisionStatus.OPEN,
                                                        Supervision.id.not_in(answered)))  # not answered yet
    # every project has its ten nodes, none reached after the demo's today
    assert db.session.scalar(select(func.count()).select_from(ProjectNode)) == 10 * SMALL["projects"]
    assert not db.session.scalar(select(func.count()).where(ProjectNode.actual_on > today()))


def earlier_rows() -> list[Any]:
    """What the province demo held before it had a 调度会: its projects, visits and leads."""
    return [*db.session.execute(select(Project.code, Project.signed_on, Project.total_investment_yuan,
                                       Project.started_on, Project.verified).order_by(Project.id)),
            *db.session.execute(select(Visit.uuid, Visit.visited_on).order_by(Visit.id)),
            *db.session.execute(select(Lead.stage, Lead.intended_investment_yuan).order_by(Lead.id))]


def scheduling_rows() -> list[Any]:
    return [*db.session.execute(select(FundsTranche.project_id, FundsTranche.received_on, FundsTranche.amount_yuan,
                                       FundsTranche.verified).order_by(FundsTranche.id)),
            *db.session.execute(select(ProjectNode.project_id, ProjectNode.node, ProjectNode.planned_on,
                                       ProjectNode.actual_on).order_by(ProjectNode.id)),
            *db.session.execute(select(Supervision.project_id, Supervision.deadline, Supervision.status)
                                .order_by(Supervision.id))]


@pytest.mark.slow  # loads the demo four times
def test_the_seed_makes_the_same_rows_and_the_earlier_ones_stay(app: Flask, small: None,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    load()
    first, before = scheduling_rows(), earlier_rows()
    db.session.rollback()
    load()
    assert scheduling_rows() == first
    db.session.rollback()
    load(seed=2)
    assert scheduling_rows() != first
    db.session.rollback()
    monkeypatch.setattr(province, "add_dispatch", lambda bulk, rng: None)
    load()
    assert earlier_rows() == before
