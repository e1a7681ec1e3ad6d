"""Forms for leads: the lead itself, stage moves, the list's filters, 撞单 resolution and signing."""

from typing import Any

from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import HiddenField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional, ValidationError

from ..access.districts import team_choices
from ..access.tenancy import scoped_district
from ..domain.money import AmountError, Unit, parse_amount, to_unit
from ..domain.periods import today
from ..extensions import db
from ..models import AgreementKind, Lead, LeadStage, LeadStatus, ProjectType, Team, User
from ..rankings.filter_options import district_options
from ..web.forms import DayField, DistrictFilter, options
from ..web.i18n import gettext, join_clauses, labelled, with_note
from ..web.i18n import lazy_gettext as _l
from .services import team_members

ALL = ("", _l("全部"))


def amount_text(yuan: int | None, unit: Unit) -> str:
    """An amount as a person would type it in the unit, without trailing zeros."""
    return "" if yuan is None else format(to_unit(yuan, unit).normalize(), "f")


def parsed_yuan(text: str | None, unit: Unit) -> int | None:
    """Yuan from a typed amount, or None when blank; ValidationError with the reason otherwise."""
    if not text or not text.strip():
        return None
    try:
        return parse_amount(text, unit).yuan
    except AmountError as error:
        raise ValidationError(str(error)) from error


class LeadForm(FlaskForm):
    team_id = SelectField(_l("专班"), coerce=int)
    enterprise_name = StringField(_l("企业"), validators=[DataRequired(), Length(max=200)],
                                  render_kw={"list": "enterprise-names", "autocomplete": "off"})
    enterprise_id = HiddenField()
    title = StringField(_l("项目名称"), validators=[DataRequired(), Length(max=200)])
    industry = StringField(_l("产业类别"), validators=[Optional(), Length(max=64)])
    investment_wan = StringField(_l("意向投资额（万元）"), validators=[Optional(), Length(max=30)],
                                 render_kw={"inputmode": "decimal"})
    owner_id = SelectField(_l("负责人"), coerce=int)
    status = SelectField(_l("状态"), choices=options(
        (s.value, s.label) for s in (LeadStatus.ACTIVE, LeadStatus.PAUSED)))
    expected_sign_on = DayField(_l("预计签约日期"), validators=[Optional()])
    next_action = TextAreaField(_l("下一步工作"), validators=[Optional(), Length(max=2000)])
    next_action_on = DayField(_l("下一步日期"), validators=[Optional()])
    version = HiddenField()

    def __init__(self, *args: Any, team: Team | None = None, lead: Lead | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._team = team
        if team is not None:
            del self.team_id  # the lead belongs to the editor's team, or keeps its own
        else:
            teams = db.session.scalars(select(Team).where(Team.active.is_(True)).order_by(Team.name))
            self.team_id.choices = options([(0, _l("（请选择）"))] + [(t.id, t.name) for t in teams])
        if lead is None:
            del self.version
        elif lead.status is LeadStatus.CLOSED:
            del self.status  # closed by signing or dropping, not by hand
        members = team_members(team.id if team else None)
        self.owner_id.choices = options([(0, _l("（无）"))] + [
            (u.id, u.display_name if team else with_note(u.display_name, u.team.name)) for u in members])

    def validate_team_id(self, field: Any) -> None:
        if not field.data:
            raise ValidationError(_l("请选择专班"))

    def validate_investment_wan(self, field: Any) -> None:
        self.investment_yuan = parsed_yuan(field.data, Unit.WAN)

    def validate_owner_id(self, field: Any) -> None:
        if field.errors:  # not one of the choices (said so already), so no id to look up
            return
        team_id = self._team.id if self._team else self.team_id.data
        owner = db.session.get(User, field.data) if field.data else None
        if owner is not None and owner.team_id != team_id:
            raise ValidationError(_l("负责人必须是本专班成员"))

    def validate_version(self, field: Any) -> None:
        if not (field.data or "").isdigit():
            raise ValidationError(_l("页面已过期，请刷新后重试"))

    def fill(self, lead: Lead) -> None:
        """Show a lead's stored values."""
        self.enterprise_name.data = lead.enterprise.name
        self.enterprise_id.data = str(lead.enterprise_id)
        self.investment_wan.data = amount_text(lead.intended_investment_yuan, Unit.WAN)
        self.owner_id.data = lead.owner_id or 0
        if "version" in self:
            self.version.data = str(lead.version)

    def payload(self) -> dict[str, Any]:
        """The lead's fields as the services take them."""
        values = {
            "title": self.title.data, "industry": (self.industry.data or "").strip() or None,
            "intended_investment_yuan": getattr(self, "investment_yuan", None),
            "owner": db.session.get(User, self.owner_id.data) if self.owner_id.data else None,
            "expected_sign_on": self.expected_sign_on.data,
            "next_action": (self.next_action.data or "").strip() or None,
            "next_action_on": self.next_action_on.data}
        if "status" in self:
            values["status"] = LeadStatus(self.status.data)
        return values


class StageForm(FlaskForm):
    stage = SelectField(_l("目标阶段"), choices=options(LeadStage.choices()), validators=[InputRequired()])
    reason = TextAreaField(_l("放弃原因"), validators=[Optional(), Length(max=2000)])
    note = StringField(_l("备注"), validators=[Optional(), Length(max=500)])

    def problem(self) -> str:
        """What is wrong with a move that did not validate, as one sentence."""
        problems = [labelled(self[name].label.text, errors[0]) for name, errors in self.errors.items()
                    if name != "stage"]
        return join_clauses(problems) if problems and not self.stage.errors else gettext("请选择要移至的阶段")


class LeadFilterForm(DistrictFilter, FlaskForm):
    class Meta:
        csrf = False  # a GET search form

    # Only an empty value skips the choice check: plain Optional() would let " " or "\r" through unchecked.
    stage = SelectField(_l("阶段"), choices=options([ALL, *LeadStage.choices()]),
                        validators=[Optional(strip_whitespace=False)])
    status = SelectField(_l("状态"), choices=options([ALL, *LeadStatus.choices()]),
                         validators=[Optional(strip_whitespace=False)])
    owner = SelectField(_l("负责人"), coerce=int, validators=[Optional()])
    enterprise = StringField(_l("企业名称"), validators=[Optional(), Length(max=100)])
    team = SelectField(_l("专班"), coerce=int, validators=[Optional()])
    district = SelectField(_l("区县"), coerce=int, default=0, validators=[Optional()])

    def __init__(self, *args: Any, teams: list[Team] | None, members: list[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.owner.choices = options([(0, _l("全部"))] + [(u.id, u.display_name) for u in members])
        if teams is None:
            del self.team  # the viewer sees only their own team
        else:
            self.team.choices = options([(0, _l("全部专班")), *team_choices((t.id, t.name) for t in teams)])
        self.offer_districts(district_options(self.district.data) if scoped_district() is None else None)

    def filters(self) -> dict[str, Any]:
        """The valid filters, by name; an invalid one is left out rather than refused."""
        self.validate()
        valid = {name: field.data for name, field in self._fields.items() if not field.errors and field.data}
        return {"stage": LeadStage(valid["stage"]) if "stage" in valid else None,
                "status": LeadStatus(valid["status"]) if "status" in valid else None,
                "owner_id": valid.get("owner"), "enterprise": (valid.get("enterprise") or "").strip() or None,
                "team_id": valid.get("team"), "district_id": valid.get("district")}


class ResolveOverlapForm(FlaskForm):
    lead_team_id = SelectField(_l("线索归属"), coerce=int)
    note = TextAreaField(_l("处理说明"), validators=[DataRequired(), Length(max=2000)])


class SignForm(FlaskForm):
    name = StringField(_l("项目名称"), validators=[DataRequired(), Length(max=200)])
    signed_on = DayField(_l("签约日期"), validators=[InputRequired()], default=today)
    agreement_kind = SelectField(_l("协议类型"), choices=options(AgreementKind.choices()))
    project_type = SelectField(_l("项目类型"), choices=options(ProjectType.choices()))
    investment = StringField(_l("总投资额"), validators=[DataRequired(), Length(max=30)],
                             render_kw={"inputmode": "decimal"})
    unit = SelectField(_l("金额单位"), choices=options([(Unit.WAN.value, _l("万元")), (Unit.YI.value, _l("亿元"))]),
                       default=Unit.WAN.value)
    industry = StringField(_l("产业类别"), validators=[Optional(), Length(max=64)])
    location = StringField(_l("落户园区"), validators=[Optional(), Length(max=100)])

    def validate_signed_on(self, field: Any) -> None:
        if field.data is None:  # not a date: said so already
            return
        if field.data > today():
            raise ValidationError(_l("签约日期不能晚于今天"))
        if field.data.year < 2000:
            raise ValidationError(_l("签约日期不正确"))

    def validate_investment(self, field: Any) -> None:
        unit = Unit.YI if self.unit.data == Unit.YI.value else Unit.WAN
        self.investment_yuan = parsed_yuan(field.data, unit)
        if not self.investment_yuan:
            raise ValidationError(_l("总投资额必须大于0"))

    def payload(self) -> dict[str, Any]:
        """The signing as sign_lead takes it."""
        return {"name": self.name.data, "signed_on": self.signed_on.data, "total_investment_yuan": self.investment_yuan,
                "agreement_kind": AgreementKind(self.agreement_kind.data),
                "project_type": ProjectType(self.project_type.data),
                "industry": (self.industry.data or "").strip() or None,
                "location": (self.location.data or "").strip() or None}
