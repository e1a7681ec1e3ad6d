"""The dashboard's KPI cards: a period's figures beside the same days last year and the yearly target.

Every figure comes from figures.py and targets.py, and 同比 from year_on_year.py (a period in progress against
last year's same days up to today's date); open investor issues (问题诉求) by rules.py,
in one grouped query.
Completion is measured the way the team ranking measures it: the year to the period's end against the year's
target (the district's being the sum of the teams'), shown next to 时序进度.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import select

from ..domain.money import counted_in_yi, yi_unit
from ..domain.periods import Period
from ..extensions import db
from ..models import Project, TargetMetric, Team
from ..web.i18n import lazy_gettext as _l
from .figures import FIELD_OF, Figures, district_figures, of_district, team_figures, team_of
from .rules import open_issue_counts
from .targets import completion, district_targets, team_targets, time_progress, year_to_date
from .year_on_year import change, compared_period

OPEN_ISSUES = "open_issues"

# (figure, label, unit) in the order the cards are shown: signings first, then the fieldwork behind them.
CARDS: tuple[tuple[str, object, object | None], ...] = (
    ("signed_projects", _l("签约项目"), _l("个")),
    ("yi_projects", _l("亿元以上项目"), _l("个")),
    ("signed_investment_yuan", _l("签约总投资"), None),  # counted_in_yi: 亿元, or million yuan in English
    ("trips", _l("外出招商"), _l("次")),
    ("enterprises_visited", _l("拜访企业"), _l("家")),
    ("started_projects", _l("开工项目"), _l("个")),
    ("producing_projects", _l("投产项目"), _l("个")),
    (OPEN_ISSUES, _l("未销号问题诉求"), _l("件")),
    ("funds_yuan", _l("到资额"), None),  # money in place, verified (crm/reports/funds.py): no yearly target
    ("fixed_asset_done_yuan", _l("固投完成额"), None),
)
METRIC_OF: dict[str, TargetMetric] = {name: metric for metric, name in FIELD_OF.items()}


@dataclass(frozen=True)
class Card:
    """One figure of the period, with 同比 and the completion of its yearly target."""

    key: str
    label: str
    unit: str
    value: int
    last_year: int  # the figure of the compared days last year (DashboardCards.last_year)
    target: int | None  # the year's target; None when none is set
    completion: Decimal | None  # per cent of the target reached by the period's end

    @property
    def money(self) -> bool:
        return self.key.endswith("_yuan")

    @property
    def change(self) -> Decimal | None:
        """同比 change in per cent, one decimal; None when last year's figure was 0."""
        return change(self.value, self.last_year)

    def shown(self, amount: int | None) -> str:
        """A figure as the card prints it: 亿元 with two decimals and separators for money, the count otherwise."""
        if amount is None:
            return "—"
        return counted_in_yi(amount)[0] if self.money else f"{amount:,}"


@dataclass(frozen=True)
class CardBlock:
    """The cards of the district or of one team."""

    team_id: int | None
    team_name: str | None
    cards: tuple[Card, ...]

    def card(self, key: str) -> Card:
        return next(card for card in self.cards if card.key == key)


@dataclass(frozen=True)
class DashboardCards:
    """What the dashboard shows for a period: the district's cards, and the viewer's team's if asked."""

    period: Period
    last_year: Period  # the days 同比 compares with
    time_progress: Decimal
    district_figures: Figures
    district: CardBlock
    team: CardBlock | None


def make_block(team: tuple[int, str] | None, now: Figures, before: Figures, ytd: Figures,
               targets: dict[TargetMetric, int], issues_now: int, issues_before: int) -> CardBlock:
    """Put the figures of one team (or of the district) into cards."""
    cards = []
    for key, label, unit in CARDS:
        if key == OPEN_ISSUES:
            cards.append(Card(key, str(label), str(unit), issues_now, issues_before, None, None))
            continue
        metric = METRIC_OF.get(key)
        target = targets.get(metric) if metric is not None else None
        shown_unit = yi_unit() if unit is None else str(unit)
        cards.append(Card(key, str(label), shown_unit, getattr(now, key), getattr(before, key),
                          target, completion(getattr(ytd, key), target)))
    return CardBlock(team[0] if team else None, team[1] if team else None, tuple(cards))


def dashboard_cards(period: Period, today: date, team_id: int | None = None,
                    district_id: int | None = None) -> DashboardCards:
    """The district's (or, without one, the city's) cards for the period and, given a team, that team's as well."""
    last_year = compared_period(period, today)
    ytd_period = year_to_date(period)
    same = (ytd_period.start, ytd_period.end) == (period.start, period.end)
    district = district_figures(period, district_id=district_id)
    in_district = of_district(Project.team_id, district_id)
    issues_now = open_issue_counts(period.end, in_district)
    issues_before = open_issue_counts(last_year.end, in_district)
    district_block = make_block(
        None, district, district_figures(last_year, district_id=district_id),
        district if same else district_figures(ytd_period, district_id=district_id),
        district_targets(period.end.year, district_id), sum(issues_now.values()), sum(issues_before.values()))
    team_block = None
    if team_id is not None:
        team = db.session.get(Team, team_id)
        now = team_of(team_figures(period, team_id), team_id)
        team_block = make_block(
            (team_id, team.name if team else ""), now, team_of(team_figures(last_year, team_id), team_id),
            now if same else team_of(team_figures(ytd_period, team_id), team_id),
            team_targets(period.end.year).get(team_id, {}), issues_now.get(team_id, 0), issues_before.get(team_id, 0))
    return DashboardCards(period, last_year, time_progress(period, today), district, district_block, team_block)


def chart_scopes(team_id: int | None, district_id: int | None = None) -> list[tuple[int, str]]:
    """The teams whose charts the viewer may switch to: their own, or (team_id None) the district's active teams."""
    query = select(Team.id, Team.name).order_by(Team.name)
    if team_id is not None:
        query = query.where(Team.id == team_id)
    else:
        query = query.where(Team.active.is_(True), *(() if district_id is None else (Team.district_id == district_id,)))
    return [(row.id, row.name) for row in db.session.execute(query)]
