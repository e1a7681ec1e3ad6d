"""Who a reminder goes to, and the one above them when it stays unacted.

The ladder: a member → their team's 专班负责人 → the team's 带队领导; the project's 首席服务官 → the district's admins
(the office); a 督办's receiver → its issuer; an admin → a district leader. Inactive people receive nothing: their
reminder goes to the one above them. The district's people are read once (a few queries), then looked up.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import func, select

from ..extensions import db
from ..models import ReminderKind, Role, Team, User
from .due import Due

LADDER_LIMIT = 6  # a ladder is short; a loop in it (a team lead heading their own team) ends here


@dataclass
class People:
    """The reach's district's people, as the ladder reads them."""

    roles: dict[int, Role] = field(default_factory=dict)
    teams: dict[int, int | None] = field(default_factory=dict)  # person → their team
    active: set[int] = field(default_factory=set)
    team_leads: dict[int, int] = field(default_factory=dict)  # team → its (first active) 专班负责人
    team_leaders: dict[int, int] = field(default_factory=dict)  # team → its 带队领导
    admins: list[int] = field(default_factory=list)  # active, by id
    leaders: list[int] = field(default_factory=list)  # active, by id

    def is_active(self, person: int | None) -> bool:
        return person is not None and person in self.active


def district_people() -> People:
    """Read the reach's district's people, teams and their heads."""
    people = People()
    for person, role, team, active in db.session.execute(select(User.id, User.role, User.team_id, User.active)):
        people.roles[person], people.teams[person] = role, team
        if active:
            people.active.add(person)
    leads = db.session.execute(select(User.team_id, func.min(User.id))
                               .where(User.role == Role.LEAD, User.active.is_(True), User.team_id.is_not(None))
                               .group_by(User.team_id))
    people.team_leads = {team: person for team, person in leads}
    people.team_leaders = {team: leader for team, leader in
                           db.session.execute(select(Team.id, Team.leader_id).where(Team.leader_id.is_not(None)))}
    by_id = sorted(people.active)
    people.admins = [person for person in by_id if people.roles[person] is Role.ADMIN]
    people.leaders = [person for person in by_id if people.roles[person] is Role.LEADER]
    return people


def _team_heads(people: People, team: int | None) -> list[int]:
    """A team's 专班负责人, else its 带队领导, else the office."""
    if team is not None and team in people.team_leads:
        return [people.team_leads[team]]
    leader = people.team_leaders.get(team) if team is not None else None
    if people.is_active(leader):
        return [leader]  # type: ignore[list-item]
    return list(people.admins)


def above(people: People, person: int, due: Due) -> list[int]:
    """The one(s) above a person for this record (whoever they are, active or not)."""
    if due.kind is ReminderKind.SUPERVISION and person != due.issuer_id and due.issuer_id is not None:
        return [due.issuer_id]  # a 督办's receiver (or whoever stood in) answers to its issuer
    if person == due.chief_id:
        return list(people.admins)  # the 首席服务官 → the office
    role, team = people.roles.get(person), people.teams.get(person)
    if role is Role.MEMBER:
        return _team_heads(people, team if team is not None else due.team_id)
    if role is Role.LEAD:
        leader = people.team_leaders.get(team) if team is not None else None
        return [leader] if leader is not None else list(people.admins)
    if role is Role.ADMIN:
        return people.leaders[:1]
    return []  # a district leader is the top of the ladder


def _active_or_above(people: People, persons: list[int], due: Due, depth: int = 0) -> list[int]:
    found: list[int] = []
    for person in persons:
        if people.is_active(person):
            found.append(person)
        elif depth < LADDER_LIMIT:
            found += _active_or_above(people, above(people, person, due), due, depth + 1)
    return list(dict.fromkeys(found))


def first_recipients(people: People, due: Due) -> list[int]:
    """Who a record's reminder goes to: the person who can act (or, inactive, the one above them), else the team's
    head; a signing waiting for 认定 goes to the office."""
    if due.to_office:
        return list(people.admins)
    if due.actor_id is not None:
        return _active_or_above(people, [due.actor_id], due)
    return _active_or_above(people, _team_heads(people, due.team_id), due)


def escalated_recipients(people: People, person: int, due: Due) -> list[int]:
    """Who a reminder left unacted goes to next: the active one(s) above the person, never the person again."""
    return [other for other in _active_or_above(people, above(people, person, due), due) if other != person]
