"""The fields each kind of import fills, and the many names a spreadsheet gives their columns.

`FIELDS[kind]` lists a kind's `Field`s in the order a mapping page shows them. Aliases are written as people
write headers; they are compared after `headers.header_key` (full-width folded, case, spaces, brackets,
colons and other punctuation ignored, and a trailing unit such as （亿元） read off), so 投资方（签约企业）,
投资方(签约企业) and 投资方 签约企业 are one name.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum, StrEnum
from typing import Any

from ..models import AgreementKind, LeadStage, Ownership, ProjectStatus, ProjectType, VisitKind
from ..web.i18n import lazy_gettext as _l

KINDS = ("enterprises", "leads", "projects", "visits")


class Type(StrEnum):
    """How a column's cells are read."""

    TEXT = "text"
    MONEY = "money"  # an amount with a unit: integer yuan (and the original foreign amount)
    RATE = "rate"  # yuan per unit of foreign currency, for the row's amounts
    DATE = "date"
    COUNT = "count"
    DECIMAL = "decimal"
    FLAG = "flag"
    CHOICE = "choice"  # one of an enum's values, by its label or a synonym
    TEAM = "team"  # a team by name
    ENTERPRISE = "enterprise"  # an enterprise by name (with the row's credit code, when there is one)
    CREDIT_CODE = "credit_code"
    USER = "user"  # a person by display name
    ORIGIN = "origin"  # 来源地: province and city
    UUID = "uuid"
    IGNORE = "ignore"  # recognised and deliberately not read (序号)


@dataclass(frozen=True)
class Field:
    """One thing a row can say, with the headers that mean it."""

    name: str
    label: Any  # shown to people
    type: Type
    aliases: tuple[str, ...]
    required: bool = False
    max_length: int | None = None
    choices: dict[str, Enum] = field(default_factory=dict)  # written word → value (labels are added)
    lenient: bool = False  # a CHOICE cell matching none is kept as text (in remarks) rather than an error


def choice_words(enum: type[Enum], synonyms: dict[str, Enum]) -> dict[str, Enum]:
    """Every way of writing a value: its label, its label without 协议/合同, its code and the synonyms."""
    words: dict[str, Enum] = {}
    for member in enum:
        label = str(member.label)  # type: ignore[attr-defined]
        words[label] = member
        words[str(member.value)] = member
    return words | synonyms


SEQ = Field("seq", _l("序号"), Type.IGNORE, ("序号", "序", "编号", "no", "排序", "排名"))
CREDIT = Field("credit_code", _l("统一社会信用代码"), Type.CREDIT_CODE,
               ("统一社会信用代码", "信用代码", "社会信用代码", "企业信用代码", "统一信用代码", "统一社会信用代码证号"))
ORIGIN = Field("origin", _l("来源地"), Type.ORIGIN,
               ("来源地", "投资方来源地", "来源", "企业来源地", "所在地", "企业所在地", "投资来源地", "地区",
                "所属地区", "省市", "总部所在地", "注册地", "客商来源地"))
OWNERSHIP = Field("ownership", _l("内/外资"), Type.CHOICE,
                  ("内外资", "内资外资", "内资或外资", "企业性质", "所有制", "资本性质", "资金来源", "经济类型",
                   "企业类型", "所有制性质"),
                  choices=choice_words(Ownership, {
                      "国有": Ownership.STATE, "国有企业": Ownership.STATE, "央企": Ownership.STATE,
                      "省属国企": Ownership.STATE, "民营": Ownership.PRIVATE, "民营企业": Ownership.PRIVATE,
                      "私营": Ownership.PRIVATE, "外商投资": Ownership.FOREIGN, "外资企业": Ownership.FOREIGN,
                      "合资": Ownership.FOREIGN, "中外合资": Ownership.FOREIGN, "港资": Ownership.HMT,
                      "台资": Ownership.HMT, "澳资": Ownership.HMT, "港澳台资": Ownership.HMT}),
                  lenient=True)  # 内资 says neither 国企 nor 民企: it is left unset, not refused
INDUSTRY = Field("industry", _l("产业类别"), Type.TEXT,
                 ("产业类别", "产业", "行业", "所属行业", "产业类型", "行业类别", "产业领域", "所属产业", "行业分类",
                  "产业分类", "主营行业", "所属领域", "领域"), max_length=64)
TEAM = Field("team", _l("招商专班"), Type.TEAM,
             ("招商专班", "专班", "责任专班", "签约专班", "招商单位", "责任单位", "牵头单位", "引进单位", "招商主体",
              "所属专班", "驻外专班", "拜访专班", "专班名称", "招商小分队"), required=True)
RATE = Field("rate", _l("汇率"), Type.RATE, ("汇率", "兑人民币汇率", "折算汇率", "人民币汇率"))

PROJECT_FIELDS = (
    SEQ,
    Field("code", _l("项目编号"), Type.TEXT, ("项目编号", "项目代码", "项目编码", "签约编号", "项目号"), max_length=32),
    Field("name", _l("项目名称"), Type.TEXT,
          ("项目名称", "名称", "项目", "项目全称", "签约项目", "签约项目名称",
           "项目名"), required=True, max_length=200),
    Field("investor", _l("投资方（签约企业）"), Type.ENTERPRISE,
          ("投资方签约企业", "投资方", "签约企业", "投资主体", "投资企业", "签约主体", "签约单位", "投资单位", "投资商",
           "合作方", "企业名称", "企业", "签约方", "投资人", "投资方名称", "签约企业名称"),
          required=True, max_length=200),
    CREDIT, ORIGIN, OWNERSHIP,
    Field("total_investment", _l("总投资"), Type.MONEY,
          ("总投资", "投资额", "协议投资", "投资总额", "计划总投资", "签约金额", "协议投资额", "投资规模", "合同投资额",
           "签约投资额", "签约额", "项目总投资", "总投资额", "协议总投资", "签约总投资"), required=True),
    Field("fixed_asset_investment", _l("其中固定资产投资"), Type.MONEY,
          ("其中固定资产投资", "固定资产投资", "固投", "其中固投", "固定资产投资额", "其中固定资产投资额")),
    RATE, INDUSTRY,
    Field("project_type", _l("项目类型"), Type.CHOICE, ("项目类型", "建设性质", "项目性质", "类型", "建设类型"),
          choices=choice_words(ProjectType, {
              "新建项目": ProjectType.NEW, "新上": ProjectType.NEW, "改扩建": ProjectType.EXPANSION,
              "增资扩建": ProjectType.EXPANSION, "扩建项目": ProjectType.EXPANSION, "增资": ProjectType.EXPANSION,
              "技术改造": ProjectType.UPGRADE, "技改项目": ProjectType.UPGRADE})),
    Field("agreement_kind", _l("协议类型"), Type.CHOICE,
          ("协议类型", "签约类型", "合同类型", "协议性质", "签约形式", "协议"),
          choices=choice_words(AgreementKind, {
              "意向": AgreementKind.INTENT, "意向书": AgreementKind.INTENT, "备忘录": AgreementKind.INTENT,
              "框架": AgreementKind.FRAMEWORK, "战略合作协议": AgreementKind.FRAMEWORK,
              "合作协议": AgreementKind.FRAMEWORK, "正式": AgreementKind.CONTRACT, "合同": AgreementKind.CONTRACT,
              "正式协议": AgreementKind.CONTRACT, "投资协议": AgreementKind.CONTRACT,
              "投资合同": AgreementKind.CONTRACT, "正式签约": AgreementKind.CONTRACT})),
    Field("signed_on", _l("签约时间"), Type.DATE,
          ("签约时间", "签约日期", "签约时间年月日", "签订时间", "签订日期", "协议签订时间", "签约",
           "日期"), required=True),
    Field("location", _l("落户地"), Type.TEXT,
          ("落户地", "落户园区", "落地园区", "项目地址", "建设地点", "选址", "拟落户地", "落户地点", "项目选址",
           "落户地址", "园区", "拟选址", "拟落户园区"), max_length=100),
    TEAM,
    Field("chief_officer", _l("首席服务官"), Type.USER, ("首席服务官", "服务官", "包联领导", "联系领导", "责任领导")),
    Field("status", _l("当前进展"), Type.CHOICE, ("当前进展", "项目进展", "进展情况", "项目状态", "状态", "进展",
                                              "推进情况"),
          choices=choice_words(ProjectStatus, {
              "签约": ProjectStatus.SIGNED, "未开工": ProjectStatus.SIGNED, "开工": ProjectStatus.STARTED,
              "在建": ProjectStatus.STARTED, "已开工建设": ProjectStatus.STARTED, "投产": ProjectStatus.PRODUCING,
              "已投产运营": ProjectStatus.PRODUCING, "达产": ProjectStatus.AT_CAPACITY,
              "终止": ProjectStatus.TERMINATED, "已取消": ProjectStatus.TERMINATED}),
          lenient=True),  # progress is often written out (已完成土地摘牌…): kept in the remarks
    Field("started_on", _l("开工时间"), Type.DATE, ("开工时间", "开工日期", "实际开工时间", "实际开工日期")),
    Field("production_on", _l("投产时间"), Type.DATE, ("投产时间", "投产日期", "实际投产时间", "实际投产日期")),
    Field("planned_start_on", _l("计划开工时间"), Type.DATE, ("计划开工时间", "计划开工日期", "预计开工时间",
                                                        "预计开工日期")),
    Field("planned_production_on", _l("计划投产时间"), Type.DATE,
          ("计划投产时间", "计划投产日期", "预计投产时间", "预计投产日期")),
    Field("jobs", _l("带动就业"), Type.COUNT, ("带动就业", "就业人数", "用工人数", "新增就业", "带动就业人数",
                                           "预计用工")),
    Field("land_area_mu", _l("用地面积（亩）"), Type.DECIMAL,
          ("用地面积", "用地面积亩", "占地面积", "占地面积亩", "用地", "占地", "用地亩数", "占地亩", "用地规模")),
    Field("expected_annual_sales", _l("预计年产值"), Type.MONEY,
          ("预计年产值", "年产值", "达产后年产值", "预计年销售收入", "年销售收入", "预计年营业收入", "达产年产值")),
    Field("expected_annual_tax", _l("预计年税收"), Type.MONEY,
          ("预计年税收", "年税收", "达产后年税收", "年纳税", "预计年纳税", "达产年税收")),
    Field("remarks", _l("备注"), Type.TEXT, ("备注", "说明", "备注说明")),
)

ENTERPRISE_FIELDS = (
    SEQ,
    Field("name", _l("企业名称"), Type.TEXT,
          ("企业名称", "名称", "公司名称", "单位名称", "企业", "公司", "企业全称", "客商名称", "投资方",
           "投资方签约企业", "签约企业"), required=True, max_length=200),
    CREDIT, INDUSTRY, ORIGIN,
    Field("province", _l("省份"), Type.TEXT, ("省份", "所在省份", "省", "所在省", "省区市"), max_length=32),
    Field("city", _l("城市"), Type.TEXT, ("城市", "所在城市", "市", "所在市", "地市"), max_length=32),
    OWNERSHIP,
    Field("fortune500", _l("世界500强"), Type.FLAG, ("世界500强", "是否世界500强", "500强")),
    Field("listed", _l("上市"), Type.FLAG, ("上市", "是否上市", "上市企业", "上市公司")),
    Field("contact_name", _l("联系人"), Type.TEXT, ("联系人", "联系人姓名", "对接人"), max_length=64),
    Field("contact_title", _l("联系人职务"), Type.TEXT, ("职务", "联系人职务"), max_length=64),
    Field("contact_phone", _l("联系电话"), Type.TEXT, ("联系电话", "电话", "手机", "联系方式", "手机号", "手机号码"),
          max_length=32),
    Field("contact_wechat", _l("微信"), Type.TEXT, ("微信", "微信号"), max_length=64),
)

LEAD_FIELDS = (
    SEQ,
    Field("title", _l("项目名称"), Type.TEXT,
          ("项目名称", "线索名称", "项目", "名称", "在谈项目", "项目线索", "线索", "在谈项目名称"), required=True,
          max_length=200),
    Field("enterprise", _l("企业名称"), Type.ENTERPRISE,
          ("企业名称", "投资方", "企业", "投资主体", "意向企业", "对接企业", "客商", "投资企业", "签约企业",
           "投资方签约企业", "公司名称"), required=True, max_length=200),
    CREDIT, ORIGIN, TEAM, INDUSTRY,
    Field("intended_investment", _l("拟投资额"), Type.MONEY,
          ("拟投资额", "意向投资额", "投资额", "总投资", "计划投资", "拟投资", "预计投资", "投资规模", "意向投资",
           "计划总投资")),
    RATE,
    Field("stage", _l("阶段"), Type.CHOICE, ("阶段", "项目阶段", "进展阶段", "洽谈阶段", "跟进阶段", "线索阶段", "状态",
                                           "进展"),
          choices=choice_words(LeadStage, {
              "信息": LeadStage.CLUE, "初步接触": LeadStage.CONTACTED, "接触": LeadStage.CONTACTED,
              "在谈": LeadStage.NEGOTIATING, "洽谈中": LeadStage.NEGOTIATING, "待签约": LeadStage.AGREED,
              "签约": LeadStage.SIGNED, "放弃": LeadStage.DROPPED, "终止": LeadStage.DROPPED})),
    Field("drop_reason", _l("放弃原因"), Type.TEXT, ("放弃原因", "终止原因")),
    Field("owner", _l("负责人"), Type.USER, ("负责人", "跟进人", "责任人", "对接人")),
    Field("expected_sign_on", _l("预计签约时间"), Type.DATE, ("预计签约时间", "预计签约日期", "拟签约时间",
                                                        "计划签约时间")),
    Field("next_action", _l("下一步工作"), Type.TEXT, ("下一步工作", "下一步", "下步工作", "下一步计划", "下步打算")),
    Field("next_action_on", _l("下一步时间"), Type.DATE, ("下一步时间", "下次跟进时间", "跟进日期", "下一步日期")),
    Field("created_on", _l("登记日期"), Type.DATE,
          ("登记日期", "获取时间", "录入时间", "获取日期", "线索获取时间", "接触时间", "首次接触时间", "登记时间")),
)

VISIT_FIELDS = (
    SEQ,
    Field("visited_on", _l("拜访日期"), Type.DATE,
          ("拜访日期", "拜访时间", "日期", "走访时间", "走访日期", "时间", "洽谈时间", "来访时间"), required=True),
    Field("enterprise", _l("拜访企业"), Type.ENTERPRISE,
          ("拜访企业", "企业名称", "企业", "走访企业", "对接企业", "客商", "来访企业", "公司名称",
           "拜访单位"), required=True,
          max_length=200),
    CREDIT, ORIGIN, INDUSTRY, TEAM,
    Field("kind", _l("拜访方式"), Type.CHOICE, ("拜访方式", "方式", "形式", "类型", "拜访形式", "拜访类型", "对接方式"),
          choices=choice_words(VisitKind, {
              "拜访": VisitKind.CALL_ON, "上门拜访": VisitKind.CALL_ON, "走访企业": VisitKind.CALL_ON,
              "来访": VisitKind.RECEPTION, "接待": VisitKind.RECEPTION, "洽谈": VisitKind.TALKS,
              "座谈": VisitKind.TALKS, "推介": VisitKind.PROMOTION, "招商推介会": VisitKind.PROMOTION,
              "电话": VisitKind.REMOTE, "视频": VisitKind.REMOTE, "线上": VisitKind.REMOTE})),
    Field("summary", _l("洽谈内容"), Type.TEXT,
          ("洽谈内容", "拜访内容", "主要内容", "情况", "内容", "纪要", "拜访情况", "洽谈情况", "对接情况", "走访情况")),
    Field("next_step", _l("下一步"), Type.TEXT, ("下一步", "下一步工作", "下步打算", "下一步计划")),
    Field("follow_up_on", _l("跟进日期"), Type.DATE, ("跟进日期", "下次跟进", "跟进时间", "下次跟进时间")),
    Field("uuid", _l("记录编号（UUID）"), Type.UUID, ("uuid", "记录编号", "记录id")),
)

FIELDS: dict[str, tuple[Field, ...]] = {
    "enterprises": ENTERPRISE_FIELDS, "leads": LEAD_FIELDS, "projects": PROJECT_FIELDS, "visits": VISIT_FIELDS}


def field_named(kind: str, name: str) -> Field:
    """A kind's field by its name, or by its label as shown (项目名称)."""
    for candidate in FIELDS[kind]:
        if name in (candidate.name, str(candidate.label)):
            return candidate
    raise KeyError(name)
