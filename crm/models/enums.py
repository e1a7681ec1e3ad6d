"""The closed value sets of the domain, with their Chinese labels."""

from ..web.i18n import lazy_gettext as _l
from .types import Choice


class Role(Choice):
    ADMIN = "admin", _l("管理员")
    LEADER = "leader", _l("区领导")
    LEAD = "lead", _l("专班负责人")
    MEMBER = "member", _l("专班成员")
    CITY = "city", _l("市招商局")  # reads every district of the city; belongs to none
    # 三员分立 (GB/T 22239-2019 8.1.4.2, 8.1.10.4): the duties apart from the business admin, one per account
    SECURITY = "security", _l("安全管理员")  # accounts, roles, second factors, the password policy
    AUDITOR = "auditor", _l("审计管理员")  # reads and exports the audit trail, changes nothing


class AuditResult(Choice):
    SUCCESS = "success", _l("成功")
    REFUSED = "refused", _l("拒绝")  # not allowed: a right missing, a throttle
    FAILED = "failed", _l("失败")  # tried and did not succeed: a wrong password


class Ownership(Choice):
    STATE = "state", _l("国企")
    PRIVATE = "private", _l("民企")
    FOREIGN = "foreign", _l("外资")
    HMT = "hmt", _l("港澳台")


class VisitKind(Choice):
    CALL_ON = "call_on", _l("走访")
    RECEPTION = "reception", _l("来访接待")
    TALKS = "talks", _l("洽谈会")
    PROMOTION = "promotion", _l("推介会")
    REMOTE = "remote", _l("电话视频")


class LeadStage(Choice):
    CLUE = "clue", _l("线索")
    CONTACTED = "contacted", _l("接洽")
    NEGOTIATING = "negotiating", _l("洽谈")
    AGREED = "agreed", _l("拟签约")
    SIGNED = "signed", _l("已签约")
    DROPPED = "dropped", _l("已放弃")


class LeadStatus(Choice):
    ACTIVE = "active", _l("跟进中")
    PAUSED = "paused", _l("暂缓")
    CLOSED = "closed", _l("已关闭")


class AgreementKind(Choice):
    INTENT = "intent", _l("意向协议")
    FRAMEWORK = "framework", _l("框架协议")
    CONTRACT = "contract", _l("正式合同")


class ProjectType(Choice):
    NEW = "new", _l("新建")
    EXPANSION = "expansion", _l("扩建")
    UPGRADE = "upgrade", _l("技改")


class ProjectStatus(Choice):
    SIGNED = "signed", _l("已签约")
    STARTED = "started", _l("已开工")
    PRODUCING = "producing", _l("已投产")
    AT_CAPACITY = "at_capacity", _l("已达产")
    TERMINATED = "terminated", _l("已终止")


class ServiceItemStatus(Choice):
    TODO = "todo", _l("待办")
    DOING = "doing", _l("办理中")
    DONE = "done", _l("已办结")


class IssueStatus(Choice):
    ASSIGNED = "assigned", _l("交办")
    HANDLING = "handling", _l("办理中")
    CLOSED = "closed", _l("已销号")


class TargetMetric(Choice):
    TRIPS = "trips", _l("外出招商次数")
    ENTERPRISES_VISITED = "enterprises", _l("拜访企业数")
    VISITS = "visits", _l("拜访次数")
    NEW_LEADS = "new_leads", _l("新增线索")
    SIGNED_PROJECTS = "signed", _l("签约项目数")
    YI_PROJECTS = "yi_signed", _l("亿元以上签约项目数")
    SIGNED_INVESTMENT = "investment", _l("签约投资额（元）")
    STARTED_PROJECTS = "started", _l("开工项目数")
    PRODUCING_PROJECTS = "producing", _l("投产项目数")
    FUNDS = "funds", _l("到资额（元）")
    FIXED_ASSET_DONE = "fixed_asset", _l("固投完成额（元）")

    @property
    def in_yuan(self) -> bool:
        """Whether the metric is an amount of money (shown in 亿元, typed in 亿元 as a target) or a count."""
        return self in (TargetMetric.SIGNED_INVESTMENT, TargetMetric.FUNDS, TargetMetric.FIXED_ASSET_DONE)


class FundSource(Choice):
    """Where the money comes from, as provincial statistics split it."""

    OUT_OF_PROVINCE = "province_out", _l("省外")
    IN_PROVINCE = "province_in", _l("省内市外")
    IN_CITY = "city_in", _l("市内")


class FundKind(Choice):
    """What the money is for: fixed assets (固定资产投资完成额) or working capital."""

    FIXED_ASSET = "fixed_asset", _l("固定资产")
    WORKING = "working", _l("流动资金")
