"""The project form: what a signing records, with amounts typed in 万元 or 亿元."""

from decimal import Decimal
from typing import Any

from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import BooleanField, DecimalField, Field, HiddenField, IntegerField, SelectField
from wtforms.fields import StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, ValidationError

from ...domain.money import CURRENCY_WORDS, YUAN_PER_YI, AmountError, Unit, parse_amount
from ...extensions import db
from ...leads.forms import amount_text
from ...models import AgreementKind, Project, ProjectType, Team
from ...web.forms import DayField, options
from ...web.i18n import lazy_gettext as _l
from .labels import CURRENCIES

CURRENCY_WORD = {code: word for word, code in reversed(CURRENCY_WORDS.items())}  # USD → 美元
UNITS = options([(Unit.WAN.value, _l("万元")), (Unit.YI.value, _l("亿元"))])
MAX_RATE = Decimal(100_000_000)  # fx_rate is NUMERIC(14, 6)
AMOUNT = {"validators": [Optional(), Length(max=30)], "render_kw": {"inputmode": "decimal"}}


class ProjectForm(FlaskForm):
    name = StringField(_l("项目名称"), validators=[DataRequired(), Length(max=200)])
    enterprise_name = StringField(_l("投资方企业"), validators=[DataRequired(), Length(max=200)],
                                  render_kw={"list": "enterprise-names", "autocomplete": "off"})
    enterprise_id = HiddenField()
    team_id = SelectField(_l("计入专班"), coerce=int)
    signed_on = DayField(_l("签约日期"), validators=[InputRequired()])
    agreement_kind = SelectField(_l("协议类型"), choices=options(AgreementKind.choices()))
    project_type = SelectField(_l("项目类型"), choices=options(ProjectType.choices()))
    industry = StringField(_l("产业类别"), validators=[Optional(), Length(max=64)])
    location = StringField(_l("落户园区"), validators=[Optional(), Length(max=100)])
    unit = SelectField(_l("金额单位（总投资、固定资产投资、原币金额）"), choices=UNITS, default=Unit.YI.value)
    currency = SelectField(_l("签约币种"), choices=options(CURRENCIES.items()), default="CNY")
    total_investment = StringField(_l("总投资额（人民币，万元或亿元，按金额单位）"), **AMOUNT)
    original_amount = StringField(_l("外币签约：原币金额（万或亿，按金额单位）"), **AMOUNT)
    fx_rate = StringField(_l("外币签约：汇率（1外币折合人民币元）"), **AMOUNT)
    fixed_asset_investment = StringField(_l("固定资产投资（人民币，万元或亿元，按金额单位）"), **AMOUNT)
    expected_sales = StringField(_l("预计年销售收入（万元）"), **AMOUNT)
    expected_tax = StringField(_l("预计年税收（万元）"), **AMOUNT)
    jobs = IntegerField(_l("预计就业人数"), validators=[Optional(), NumberRange(0, 10_000_000)])
    land_area_mu = DecimalField(_l("用地面积（亩）"), places=2, validators=[Optional(), NumberRange(0, 10**9)])
    from_event = BooleanField(_l("在招商活动上签约"))
    event_name = StringField(_l("活动名称"), validators=[Optional(), Length(max=200)])
    planned_start_on = DayField(_l("计划开工日期"), validators=[Optional()])
    planned_production_on = DayField(_l("计划投产日期"), validators=[Optional()])
    planned_capacity_on = DayField(_l("计划达产日期"), validators=[Optional()])
    remarks = TextAreaField(_l("备注"), validators=[Optional(), Length(max=5000)])
    version = HiddenField()

    def __init__(self, *args: Any, admin: bool, project: Project | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if admin:
            shown = Team.active.is_(True) | (Team.id == project.team_id) if project else Team.active.is_(True)
            teams = db.session.execute(select(Team.id, Team.name).where(shown).order_by(Team.name))
            self.team_id.choices = options([(0, _l("（请选择）")), *teams])
        else:
            del self.team_id  # a team's own people record its projects
        if project is None:
            del self.version

    def validate_team_id(self, field: Field) -> None:
        if not field.data:
            raise ValidationError(_l("请选择专班"))

    def validate_version(self, field: Field) -> None:
        if not (field.data or "").isdigit():
            raise ValidationError(_l("页面已过期，请刷新后重试"))

    def validate_signed_on(self, field: Field) -> None:
        if field.data is not None and field.data.year < 2000:
            raise ValidationError(_l("签约日期不正确"))

    def validate_land_area_mu(self, field: Field) -> None:
        area = field.data
        if area is not None and area.is_finite() and abs(area) <= 10**9 and area * 100 != int(area * 100):
            raise ValidationError(_l("用地面积最多保留两位小数"))

    def validate_event_name(self, field: Field) -> None:
        if self.from_event.data and not (field.data or "").strip():
            raise ValidationError(_l("活动签约须填写活动名称"))

    def validate(self, extra_validators: Any = None) -> bool:
        """Check the fields, then read the amounts: in the chosen unit, and a foreign one at its rate."""
        valid = super().validate(extra_validators)
        if self.currency.data not in CURRENCIES:
            return False
        unit = Unit(self.unit.data) if self.unit.data in (Unit.WAN, Unit.YI) else Unit.YI
        self.amounts: dict[str, Any] = {"currency": self.currency.data}
        readings = [("fixed_asset_investment_yuan", self.fixed_asset_investment, unit),
                    ("expected_annual_sales_yuan", self.expected_sales, Unit.WAN),
                    ("expected_annual_tax_yuan", self.expected_tax, Unit.WAN)]
        if self.currency.data == "CNY":
            readings.append(("total_investment_yuan", self.total_investment, unit))
        for key, field, in_unit in readings:
            valid = self.read_amount(key, field, in_unit) and valid
        if self.currency.data != "CNY":
            valid = self.read_foreign(unit) and valid
        elif self.amounts["total_investment_yuan"] is None and not self.total_investment.errors:
            self.total_investment.errors.append(str(_l("请填写总投资额")))
            valid = False
        return valid

    def read_amount(self, key: str, field: Field, unit: Unit) -> bool:
        """Put the typed amount, in yuan, under `key`; False with the reason on the field when it is unreadable."""
        self.amounts[key] = None
        try:
            self.amounts[key] = parse_amount(field.data, unit).yuan if (field.data or "").strip() else None
        except AmountError as error:
            field.errors.append(str(error))
            return False
        return True

    def read_foreign(self, unit: Unit) -> bool:
        """Read the original amount and the rate; the yuan total is original × rate."""
        if not self.read_amount("original_amount", self.original_amount, unit):
            return False
        original, rate = self.amounts["original_amount"], (self.fx_rate.data or "").strip()
        if original is None:
            self.original_amount.errors.append(str(_l("外币签约须填写原币金额")))
            return False
        try:
            amount = parse_amount(f"{original}{CURRENCY_WORD[self.currency.data]}", rate=rate)
        except AmountError as error:
            self.fx_rate.errors.append(str(error))
            return False
        if amount.rate is None or amount.rate >= MAX_RATE or amount.rate != round(amount.rate, 6):
            self.fx_rate.errors.append(str(_l("汇率最多六位小数")))
            return False
        self.amounts.update(total_investment_yuan=amount.yuan, fx_rate=amount.rate)
        self.total_investment.data = amount_text(amount.yuan, unit)  # shown back, computed
        return True

    def fill(self, project: Project, unit: Unit | None = None) -> None:
        """Show a project's stored values, amounts in the unit given, else in 亿元 from 1亿 up and in 万元 below."""
        self.enterprise_name.data, self.enterprise_id.data = project.enterprise.name, str(project.enterprise_id)
        unit = unit or (Unit.YI if project.total_investment_yuan >= YUAN_PER_YI else Unit.WAN)
        self.unit.data = unit.value
        self.total_investment.data = amount_text(project.total_investment_yuan, unit)
        self.fixed_asset_investment.data = amount_text(project.fixed_asset_investment_yuan, unit)
        self.original_amount.data = amount_text(project.original_amount, unit)
        self.fx_rate.data = "" if project.fx_rate is None else format(project.fx_rate.normalize(), "f")
        self.expected_sales.data = amount_text(project.expected_annual_sales_yuan, Unit.WAN)
        self.expected_tax.data = amount_text(project.expected_annual_tax_yuan, Unit.WAN)
        if "version" in self:
            self.version.data = str(project.version)

    def payload(self) -> dict[str, Any]:
        """The project's values as the services take them (the view picks the enterprise and the team)."""
        text = {key: (getattr(self, key).data or "").strip() or None for key in ("industry", "location", "remarks")}
        return text | self.amounts | {
            "name": self.name.data, "signed_on": self.signed_on.data,
            "agreement_kind": AgreementKind(self.agreement_kind.data),
            "project_type": ProjectType(self.project_type.data), "jobs": self.jobs.data,
            "land_area_mu": self.land_area_mu.data, "from_event": self.from_event.data,
            "event_name": (self.event_name.data or "").strip() or None,
            "planned_start_on": self.planned_start_on.data, "planned_production_on": self.planned_production_on.data,
            "planned_capacity_on": self.planned_capacity_on.data}
