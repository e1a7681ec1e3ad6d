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
}


def metric_value(metric: TargetMetric, value: object) -> str:
    """A metric's figure as people read it: investment in 亿元, counts as they are."""
    if metric is TargetMetric.SIGNED_INVESTMENT:
        return money_filter(int(value))  # type: ignore[arg-type]
    return str(value)
