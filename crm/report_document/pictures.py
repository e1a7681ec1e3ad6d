"""The document's charts, drawn on the server as PNG pictures from the dashboard's own chart data.

matplotlib draws with its Agg canvas (no display, no global pyplot state, so requests may draw at once) and a CJK
font from the system (Debian's fonts-noto-cjk); without one the document is still made, its labels drawn as boxes,
and a warning logged.
"""

from __future__ import annotations

import io
import logging
import warnings
from decimal import Decimal
from functools import cache
from typing import Any

from matplotlib import font_manager
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from ..web.i18n import gettext as _

log = logging.getLogger(__name__)
CJK_FAMILIES = ("Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", "WenQuanYi Zen Hei", "Noto Serif CJK SC")
RED, BLUE, GREY = "#c0392b", "#2f6db5", "#7f8c8d"
DPI = 150
WIDTH, HEIGHT = 6.2, 3.0  # inches: the width of an A4 page's text


@cache
def cjk_font() -> str | None:
    """The family of an installed CJK font, or None (logged once) when the system has none."""
    for family in CJK_FAMILIES:
        try:
            font_manager.findfont(font_manager.FontProperties(family=family), fallback_to_default=False)
        except ValueError:
            continue
        return family
    log.warning("no CJK font found (install fonts-noto-cjk): the report's charts will show boxes for Chinese")
    return None


def new_figure() -> tuple[Figure, Any]:
    figure = Figure(figsize=(WIDTH, HEIGHT), dpi=DPI, layout="constrained")
    FigureCanvasAgg(figure)
    axes = figure.add_subplot()
    axes.spines[["top", "right"]].set_visible(False)
    return figure, axes


def png(figure: Figure) -> bytes:
    buffer = io.BytesIO()
    with warnings.catch_warnings():  # a missing glyph (no CJK font) is logged above, not raised
        warnings.simplefilter("ignore", UserWarning)
        figure.savefig(buffer, format="png", dpi=DPI)
    return buffer.getvalue()


def styled(family: str | None) -> dict[str, Any]:
    return {"fontfamily": family} if family else {}


def monthly_picture(data: dict[str, Any]) -> bytes:
    """Signings per month: the count as bars, the investment (亿元) as a line on its own axis."""
    family = cjk_font()
    figure, axes = new_figure()
    months = data["months"]
    labels = [month["label"] for month in months]
    axes.bar(labels, [month["signed"] for month in months], color=BLUE, label=_("签约项目（个）"))
    axes.set_ylabel(_("签约项目（个）"), **styled(family))
    other = axes.twinx()
    other.plot(labels, [float(Decimal(month["investment_yi"])) for month in months], color=RED, marker="o")
    other.set_ylabel(_("签约总投资（亿元）"), **styled(family))
    other.spines[["top"]].set_visible(False)
    axes.set_title(_("各月签约项目与投资额"), **styled(family))
    for label in axes.get_xticklabels():
        label.set(**styled(family))
    return png(figure)


def industries_picture(data: dict[str, Any]) -> bytes:
    """Investment signed per industry, largest on top."""
    family = cjk_font()
    figure, axes = new_figure()
    rows = list(reversed(data["industries"]))
    axes.barh([row["industry"] for row in rows], [float(Decimal(row["investment_yi"])) for row in rows], color=BLUE)
    axes.set_xlabel(_("签约总投资（亿元）"), **styled(family))
    axes.set_title(_("分产业签约投资额"), **styled(family))
    for label in axes.get_yticklabels():
        label.set(**styled(family))
    return png(figure)


def teams_picture(data: dict[str, Any], title: str) -> bytes:
    """The ranking's scores, best on top."""
    family = cjk_font()
    figure, axes = new_figure()
    rows = list(reversed(data["teams"]))
    axes.barh([row["team_name"] for row in rows], [float(Decimal(row["score"])) for row in rows], color=RED)
    axes.set_xlabel(_("得分"), **styled(family))
    axes.set_title(title, **styled(family))
    for label in axes.get_yticklabels():
        label.set(**styled(family))
    return png(figure)


def pictures(charts: dict[str, dict[str, Any]], ranking_title: str) -> list[tuple[str, bytes]]:
    """(caption, PNG) of each chart that has something to draw."""
    drawn = [(_("各月签约情况"), monthly_picture(charts["monthly"]))]
    if charts["industries"]["industries"]:
        drawn.append((_("分产业签约投资额"), industries_picture(charts["industries"])))
    if charts["teams"]["teams"]:
        drawn.append((ranking_title, teams_picture(charts["teams"], ranking_title)))
    return drawn
