"""How the ranking's metrics are named and shown on its pages."""

from ..domain.money import money_filter
from ..models import TargetMetric
from ..web.i18n import lazy_gettext as _l

METRIC_LABELS = {
    TargetMetric.TRIPS: _l("外出招商次数"),
    TargetMetric.ENTERPRISES_VISITED: _l("拜访企业数"),
    TargetMetric.VISITS: _l("拜访次数"),
    TargetMetric.NEW_LEADS: _l("新增线索"),
    TargetMetric.SIGNED_PROJECTS: _l("签约项目数"),
    TargetMetric.YI_PROJECTS: _l("亿元以上签约项目数"),
    TargetMetric.SIGNED_INVESTMENT: _l("签约投资额"),
    TargetMetric.STARTED_PROJECTS: _l("开工项目数"),
    TargetMetric.PRODUCING_PROJECTS: _l("投产项目数"),
    TargetMetric.FUNDS: _l("到资额"),
    TargetMetric.FIXED_ASSET_DONE: _l("固投完成额"),
}


def metric_value(metric: TargetMetric, value: object) -> str:
    """A metric's figure as people read it: money in 亿元, counts as they are."""
    if metric.in_yuan:
        return money_filter(int(value))  # type: ignore[arg-type]
    return str(value)
