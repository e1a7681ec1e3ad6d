"""Why a route is refused: the 403 page tells the user who may use it, in their language."""

from werkzeug.exceptions import Forbidden

from ..models import Role
from ..web.i18n import gettext as _
from ..web.i18n import lazy_gettext as _l

# Where a rule is more than "these roles only", the reason as a user would put it.
REASONS = {
    "visits.log": _l("市招商局查看各区县的拜访记录，不登记拜访；"
                     "拜访由区县的专班成员、专班负责人、区领导和管理员登记。"),
    "visits.edit": _l("市招商局只查看各区县的拜访记录，不修改。"),
    "enterprises.edit": _l("市招商局只查看各区县的企业库，企业信息由区县维护。"),
    "projects.serve": _l("市招商局只查看项目的服务情况，代办事项和问题诉求由区县的服务团队处理。"),
}


class NotAllowed(Forbidden):
    """A 403 that says why."""

    def __init__(self, reason: str | None = None) -> None:
        super().__init__()
        self.reason = reason


def reason(right: str, role: Role, allowed: frozenset[Role]) -> str:
    """Why this role may not use this right, and who may."""
    if right in REASONS:
        return str(REASONS[right])
    roles = _("、").join(str(r.label) for r in Role if r in allowed)
    return _("此功能仅限%(roles)s使用，您当前的身份是%(role)s。", roles=roles, role=role.label)
