"""What each figure is asked for: over which local days (a Span) and whose records (a Scope)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from zoneinfo import ZoneInfo

SHANGHAI = ZoneInfo("Asia/Shanghai")
NOW = datetime(2027, 1, 15, 10, tzinfo=SHANGHAI)  # every period below is over: no figure depends on the clock
YI = 100_000_000  # yuan in 1亿元


@dataclass(frozen=True)
class Span:
    """A period as a page's query and the command line ask for it, and the local days it covers."""

    name: str
    query: dict[str, str] = field(compare=False)  # the name, start and end tell spans apart
    options: tuple[str, ...]
    start: date
    end: date


SPANS = (
    Span("2026年", {"year": "2026"}, ("--year", "2026"), date(2026, 1, 1), date(2026, 12, 31)),
    Span("2026年第2季度", {"year": "2026", "quarter": "2"}, ("--year", "2026", "--quarter", "2"),
         date(2026, 4, 1), date(2026, 6, 30)),
    Span("2026年12月", {"year": "2026", "month": "12"}, ("--year", "2026", "--month", "12"),
         date(2026, 12, 1), date(2026, 12, 31)),
    Span("2025-12-31至2026-03-31", {"start": "2025-12-31", "end": "2026-03-31"},
         ("--start", "2025-12-31", "--end", "2026-03-31"), date(2025, 12, 31), date(2026, 3, 31)),
)
FIGURES = ("trips", "enterprises_visited", "visits", "new_leads", "signed_projects", "yi_projects",
           "signed_investment_yuan", "started_projects", "producing_projects")
MONEY = "signed_investment_yuan"
FUNDS = ("funds_yuan", "fixed_asset_done_yuan")  # 到资: in the figures, not every table (Truth.funds)


@dataclass(frozen=True)
class Scope:
    """Whose records: one team's, one district's, or (neither) the whole city's."""

    team_id: int | None = None
    district_id: int | None = None

    def of(self, alias: str) -> str:
        """SQL keeping the rows of `alias` (a table with team_id) in the scope."""
        if self.team_id is not None:
            return f"{alias}.team_id = :team_id"
        if self.district_id is not None:
            return f"{alias}.team_id IN (SELECT id FROM team WHERE district_id = :district_id)"
        return "1 = 1"

    @property
    def params(self) -> dict[str, int]:
        if self.team_id is not None:
            return {"team_id": self.team_id}
        return {} if self.district_id is None else {"district_id": self.district_id}


CITY = Scope()
