"""The rankings' forms: the project ranking's filters, the year's scoring rule, and freezing a quarter."""

from decimal import Decimal, InvalidOperation
from typing import Any

from flask_wtf import FlaskForm
from wtforms import BooleanField, IntegerField, RadioField, SelectField, StringField
from wtforms.validators import InputRequired, Length, NumberRange, ValidationError

from ..access.tenancy import scoped_district
from ..core.stale_edits import beside_stored, version_field
from ..domain.periods import Period, today
from ..domain.sizes import SIZE_BUCKETS
from ..models import ProjectStatus, TargetMetric
from ..reports.colours import Colour
from ..reports.district_ranking import DISTRICT_METRICS
from ..reports.figures import METRICS
from ..reports.forms import ReportPeriodForm
from ..reports.project_ranking import YiCriteria
from ..reports.scoring import DEFAULT_CITY_WEIGHTS, DEFAULT_WEIGHTS, ScoringRule
from ..web.forms import DistrictFilter, options
from ..web.i18n import lazy_gettext as _l
from .filter_options import ALL, district_options, industry_options, team_options
from .labels import METRIC_LABELS

MAX_DEDUCTION = Decimal(100)


class ProjectRankingForm(DistrictFilter, ReportPeriodForm):
    """The period, and the district (the city's choice), team, industry, size bucket and status it is limited to."""

    district = SelectField(_l("区县"), coerce=int, default=0)
    team = SelectField(_l("专班"), coerce=int, default=0)
    industry = SelectField(_l("产业类别"), default="")
    size = SelectField(_l("投资规模"), default="1",
                       choices=options((key, label) for key, (_, label) in SIZE_BUCKETS.items()))
    status = SelectField(_l("状态"), default="", choices=options([ALL, *ProjectStatus.choices()]))
    colour = SelectField(_l("红黄绿"), default="", choices=options([ALL, *Colour.choices()]))

    def __init__(self, formdata: Any) -> None:
        super().__init__(formdata)
        district_id = scoped_district()  # the lists a district's session reads are that district's
        self.team.choices = options(team_options(district_id, self.team.data))
        self.industry.choices = options(industry_options(district_id, self.industry.data))
        self.offer_districts(district_options(self.district.data) if district_id is None else None)

    def criteria(self, period: Period) -> YiCriteria:
        return YiCriteria(period=period, team_id=self.team.data or None, industry=self.industry.data or None,
                          size=self.size.data or "1",
                          status=ProjectStatus(self.status.data) if self.status.data else None,
                          district_id=self.chosen_district(),
                          colour=Colour(self.colour.data) if self.colour.data else None, colour_on=today())


def weight_field(metric: TargetMetric) -> IntegerField:
    return IntegerField(METRIC_LABELS[metric], validators=[
        InputRequired(_l("请填写权重")), NumberRange(0, 100, _l("权重须为0至100的整数"))])


class WeightsForm(FlaskForm):
    """One weight per metric (points), the normalisation, and the deduction for overdue projects."""

    metrics = METRICS
    defaults = DEFAULT_WEIGHTS

    normalisation = RadioField(_l("得分计算"), default="best", choices=options([
        ("best", _l("与最高的专班相比（最高者得满分）")), ("target", _l("与按时段折算的年度目标相比（完成即满分）"))]))
    deduct_overdue = BooleanField(_l("超时限未开工项目扣分"))
    overdue_deduction = StringField(_l("每个超时限未开工项目扣分"), validators=[Length(max=12)])
    version = version_field()  # of the year's stored rule; 0 while none is

    def validate_overdue_deduction(self, field: StringField) -> None:
        text = (field.data or "").strip()
        if not text:
            raise ValidationError(_l("请填写扣分"))
        try:
            value = Decimal(text)
        except InvalidOperation:
            raise ValidationError(_l("扣分须为数字，如 2 或 0.5")) from None
        if not value.is_finite() or not 0 <= value <= MAX_DEDUCTION:
            raise ValidationError(_l("扣分须在0至100之间"))
        if value.as_tuple().exponent < -2:
            raise ValidationError(_l("扣分最多保留两位小数"))
        self.deduction = value.quantize(Decimal("0.01"))

    def validate(self, extra_validators: Any = None) -> bool:
        valid = super().validate(extra_validators)
        if valid and sum(self.weight(m).data for m in self.metrics) <= 0:
            self.weight(self.metrics[0]).errors.append(_l("权重合计须大于0"))
            return False
        return valid

    def weight(self, metric: TargetMetric) -> Any:
        return self[f"weight_{metric.value}"]

    def weights(self) -> list[Any]:
        """The weight fields with their metric's default, in the ranking's order."""
        return [(self.weight(m), self.defaults[m]) for m in self.metrics]

    def fill(self, rule: ScoringRule, version: int) -> None:
        """Show a rule, stored at the version (0: not stored, a default)."""
        self.version.data = str(version)
        for metric in self.metrics:
            self.weight(metric).data = rule.weights.get(metric, 0)
        self.normalisation.data = rule.normalisation
        self.deduct_overdue.data = rule.deduct_overdue
        self.overdue_deduction.data = format(rule.overdue_deduction, "f")

    def beside(self, stored: ScoringRule, version: int) -> list[tuple[str, str, str]]:
        """The stored rule beside what was typed; the form keeps what was typed, at the stored version."""
        shown = type(self)(formdata=None)
        shown.fill(stored, version)
        return beside_stored(self, shown, version)

    def rule(self, year: int) -> ScoringRule:
        return ScoringRule(year=year, weights={m: self.weight(m).data if m in self.metrics else 0 for m in METRICS},
                           normalisation=self.normalisation.data, deduct_overdue=self.deduct_overdue.data,
                           overdue_deduction=self.deduction)


for _metric in METRICS:
    setattr(WeightsForm, f"weight_{_metric.value}", weight_field(_metric))


class CityWeightsForm(WeightsForm):
    """The city's rule for its districts: weights for the figures districts are ranked by only."""

    metrics = DISTRICT_METRICS
    defaults = DEFAULT_CITY_WEIGHTS
    normalisation = RadioField(_l("得分计算"), default="best", choices=options([
        ("best", _l("与最高的区县相比（最高者得满分）")), ("target", _l("与按时段折算的年度目标相比（完成即满分）"))]))


for _metric in set(METRICS) - set(DISTRICT_METRICS):
    setattr(CityWeightsForm, f"weight_{_metric.value}", None)  # WTForms: None removes an inherited field


class FreezeForm(FlaskForm):
    """Which quarter to freeze; a quarter still running needs the confirmation ticked."""

    year = IntegerField(_l("年份"), validators=[InputRequired(_l("请填写年份")),
                                                NumberRange(2000, 2100, _l("年份须在2000至2100之间"))])
    quarter = SelectField(_l("季度"), coerce=int, default=1,
                          choices=options((q, _l("第%(q)s季度", q=q)) for q in range(1, 5)))
    confirm = BooleanField(_l("本季度尚未结束，仍要冻结"))

    def period(self) -> Period:
        return Period.quarter(self.year.data, self.quarter.data)
