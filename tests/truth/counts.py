"""The figures as the rules define them, counted in plain SQL written here, never through crm.reports."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import Date, bindparam, text

from crm.extensions import db
from crm.models.types import UTCDateTime

from .scopes import FIGURES, FUNDS, SHANGHAI, YI, Scope, Span
from .world import Place

FLOORS_YI = (1, 10, 30, 50, 100)  # 亿元以上, 10亿元以上 … each floor inclusive
BANDS_YI = ((1, 10), (10, 30), (30, 50), (50, 100), (100, None))
COUNTED = "p.verified AND NOT p.voided"
SIGNED = "p.signed_on BETWEEN :start AND :end"


def rows(statement: str, **params: Any) -> list[Any]:
    """Run plain SQL; days and instants are bound as their columns' types, so both databases compare like with like."""
    types = {date: Date(), datetime: UTCDateTime()}
    binds = [bindparam(name, type_=types[type(value)]) for name, value in params.items()
             if type(value) in types and f":{name}" in statement]
    return db.session.execute(text(statement).bindparams(*binds), params).all()


def number(value: Any) -> int:
    return int(value or 0)  # PostgreSQL sums BIGINT as NUMERIC


class Truth:
    """The figures as the rules define them, counted in SQL written here; each asked once per test."""

    def __init__(self) -> None:
        self.known: dict[tuple[Any, ...], Any] = {}

    def remembered(self, key: tuple[Any, ...], count: Any) -> Any:
        if key not in self.known:
            self.known[key] = count()
        return self.known[key]

    def figures(self, span: Span, scope: Scope) -> dict[str, int]:
        return self.remembered(("figures", span, scope), lambda: self.count_figures(span, scope))

    @staticmethod
    def count_figures(span: Span, scope: Scope) -> dict[str, int]:
        days = {"start": span.start, "end": span.end} | scope.params
        trips, = rows(f"SELECT COUNT(*) FROM trip t WHERE t.start_on BETWEEN :start AND :end AND {scope.of('t')}",
                      **days)[0]
        # a company with a credit code is the code, wherever held; one without is its record
        visits, companies = rows(
            "SELECT COUNT(*), COUNT(DISTINCT e.credit_code)"
            " + COUNT(DISTINCT CASE WHEN e.credit_code IS NULL THEN e.id END)"
            " FROM visit v JOIN enterprise e ON e.id = v.enterprise_id"
            f" WHERE v.visited_on BETWEEN :start AND :end AND {scope.of('v')}", **days)[0]
        since = datetime.combine(span.start, time(0), SHANGHAI)
        until = datetime.combine(span.end + timedelta(days=1), time(0), SHANGHAI)
        leads, = rows(f'SELECT COUNT(*) FROM "lead" l WHERE l.created_at >= :since AND l.created_at < :until'
                      f" AND {scope.of('l')}", since=since, until=until, **scope.params)[0]
        signed, yi, amount, started, producing = rows(
            f"SELECT SUM(CASE WHEN {SIGNED} THEN 1 ELSE 0 END),"
            f" SUM(CASE WHEN {SIGNED} AND p.total_investment_yuan >= {YI} THEN 1 ELSE 0 END),"
            f" SUM(CASE WHEN {SIGNED} THEN p.total_investment_yuan ELSE 0 END),"
            " SUM(CASE WHEN p.started_on BETWEEN :start AND :end THEN 1 ELSE 0 END),"
            " SUM(CASE WHEN p.production_on BETWEEN :start AND :end THEN 1 ELSE 0 END)"
            f" FROM project p WHERE {COUNTED} AND {scope.of('p')}", **days)[0]
        values = (trips, companies, visits, leads, signed, yi, amount, started, producing)
        return dict(zip(FIGURES, (number(value) for value in values), strict=True))

    def funds(self, span: Span, scope: Scope) -> dict[str, int]:
        """到资 and 固投完成额: verified tranches of counted projects that arrived in the span."""
        return self.remembered(("funds", span, scope), lambda: dict(zip(FUNDS, (number(value) for value in rows(
            "SELECT SUM(f.amount_yuan), SUM(CASE WHEN f.kind = 'fixed_asset' THEN f.amount_yuan ELSE 0 END)"
            f" FROM funds_tranche f JOIN project p ON p.id = f.project_id WHERE f.verified AND {COUNTED}"
            f" AND f.received_on BETWEEN :start AND :end AND {scope.of('p')}",
            start=span.start, end=span.end, **scope.params)[0]), strict=True)))

    def funds_rows(self, span: Span, scope: Scope) -> int:
        """The 到资台账's rows: the tranches counted in the span."""
        return self.remembered(("funds_rows", span, scope), lambda: number(rows(
            f"SELECT COUNT(*) FROM funds_tranche f JOIN project p ON p.id = f.project_id WHERE f.verified"
            f" AND {COUNTED} AND f.received_on BETWEEN :start AND :end AND {scope.of('p')}",
            start=span.start, end=span.end, **scope.params)[0][0]))

    def signed_where(self, span: Span, scope: Scope, condition: str, columns: str, tail: str = "") -> list[Any]:
        """Columns over the counted projects signed in the span that meet the condition."""
        return rows(f"SELECT {columns} FROM project p WHERE {COUNTED} AND {SIGNED} AND {condition}"
                    f" AND {scope.of('p')} {tail}", start=span.start, end=span.end, **scope.params)

    def pending(self, span: Span, scope: Scope) -> int:
        """Signed in the span, awaiting verification, not voided."""
        return self.remembered(("pending", span, scope), lambda: number(rows(
            f"SELECT COUNT(*) FROM project p WHERE NOT p.verified AND NOT p.voided AND {SIGNED} AND {scope.of('p')}",
            start=span.start, end=span.end, **scope.params)[0][0]))

    def fixed_assets(self, span: Span, scope: Scope) -> int:
        return number(self.signed_where(span, scope, "1 = 1", "SUM(p.fixed_asset_investment_yuan)")[0][0])

    def floors(self, span: Span, scope: Scope) -> dict[int, tuple[int, int]]:
        """Per size floor in 亿元: how many counted signings reach it, and their sum."""
        return self.remembered(("floors", span, scope), lambda: {floor: tuple(number(v) for v in self.signed_where(
            span, scope, f"p.total_investment_yuan >= {floor * YI}", "COUNT(*), SUM(p.total_investment_yuan)")[0])
            for floor in FLOORS_YI})

    def bands(self, span: Span, scope: Scope) -> dict[tuple[int, int | None], int]:
        """Per size band in 亿元 (lower bound in, upper out): how many counted signings."""
        counts = {}
        for low, high in BANDS_YI:
            below = "" if high is None else f" AND p.total_investment_yuan < {high * YI}"
            counts[low, high] = number(self.signed_where(
                span, scope, f"p.total_investment_yuan >= {low * YI}{below}", "COUNT(*)")[0][0])
        return counts

    def yi_codes(self, span: Span, scope: Scope) -> list[str]:
        """The 亿元以上 ranking: largest first, then the earlier signing, then the code."""
        return self.remembered(("yi", span, scope), lambda: [code for code, in self.signed_where(
            span, scope, f"p.total_investment_yuan >= {YI}", "p.code",
            "ORDER BY p.total_investment_yuan DESC, p.signed_on, p.code")])

    def months(self, span: Span, scope: Scope) -> dict[str, tuple[int, int]]:
        """Per month the span touches ('YYYY-MM'): counted signings and their sum, on the span's days of it."""
        found, first = {}, date(span.start.year, span.start.month, 1)
        while first <= span.end:
            following = date(first.year + first.month // 12, first.month % 12 + 1, 1)
            part = Span("", {}, (), max(first, span.start), min(following - timedelta(days=1), span.end))
            found[f"{first:%Y-%m}"] = tuple(number(v) for v in self.signed_where(
                part, scope, "1 = 1", "COUNT(*), SUM(p.total_investment_yuan)")[0])
            first = following
        return found

    def industries(self, span: Span, scope: Scope) -> dict[str, tuple[int, int]]:
        return {industry or "未分类": (number(count), number(amount)) for industry, count, amount in self.signed_where(
            span, scope, "1 = 1", "COALESCE(p.industry, ''), COUNT(*), SUM(p.total_investment_yuan)",
            "GROUP BY COALESCE(p.industry, '')")}

    def from_leads(self, span: Span, scope: Scope) -> tuple[int, int]:
        """Counted signings in the span that came from a lead of the scope: how many, and their sum."""
        count, amount = rows(
            f'SELECT COUNT(*), SUM(p.total_investment_yuan) FROM project p JOIN "lead" l ON l.id = p.lead_id'
            f" WHERE {COUNTED} AND {SIGNED} AND {scope.of('l')}", start=span.start, end=span.end, **scope.params)[0]
        return number(count), number(amount)

    def active_teams(self, scope: Scope) -> int:
        district = "" if scope.district_id is None else " AND district_id = :district_id"
        return number(rows(f"SELECT COUNT(*) FROM team WHERE active{district}", **scope.params)[0][0])

    def visits(self, span: Span, scope: Scope) -> int:
        return self.figures(span, scope)["visits"]

    def lead_list(self, scope: Scope) -> tuple[int, int]:
        """Every lead of the scope and their amounts: intended until signed, then its project's (voided: none)."""
        count, amount = rows(
            "SELECT COUNT(*), SUM(CASE WHEN l.stage = 'signed' THEN p.total_investment_yuan"
            " ELSE l.intended_investment_yuan END)"
            ' FROM "lead" l LEFT JOIN project p ON p.lead_id = l.id AND NOT p.voided'
            f" WHERE {scope.of('l')}", **scope.params)[0]
        return number(count), number(amount)

    def ranked_teams(self, span: Span, place: Place) -> set[str]:
        """The teams a district's ranking lists: its active ones, and any other with a figure in the span."""
        return {name for team_id, name, active in place.teams
                if active or any(self.figures(span, Scope(team_id=team_id)).values())}
