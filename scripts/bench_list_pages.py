"""The list pages bench_reports.py times: the first page of visits, leads and projects, as a district's leader.

Each page is set against hand-written SQL that reads what the page shows: the filters' choices, the first page's
rows (the columns its table needs, joined to the names it prints, in the list's order, LIMIT the page size),
the pager's count as the page counts it (up to a bound past the page), and for projects the totals row, whose
count is the pager's. A row's team is named from the teams the filter lists. Every statement carries the district
limit the app adds: a record is the district's through its team, an enterprise and a person by their own
district; on SQLite the limit is marked `likely`, as the app marks it, so that both sides get the plan that walks
the list's index.
"""

from __future__ import annotations

import re
from typing import Any

from bench_common import DISTRICT_TEAMS, PAGE_SIZE, SIZE_FLOORS, YI_TEAM_OPTIONS, PlainDB

TEAMS_BY_NAME = "SELECT id, name FROM team WHERE district_id = :district ORDER BY name"
COUNTED = "p.verified = TRUE AND p.voided = FALSE"
PENDING = "p.verified = FALSE AND p.voided = FALSE"


def of_district(db: PlainDB, record: str) -> str:
    """The district's limit on a record (by its team) and on the enterprise it is joined to."""
    return f"{db.likely(f'{record}.{DISTRICT_TEAMS}')} AND {db.likely('e.district_id = :district')}"


def person(db: PlainDB, column: str) -> str:
    """The person a column names, if any, kept to the district."""
    return f'LEFT JOIN "user" u ON u.id = {column} AND {db.likely("u.district_id = :district")}'


def visit_rows(db: PlainDB) -> str:
    return f"""
SELECT v.id, v.visited_on, e.name, v.kind, v.team_id, u.display_name, v.follow_up_on
FROM visit v JOIN enterprise e ON e.id = v.enterprise_id {person(db, "v.created_by_id")}
WHERE {of_district(db, "v")}
ORDER BY v.visited_on DESC, v.id DESC LIMIT :limit"""


def visits_listed(db: PlainDB) -> str:
    return f"""SELECT v.id FROM visit v JOIN enterprise e ON e.id = v.enterprise_id
WHERE {db.likely(f"v.{DISTRICT_TEAMS}")} AND {db.likely("e.district_id = :district")}"""


LEAD_TEAMS = "SELECT id, name FROM team WHERE district_id = :district ORDER BY active DESC, name"
LEAD_OWNERS = """
SELECT u.id, u.display_name, t.name FROM "user" u LEFT JOIN team t ON t.id = u.team_id AND t.district_id = :district
WHERE u.active = TRUE AND u.team_id IS NOT NULL AND u.district_id = :district ORDER BY u.team_id, u.display_name"""


def lead_rows(db: PlainDB) -> str:
    return f"""
SELECT l.id, l.title, e.name, l.team_id, l.stage, l.status, l.intended_investment_yuan, u.display_name,
  l.next_action_on
FROM lead l JOIN enterprise e ON e.id = l.enterprise_id {person(db, "l.owner_id")}
WHERE {of_district(db, "l")}
ORDER BY l.created_at DESC, l.id DESC LIMIT :limit"""


def leads_listed(db: PlainDB) -> str:
    return f"""SELECT l.id FROM lead l JOIN enterprise e ON e.id = l.enterprise_id
WHERE {db.likely(f"l.{DISTRICT_TEAMS}")} AND {db.likely("e.district_id = :district")}"""


def project_rows(db: PlainDB) -> str:
    """The project list as it opens: what the figures count (verified, not voided), newest signing first."""
    return f"""
SELECT p.id, p.code, p.name, e.name, p.team_id, p.signed_on, p.total_investment_yuan, p.status, p.verified,
  p.voided, p.started_on, p.planned_start_on, p.production_on, p.planned_production_on, p.capacity_on,
  p.planned_capacity_on, u.display_name
FROM project p JOIN enterprise e ON e.id = p.enterprise_id {person(db, "p.chief_officer_id")}
WHERE {COUNTED} AND {of_district(db, "p")}
ORDER BY p.signed_on DESC, p.id DESC LIMIT :limit"""


def project_industries(db: PlainDB) -> str:
    return f"""SELECT DISTINCT industry FROM project
WHERE industry IS NOT NULL AND {db.likely(DISTRICT_TEAMS)} ORDER BY industry"""


def tally(where: str) -> str:
    return (f"count(*) FILTER (WHERE {where}), coalesce(sum(p.total_investment_yuan) FILTER (WHERE {where}), 0), "
            f"coalesce(sum(p.fixed_asset_investment_yuan) FILTER (WHERE {where}), 0)")


def project_totals(db: PlainDB) -> str:
    """The totals under the list: the counted line and its size buckets; pending signings the filters also pick."""
    buckets = ", ".join(tally(f"{COUNTED} AND p.total_investment_yuan >= {floor}") for floor in SIZE_FLOORS)
    return f"""
SELECT {tally(COUNTED)}, {buckets}, count(*) FILTER (WHERE {PENDING})
FROM project p JOIN enterprise e ON e.id = p.enterprise_id
WHERE p.voided = FALSE AND {db.likely(f"p.{DISTRICT_TEAMS}")} AND {db.likely("e.district_id = :district")}"""


def listed(db: PlainDB, rows: str, bound: int) -> int:
    """How many rows a list holds, counted as its pager counts them: at most `bound` + 1."""
    return db.rows(f"SELECT count(*) FROM ({rows} LIMIT :bound) listed", bound=bound + 1)[0][0]


def named(rows: list[tuple[Any, ...]], teams: list[tuple[Any, ...]], column: int) -> list[tuple[Any, ...]]:
    """The rows with the team id in `column` replaced by the team's name."""
    names = dict(teams)
    return [(*row[:column], names.get(row[column]), *row[column + 1:]) for row in rows]


def visits_page(db: PlainDB, bound: int) -> dict[str, Any]:
    """The visits' first page: the team choices, 50 rows, the count."""
    teams = db.rows(TEAMS_BY_NAME)
    result = {"teams": teams, "rows": named(db.rows(visit_rows(db), limit=PAGE_SIZE), teams, 4),
              "count": listed(db, visits_listed(db), bound)}
    db.end()
    return result


def leads_page(db: PlainDB, bound: int) -> dict[str, Any]:
    """The lead list's first page: the team and owner choices, 50 rows, the count."""
    teams = db.rows(LEAD_TEAMS)
    result = {"teams": teams, "owners": db.rows(LEAD_OWNERS),
              "rows": named(db.rows(lead_rows(db), limit=PAGE_SIZE), teams, 3),
              "count": listed(db, leads_listed(db), bound)}
    db.end()
    return result


def projects_page(db: PlainDB) -> dict[str, Any]:
    """The project list's first page: team and industry choices, the totals (their count is the pager's), 50 rows."""
    totals, teams = db.rows(project_totals(db))[0], db.rows(YI_TEAM_OPTIONS)
    result = {"teams": teams, "industries": db.rows(project_industries(db)),
              "count": totals[0], "total_yuan": int(totals[1]), "pending": totals[-1],
              "rows": named(db.rows(project_rows(db), limit=PAGE_SIZE), teams, 4)}
    db.end()
    return result


def shown_count(html: str) -> str | None:
    """The count a list prints ('共 1000+ 条' reads '1000+')."""
    found = re.search(r"共 ([\d,]+\+?) 条", html)
    return found[1].replace(",", "") if found else None


def check_list(kind: str, bound: int) -> Any:
    """A check that the page shows the SQL's rows, in its order, and its count (its totals, for projects)."""
    def check(_app: Any, _window: Any, result: dict[str, Any], body: bytes) -> str | None:
        html = body.decode()
        ids = [int(n) for n in re.findall(rf'href="/{kind}/(\d+)"', html)]
        if not ids or ids != [row[0] for row in result["rows"]]:
            return f"the first page's {kind} differ"
        if kind == "projects":
            shown = re.search(r'data-count="(\d+)" data-total-yuan="(\d+)" data-pending="(\d+)"', html)
            wanted = (result["count"], result["total_yuan"], result["pending"])
            if not shown or tuple(int(n) for n in shown.groups()) != wanted:
                return f"totals differ: page {shown and shown.groups()}, SQL {wanted}"
            return None
        shown, wanted_count = shown_count(html), f"{bound}+" if result["count"] > bound else str(result["count"])
        if (shown is not None or result["count"] > PAGE_SIZE) and shown != wanted_count:  # one page: no pager
            return f"the count differs: page {shown}, SQL {wanted_count}"
        return None
    return check
