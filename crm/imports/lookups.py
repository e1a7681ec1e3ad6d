"""What the rows of an import refer to by name, found in a few bulk queries: teams, enterprises, people, industries.

A reference that matches nothing on file is collected as new (`new_teams`, `new_enterprises`) for the user to
confirm; industries are free text, so unseen ones are only listed (`new_industries`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, TypeVar

from sqlalchemy import select

from ..enterprises.names import CITIES, PROVINCES, fold, normalise_name
from ..enterprises.resolver import choose
from ..extensions import db
from ..models import Enterprise, Lead, Ownership, Project, Team, User

CHUNK = 500  # values in one IN (…): far below SQLite's and PostgreSQL's parameter limits
TEAM_AFFIXES = re.compile(r"^驻|(?:招商)?(?:工作)?专班$|招商组$|小分队$")
TITLE_IN_BRACKETS = re.compile(r"[(（][^()（）]*[)）]$")
PROVINCE_PREFIX = re.compile(
    "^(" + "|".join(sorted(PROVINCES, key=len, reverse=True)) + ")(?:省|市|自治区|特别行政区)?")
CITY_PREFIX = re.compile("^(" + "|".join(sorted(CITIES, key=len, reverse=True)) + ")市?")

T = TypeVar("T")
EnterpriseRef = int | str  # an enterprise on file by id, or the key of one to be created


def chunks(values: Iterable[T], size: int = CHUNK) -> Iterator[list[T]]:
    batch: list[T] = []
    for value in values:
        batch.append(value)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def team_key(name: str) -> str:
    """A team's name as compared: 驻上海招商专班, 上海专班 and 上海 are one team."""
    key = fold(name)
    stripped = TEAM_AFFIXES.sub("", key)
    return TEAM_AFFIXES.sub("", stripped) or key


@lru_cache(maxsize=65536)
def name_key(name: str) -> str:
    """normalise_name, remembered: a file names the same investors again and again."""
    return normalise_name(name)


def person_name(text: str) -> str:
    """A person as a list names them: 张三（区委副书记） is 张三."""
    return TITLE_IN_BRACKETS.sub("", text.strip()).strip()


@lru_cache(maxsize=4096)
def split_origin(text: str) -> tuple[str | None, str | None]:
    """Province and city from 来源地: 江苏苏州, 广东省深圳市, 上海 (a municipality is both), 苏州 (a city alone)."""
    text = fold(text)
    if match := PROVINCE_PREFIX.match(text):
        province = match[1]
        rest = text[match.end():].removesuffix("市") or None
        if rest is None and province in ("北京", "天津", "上海", "重庆", "香港", "澳门"):
            rest = province
        return province, rest
    if match := CITY_PREFIX.match(text):
        return None, match[1]
    return None, text.removesuffix("市") or None


@dataclass
class NewEnterprise:
    """An enterprise the file names and the database does not hold: created when the import is confirmed."""

    key: str
    name: str
    credit_code: str | None
    industry: str | None = None
    province: str | None = None
    city: str | None = None
    ownership: Ownership | None = None
    rows: list[int] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {"name": self.name, "credit_code": self.credit_code, "rows": self.rows}


@dataclass(frozen=True)
class KnownEnterprise:
    id: int
    name: str
    credit_code: str | None


class Lookups:
    """The records an import's rows name, prefetched, and the new ones they would need."""

    def __init__(self, team_choices: Mapping[str, int] | None = None) -> None:
        self.team_choices = {team_key(name): team_id for name, team_id in (team_choices or {}).items()}
        self.teams: dict[str, int] = {}
        self.team_names: dict[int, str] = {}
        self.by_code: dict[str, KnownEnterprise] = {}
        self.by_key: dict[str, KnownEnterprise] = {}
        self.users: dict[str, list[int]] = {}
        self.user_teams: dict[int, int | None] = {}
        self.industries: set[str] = set()
        self.new_teams: dict[str, str] = {}
        self.new_enterprises: dict[str, NewEnterprise] = {}
        self.new_keys: dict[str, str] = {}  # code:… and name:… → the key of the new enterprise they name
        self.new_industries: dict[str, str] = {}

    def prefetch(self, *, enterprises: Sequence[tuple[str, str | None]] = (), people: Iterable[str] = (),
                 industries: bool = True) -> None:
        """Load the teams, the enterprises named (by credit code or name key), the people named, the industries."""
        for team_id, name in db.session.execute(select(Team.id, Team.name)):
            self.teams.setdefault(team_key(name), team_id)
            self.team_names[team_id] = name
        codes = sorted({code for _name, code in enterprises if code})
        keys = sorted({name_key(name) for name, _code in enterprises})
        merged: dict[int, int] = {}
        for batch in chunks(codes):
            for row in db.session.execute(select(Enterprise.id, Enterprise.name, Enterprise.credit_code,
                                                 Enterprise.merged_into_id).where(Enterprise.credit_code.in_(batch))):
                self.by_code[row.credit_code] = KnownEnterprise(row.id, row.name, row.credit_code)
                if row.merged_into_id is not None:
                    merged[row.id] = row.merged_into_id
        for batch in chunks(keys):
            for row in db.session.execute(
                    select(Enterprise.id, Enterprise.name, Enterprise.name_key, Enterprise.credit_code)
                    .where(Enterprise.name_key.in_(batch), Enterprise.merged_into_id.is_(None))
                    .order_by(Enterprise.id)):
                self.by_key.setdefault(row.name_key, KnownEnterprise(row.id, row.name, row.credit_code))
        if merged:
            self.follow_merges(merged)
        names = sorted({person_name(name) for name in people if name.strip()})
        for batch in chunks(names):
            for row in db.session.execute(select(User.id, User.display_name, User.username, User.team_id)
                                          .where(User.display_name.in_(batch) | User.username.in_(batch))
                                          .order_by(User.id)):
                for name in {row.display_name, row.username}:
                    self.users.setdefault(name, []).append(row.id)
                self.user_teams[row.id] = row.team_id
        if industries:
            for column in (Project.industry, Enterprise.industry, Lead.industry):
                self.industries.update(fold(value) for value in db.session.scalars(
                    select(column).where(column.is_not(None)).distinct()))

    def follow_merges(self, merged: dict[int, int]) -> None:
        """Point codes held by merged-away enterprises at the enterprise they were merged into."""
        kept: dict[int, KnownEnterprise] = {}
        pending = set(merged.values())
        while pending:
            rows = db.session.execute(select(Enterprise.id, Enterprise.name, Enterprise.credit_code,
                                             Enterprise.merged_into_id).where(Enterprise.id.in_(sorted(pending))))
            pending = set()
            for row in rows:
                if row.merged_into_id is not None and row.merged_into_id not in kept:
                    merged[row.id] = row.merged_into_id
                    pending.add(row.merged_into_id)
                kept[row.id] = KnownEnterprise(row.id, row.name, row.credit_code)
        for code, known in list(self.by_code.items()):
            target, seen = known.id, set()
            while target in merged and target not in seen:
                seen.add(target)
                target = merged[target]
            if target != known.id and target in kept:
                self.by_code[code] = kept[target]

    def team(self, name: str) -> int | str:
        """The team a name means (by id), or the key of a new team to be created."""
        key = team_key(name)
        if key in self.team_choices:
            return self.team_choices[key]
        if key in self.teams:
            return self.teams[key]
        self.new_teams.setdefault(key, name.strip())
        return "team:" + key

    def known_enterprise(self, name: str, code: str | None) -> KnownEnterprise | None:
        """The enterprise on file a name and credit code mean, by the rule of crm/enterprises/resolver.py."""
        return choose(self.by_code.get(code) if code else None, self.by_key.get(name_key(name)), code)

    def enterprise(self, name: str, code: str | None, row: int, **details: Any) -> EnterpriseRef:
        """The enterprise a row names, by id, or the key of a new one (the first row naming it gives its details).

        Rows naming one new enterprise by its name, with or without its code, share it.
        """
        known = self.known_enterprise(name, code)
        if known is not None:
            return known.id
        by_name = "name:" + name_key(name)
        key = self.new_keys.get("code:" + code) if code else None
        if key is None:
            key = self.new_keys.get(by_name)
            if key is not None and code and self.new_enterprises[key].credit_code not in (None, code):
                key = None  # same name, another code: another enterprise
        if key is None:
            key = "code:" + code if code else by_name
            self.new_enterprises[key] = NewEnterprise(key, name.strip(), code, **details)
            self.new_keys.setdefault(by_name, key)
        new = self.new_enterprises[key]
        if code and new.credit_code is None:
            new.credit_code = code
        if code:
            self.new_keys.setdefault("code:" + code, key)
        new.rows.append(row)
        return key

    def person(self, name: str) -> tuple[int | None, bool]:
        """The user a name means, and whether the name was ambiguous (two people of that name)."""
        ids = self.users.get(person_name(name), [])
        return (ids[0] if len(ids) == 1 else None), len(ids) > 1

    def industry(self, name: str | None) -> None:
        """Note an industry; one never seen before is listed for information."""
        if name and (key := fold(name)) not in self.industries:
            self.new_industries.setdefault(key, name)
