"""The two rankings as files: 亿元以上项目榜, and 专班排名 with each team's score taken apart."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from flask import current_app
from sqlalchemy import select

from ..access.districts import DistrictNames, district_name, district_names
from ..access.tenancy import scoped_district
from ..domain.periods import Period, today
from ..domain.refused import Refused
from ..domain.sizes import SIZE_BUCKETS
from ..extensions import db
from ..models import District, ProjectStatus, TargetMetric, User
from ..rankings.forms import ProjectRankingForm
from ..rankings.labels import METRIC_LABELS
from ..reports.district_ranking import district_ranking
from ..reports.figures import METRICS, Figures
from ..reports.forms import ReportPeriodForm
from ..reports.project_ranking import YiCriteria, YiTotals, yi_ranking, yi_totals
from ..reports.team_ranking import TeamRanking, team_ranking
from ..web.i18n import gettext as _
from ..web.i18n import join_names
from ..web.i18n import lazy_gettext as _l
from .forms import form_errors, labels, period_title
from .query import stream
from .sheet import (
    DATE,
    INT,
    LONG,
    NUMBER,
    PERCENT,
    POINTS,
    TEXT,
    YI,
    Column,
    Export,
    Table,
    district_column,
    yi_decimal,
)

NO_TARGETS = _l("未设目标")  # beside the score of a unit with no target, which scores 0 under target normalisation

# The completion rates the ranking's page shows beside the figures.
COMPLETIONS = ((TargetMetric.SIGNED_INVESTMENT, _l("投资额完成率（%）")),
               (TargetMetric.SIGNED_PROJECTS, _l("签约项目完成率（%）")),
               (TargetMetric.YI_PROJECTS, _l("亿元以上完成率（%）")))


def report_period(form: ReportPeriodForm) -> Period:
    """The period the filters name; Refused when they name none that can be."""
    if not form.validate():
        raise Refused(form_errors(form))
    try:
        return form.report_period()
    except ValueError as error:
        raise Refused(_("筛选条件有误：时段不成立")) from error


def yi_rows(criteria: YiCriteria, districts: DistrictNames | None) -> Iterator[tuple[Any, ...]]:
    """The file's rows; a 区县 after the team when the ranking holds every district's (the city's)."""
    statuses = labels(ProjectStatus)
    for rank, row in enumerate(stream(yi_ranking(criteria)), start=1):
        whose = (districts.of_team(row.team_id),) if districts else ()
        yield (rank, row.name, row.total_investment_yuan, row.code, row.investor, row.team_name, *whose,
               row.industry, row.signed_on, statuses[row.status])


def yi_footer(totals: YiTotals) -> list[list[Any]]:
    rows: list[list[Any]] = [[_("合计"), _("%(n)s个项目", n=totals.count), totals.total_yuan]]
    for key, (_floor, label) in SIZE_BUCKETS.items():
        rows.append([_("其中"), _("%(bucket)s项目%(n)s个", bucket=label, n=totals.buckets[key])])
    return rows


def yi_ranking_export(args: Mapping[str, str], viewer: User) -> Export:
    """亿元以上项目榜 for the ranking page's filters: counted projects of 1亿元 or more, largest first."""
    form = ProjectRankingForm(args)
    criteria = form.criteria(report_period(form))
    totals = yi_totals(criteria)
    chosen = db.session.get(District, criteria.district_id) if criteria.district_id else None  # the city's choice
    title = period_title(chosen.name if chosen else district_name(), _("亿元以上项目榜"), criteria.period)
    districts = district_names()
    columns = [Column(_("排名"), INT), Column(_("项目名称"), LONG, 40), Column(_("总投资（亿元）"), YI),
               Column(_("项目编号"), TEXT, 16), Column(_("投资方"), LONG, 36), Column(_("招商专班"), TEXT, 16),
               *district_column(districts), Column(_("产业类别"), TEXT, 16), Column(_("签约时间"), DATE),
               Column(_("状态"), TEXT, 8)]
    table = Table(_("亿元以上项目榜"), title, columns, rows=lambda: yi_rows(criteria, districts),
                  footer=lambda: yi_footer(totals), frozen_columns=2)
    return Export("ranking", title, [table], totals.count)


def metric_header(metric: TargetMetric) -> str:
    unit = _("（亿元）") if metric.in_yuan else ""
    return f"{METRIC_LABELS[metric]}{unit}"


def figure_cells(figures: Figures) -> list[Any]:
    return [figures[metric] for metric in METRICS]  # money stays in yuan: its columns are in 亿元


def team_rows(ranking: TeamRanking) -> Iterator[list[Any]]:
    """The main sheet's rows, as the page shows them; each metric's points are on the sheet of the score's parts."""
    for row in ranking.rows:
        note = str(NO_TARGETS) if row.no_targets else None
        yield [row.rank, row.team_name, row.score, note, *figure_cells(row.figures),
               *(row.completion(metric) for metric, _label in COMPLETIONS), row.overdue, row.deduction]


def scoring_note(ranking: TeamRanking, *, city: bool = False) -> str:
    """The tie rule and the scoring rule, as the ranking page states them (of districts, in the city's ranking)."""
    rule = ranking.rule
    best = (_("各项得分 = 权重 × 本区县数值 ÷ 当期最高区县数值。") if city
            else _("各项得分 = 权重 × 本专班数值 ÷ 当期最高专班数值。"))
    parts = [_("排名依次比较得分、签约投资额、亿元以上签约项目数，三者均相同的并列（如1、2、2、4）。"),
             _("各项得分 = 权重 × 完成按时段折算的年度目标的比例（最多满分）。") if rule.normalisation == "target"
             else best]
    if rule.deduct_overdue:
        parts.append(_("每个超时限未开工项目扣%(points)s分。", points=rule.overdue_deduction))
    if untargeted := [row.team_name for row in ranking.rows if row.no_targets]:
        parts.append(_("未设目标、按目标折算的得分为0：%(names)s。", names=join_names(untargeted)))
    parts.append(_("得分按未舍入的各项合计，显示时四舍五入至0.01分。"))
    parts.append(_("时序进度：%(progress)s%%", progress=ranking.time_progress))
    return "".join(parts)


def breakdown_rows(ranking: TeamRanking) -> Iterator[list[Any]]:
    """Per team: each metric's value, basis, weight and points, then the deduction and the score."""
    for row in ranking.rows:
        for part in row.contributions:
            money = part.metric.in_yuan
            yield [row.rank, row.team_name, metric_header(part.metric),
                   yi_decimal(part.value) if money else part.value,
                   yi_decimal(part.shown_basis) if money else part.shown_basis.normalize(), part.weight, part.points]
        yield [row.rank, row.team_name, _("超时限未开工扣分"), row.overdue, None, None,
               -row.deduction if row.deduction else row.deduction]
        yield [row.rank, row.team_name, _("得分"), None, None, None, row.score]


def team_ranking_export(args: Mapping[str, str], viewer: User) -> Export:
    """专班排名 for the ranking page's period: a sheet as the page shows it, and a sheet of each score's parts."""
    period = report_period(ReportPeriodForm(args))
    district_id = viewer.district_id or scoped_district() or chosen_district(args)
    ranking = team_ranking(period, today(), district_id=district_id)
    name = db.session.get(District, district_id).name if district_id else district_name()
    return ranking_export("teams", ranking, period_title(name, _("专班排名"), period), _("专班"), _("全区合计"),
                          _("专班排名"))


def district_ranking_export(args: Mapping[str, str], viewer: User) -> Export:
    """市级拉练排名 for the page's period: the districts as the page shows them, and each score's parts."""
    period = report_period(ReportPeriodForm(args))
    ranking = district_ranking(period, today())
    title = period_title(current_app.config.get("CITY_NAME", ""), _("区县排名"), period)
    return ranking_export("districts", ranking, title, _("区县"), _("全市合计"), _("区县排名"))


def chosen_district(args: Mapping[str, str]) -> int | None:
    """The district a city reader's query names (`district=`), or the first one."""
    wanted = str(args.get("district") or "")
    if wanted.isdigit() and len(wanted) < 10 and db.session.get(District, int(wanted)) is not None:
        return int(wanted)
    return db.session.scalar(select(District.id).order_by(District.active.desc(), District.id).limit(1))


def ranking_export(name: str, ranking: TeamRanking, title: str, unit: str, total_label: str, sheet: str) -> Export:
    """A ranking of teams (or of districts) as a sheet, with a second sheet of each score's parts."""
    note = scoring_note(ranking, city=name == "districts")
    columns = [Column(_("排名"), INT), Column(unit, TEXT, 16), Column(_("得分"), POINTS), Column(_("备注"), TEXT, 10),
               *(Column(metric_header(metric), YI if metric.in_yuan else INT)
                 for metric in METRICS),
               *(Column(str(label), PERCENT) for _metric, label in COMPLETIONS),
               Column(_("超时限未开工项目"), INT), Column(_("扣分"), POINTS)]
    totals = [None, total_label, None, None, *figure_cells(ranking.district)]
    main = Table(sheet, title, columns, rows=lambda: team_rows(ranking),
                 footer=lambda: [totals, [note]], frozen_columns=2)
    basis = _("比较基数（目标）") if ranking.rule.normalisation == "target" else _("比较基数（最高）")
    parts = Table(_("得分明细"), f"{title} · {_('得分明细')}",
                  [Column(_("排名"), INT), Column(unit, TEXT, 16), Column(_("指标"), TEXT, 24),
                   Column(_("本单位"), NUMBER), Column(basis, NUMBER), Column(_("权重"), INT),
                   Column(_("得分"), POINTS)],
                  rows=lambda: breakdown_rows(ranking), footer=lambda: [[note]], frozen_columns=2)
    return Export(name, title, [main, parts], len(ranking.rows))
