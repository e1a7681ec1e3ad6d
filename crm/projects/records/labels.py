"""What people read for a project's field names and recorded changes."""

from ...domain.money import written
from ...models import Project
from ...web.i18n import lazy_gettext as _l

CURRENCIES = {"CNY": _l("人民币"), "USD": _l("美元"), "EUR": _l("欧元"), "HKD": _l("港元"), "JPY": _l("日元"),
              "GBP": _l("英镑")}

PROJECT_FIELDS = {
    "code": _l("项目编号"),
    "name": _l("项目名称"),
    "enterprise_id": _l("投资方"),
    "lead_id": _l("来源线索"),
    "team_id": _l("计入专班"),
    "signed_on": _l("签约日期"),
    "agreement_kind": _l("协议类型"),
    "project_type": _l("项目类型"),
    "industry": _l("产业类别"),
    "location": _l("落户园区"),
    "total_investment_yuan": _l("总投资"),
    "fixed_asset_investment_yuan": _l("固定资产投资"),
    "currency": _l("币种"),
    "original_amount": _l("原币金额"),
    "fx_rate": _l("汇率"),
    "expected_annual_sales_yuan": _l("预计年销售收入"),
    "expected_annual_tax_yuan": _l("预计年税收"),
    "jobs": _l("预计就业人数"),
    "land_area_mu": _l("用地面积（亩）"),
    "from_event": _l("活动签约"),
    "event_name": _l("签约活动"),
    "status": _l("状态"),
    "planned_start_on": _l("计划开工日期"),
    "started_on": _l("开工日期"),
    "planned_production_on": _l("计划投产日期"),
    "production_on": _l("投产日期"),
    "planned_capacity_on": _l("计划达产日期"),
    "capacity_on": _l("达产日期"),
    "terminated_on": _l("终止日期"),
    "termination_reason": _l("终止原因"),
    "chief_officer_id": _l("首席服务官"),
    "verified": _l("已认定"),
    "verified_at": _l("认定时间"),
    "verified_by_id": _l("认定人"),
    "voided": _l("已作废"),
    "void_reason": _l("作废原因"),
    "remarks": _l("备注"),
    "created_by_id": _l("录入人"),
}

# The fields of the records that hang off a project, where they differ from the project's own.
OTHER_FIELDS = {
    "project_id": _l("项目"),
    "name": _l("名称"),
    "owner_id": _l("负责人"),
    "due_on": _l("办理时限"),
    "done_on": _l("办结日期"),
    "raised_on": _l("提出日期"),
    "description": _l("问题描述"),
    "responsible_unit": _l("责任单位"),
    "handling_on": _l("办理日期"),
    "resolved_on": _l("销号日期"),
    "kind": _l("材料类型"),
    "content_type": _l("文件格式"),
    "size_bytes": _l("文件大小（字节）"),
    "original_name": _l("文件名"),
    "uploaded_at": _l("上传时间"),
    "uploaded_by_id": _l("上传人"),
    "planned_on": _l("计划日期"),
    "achieved_on": _l("实际日期"),
}

ENTITIES = {
    "Project": _l("项目"),
    "Milestone": _l("里程碑"),
    "ServiceItem": _l("代办事项"),
    "ProjectIssue": _l("问题诉求"),
    "ProjectDocument": _l("证明材料"),
}

ACTIONS = {"insert": _l("新建"), "update": _l("修改"), "delete": _l("删除")}
# Events recorded by name rather than by a row's change: what was done, said whole (no record's name follows).
DEEDS = {"verified": _l("认定了项目"), "verification_withdrawn": _l("撤回了项目认定"),
         "service_team": _l("调整了服务专班")}

def field_label(entity: str, name: str) -> str:
    """The Chinese name of a recorded field, or the field's own name when it has none."""
    label = PROJECT_FIELDS.get(name) if entity == "Project" else OTHER_FIELDS.get(name) or PROJECT_FIELDS.get(name)
    return str(label or name)


def original_amount(project: Project) -> str:
    """A foreign signing's amount in its own currency: 1.20亿美元, 5,000.00万欧元."""
    if project.original_amount is None:
        return "—"
    return written(project.original_amount, "auto", currency=str(CURRENCIES.get(project.currency, project.currency)))
