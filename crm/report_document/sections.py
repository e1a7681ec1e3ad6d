"""The report's sections as text and tables, in order: what the document says, before it is laid out."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from ..domain.money import Unit, counted_in_yi, written, yi_unit
from ..models import PathNode
from ..path.page import reason
from ..reports.colours import Colour
from ..reports.dashboard import Card
from ..reports.supervision import OrderCounts
from ..web.i18n import gettext as _
from .content import ReportContent

NUMBERS = ("一", "二", "三", "四", "五", "六", "七", "八", "九", "十")
STARTING = ("started", "producing")  # the nodes the section on starts and production lists
LISTED = 50  # rows a list of projects or orders shows; the rest are counted (all of them are on the 调度会 page)
YI_LISTED = 200  # rows of the 亿元以上 list (a district signs a few dozen a month); all are on the 亿元以上项目榜


@dataclass(frozen=True)
class Table:
    columns: tuple[str, ...]
    rows: Sequence[tuple[str, ...]]
    caption: str | None = None
    widths: tuple[float, ...] | None = None  # centimetres per column, of the page's 15.6 cm of text


@dataclass(frozen=True)
class Section:
    heading: str
    paragraphs: list[str] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # lines after the tables: the rows a list left out


def yi(yuan: int) -> str:
    """An amount with its unit, in a sentence: 54.20亿元."""
    return written(yuan, Unit.YI)


def in_yi(yuan: int) -> str:
    """An amount in a column headed with its unit: 54.20."""
    return counted_in_yi(yuan)[0]


def headed(label: str) -> str:
    """A money column's heading with its unit: 总投资（亿元）."""
    return _("%(label)s（%(unit)s）", label=label, unit=yi_unit())


def listed(rows: list[tuple[str, ...]], caption: str, columns: tuple[str, ...], widths: tuple[float, ...],
           limit: int = LISTED) -> tuple[Table, list[str]]:
    """A list's table of its first rows, and a line counting those left out (a Word report is read, not searched)."""
    return Table(columns, rows[:limit], caption, widths), left_out(len(rows) - limit)


def left_out(count: int) -> list[str]:
    """The line under a list that shows only its first rows."""
    return [_("另有%(n)s个未列出，见系统中的完整列表。", n=count)] if count > 0 else []


def card_row(card: Card) -> tuple[str, ...]:
    """A card as a table's row: the figure, its unit, 同比, last year's, the year's target and its completion."""
    change = "—" if card.change is None else f"{'+' if card.change > 0 else ''}{card.change}%"
    return (card.label, card.shown(card.value), card.unit, change, card.shown(card.last_year),
            card.shown(card.target) if card.target else "—",
            f"{card.completion}%" if card.completion is not None else "—")


def overview(content: ReportContent) -> Section:
    board = content.board
    return Section(_("总体情况"), [content.brief, _(
        "报告期：%(period)s；同比为与%(last)s相比；时序进度%(pace)s%%。", period=content.period.described,
        last=board.last_year.label, pace=board.time_progress)])


def headline(content: ReportContent) -> Section:
    return Section(_("主要指标"), tables=[Table(
        (_("指标"), _("本期"), _("单位"), _("同比"), _("上年同期"), _("年度目标"), _("目标完成")),
        [card_row(card) for card in content.board.district.cards], widths=(3.2, 2.2, 1.6, 2.0, 2.2, 2.2, 2.2))])


def yi_projects(content: ReportContent) -> Section:
    totals = content.yi_totals
    if not totals.count:
        return Section(_("亿元以上签约项目"), [_("本期无亿元以上签约项目。")])
    rows = [(str(row.rank), row.code, row.name, row.investor, row.team_name, row.industry or "—",
             row.signed_on.isoformat(), in_yi(row.total_investment_yuan)) for row in content.yi_rows[:YI_LISTED]]
    rows.append((_("合计"), "", _("%(count)s个", count=totals.count), "", "", "", "", in_yi(totals.total_yuan)))
    shown = Table((_("序号"), _("项目编号"), _("项目名称"), _("投资方"), _("专班"), _("产业"), _("签约日期"),
                   headed(_("总投资"))), rows, widths=(1.0, 2.4, 3.2, 3.0, 1.6, 1.6, 1.8, 1.6))
    return Section(_("亿元以上签约项目"), [_("本期签约亿元以上项目%(count)s个，总投资%(amount)s。",
                                       count=totals.count, amount=yi(totals.total_yuan))], [shown],
                   left_out(totals.count - YI_LISTED))


def ranking(content: ReportContent) -> Section:
    unit = _("区县") if content.city else _("专班")
    rows = [(str(row.rank), row.team_name, str(row.score), str(row.figures.signed_projects),
             str(row.figures.yi_projects), in_yi(row.figures.signed_investment_yuan),
             str(row.figures.started_projects), str(row.figures.producing_projects), in_yi(row.figures.funds_yuan))
            for row in content.ranking.rows]
    return Section(_("区县排名") if content.city else _("专班排名"), tables=[Table(
        (_("名次"), unit, _("得分"), _("签约项目"), _("亿元以上"), headed(_("签约总投资")), _("开工"), _("投产"),
         headed(_("到资额"))), rows, widths=(1.1, 2.2, 1.5, 1.5, 1.5, 2.3, 1.2, 1.2, 2.1))])


def funds(content: ReportContent) -> Section:
    arrived, fixed = (content.board.district.card(key) for key in ("funds_yuan", "fixed_asset_done_yuan"))
    if not (arrived.value or arrived.last_year):
        return Section(_("到资和固投"), [_("本期无核实到位资金。")])
    return Section(_("到资和固投"), [_(
        "本期实际到位资金%(funds)s，其中固定资产投资完成额%(fixed)s；上年同期分别为%(funds_before)s和%(fixed_before)s。",
        funds=yi(arrived.value), fixed=yi(fixed.value), funds_before=yi(arrived.last_year),
        fixed_before=yi(fixed.last_year))])


def starts(content: ReportContent) -> Section:
    figures = content.board.district_figures
    said = _("本期开工项目%(started)s个，投产项目%(producing)s个。", started=figures.started_projects,
             producing=figures.producing_projects)
    if content.meeting is None:
        return Section(_("项目开工投产"), [said])
    rows = [(PathNode(row.node).label, row.code, row.name, row.day.isoformat())
            for row in content.meeting.reached if row.node in STARTING]
    if not rows:
        return Section(_("项目开工投产"), [said])
    shown, more = listed(rows, _("开工投产项目"), (_("节点"), _("项目编号"), _("项目名称"), _("日期")),
                         (1.6, 3.0, 8.2, 2.8))
    return Section(_("项目开工投产"), [said], [shown], more)


def orders_line(orders: OrderCounts) -> str:
    return _("督办未办结%(open)s件，其中逾期%(overdue)s件、退回%(returned)s件；已办结%(closed)s件。",
             open=orders.open, overdue=orders.overdue, returned=orders.returned, closed=orders.closed)


def colour_line(counts: dict[Colour, int]) -> str:
    return _("红色项目%(red)s个，黄色项目%(yellow)s个，绿色项目%(green)s个。", red=counts[Colour.RED],
             yellow=counts[Colour.YELLOW], green=counts[Colour.GREEN])


def follow_up(content: ReportContent) -> Section:
    """红黄绿 and 督办: a district's own projects and orders by name; the city's, per district (it reads no orders)."""
    said = _("截至%(day)s：", day=content.as_of.isoformat()) + colour_line(content.colours.counts)
    if content.meeting is None:
        rows = [(row.name, str(row.colours[Colour.RED]), str(row.colours[Colour.YELLOW]),
                 str(row.colours[Colour.GREEN]), str(row.orders.open), str(row.orders.overdue))
                for row in content.district_orders]
        return Section(_("红黄绿和督办"), [said], [Table(
            (_("区县"), _("红"), _("黄"), _("绿"), _("未办结督办"), _("逾期督办")), rows,
            widths=(3.6, 2.0, 2.0, 2.0, 3.0, 3.0))])
    board, on = content.meeting, content.as_of
    late = [(str(project.colour.label), project.code, project.name, project.team, project.chief or "—",
             reason(project.cause, on), project.unit or "—") for project in board.red]
    orders = [(order.code, order.name, order.what, order.receiver, order.deadline.isoformat(),
               _("逾期") if order.overdue else _("办理中")) for order in board.orders]
    tables, notes = [], []
    for rows, caption, columns, widths in (
            (late, _("红色项目"), (_("颜色"), _("项目编号"), _("项目名称"), _("专班"), _("首席服务官"), _("原因"),
                                  _("责任单位")), (1.0, 2.4, 3.0, 1.6, 1.6, 3.8, 2.2)),
            (orders, _("未办结督办"), (_("项目编号"), _("项目名称"), _("督办事项"), _("承办"), _("办理时限"),
                                     _("状态")), (2.4, 3.0, 4.0, 2.4, 2.2, 1.6))):
        if rows:
            shown, more = listed(rows, caption, columns, widths)
            tables.append(shown)
            notes += more
    return Section(_("红黄绿和督办"), [said + orders_line(content.orders or OrderCounts())], tables, notes)


def sections(content: ReportContent) -> list[Section]:
    """The numbered sections, 一、总体情况 … ; the charts follow them."""
    made = [overview(content), headline(content), yi_projects(content), ranking(content), funds(content),
            starts(content), follow_up(content)]
    return [Section(f"{NUMBERS[i]}、{section.heading}", section.paragraphs, section.tables, section.notes)
            for i, section in enumerate(made)]
