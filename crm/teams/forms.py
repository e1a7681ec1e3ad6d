"""Forms for teams and their yearly targets."""

from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import BooleanField, IntegerField, SelectField, StringField
from wtforms.validators import DataRequired, Length, NumberRange, Optional, ValidationError

from ..core.stale_edits import fingerprint_field, version_field
from ..domain.money import AmountError, Unit, format_yi, parse_amount
from ..extensions import db
from ..models import Role, TargetMetric, Team, User
from ..web.forms import options
from ..web.i18n import lazy_gettext as _l


class TeamForm(FlaskForm):
    name = StringField(_l("专班名称"), validators=[DataRequired(), Length(max=64)])
    base_city = StringField(_l("驻点城市"), validators=[DataRequired(), Length(max=64)])
    leader_id = SelectField(_l("带队领导"), coerce=int)
    active = BooleanField(_l("启用"), default=True)
    version = version_field()

    def __init__(self, *args, team: Team | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._team = team
        if team is None:
            del self.version  # a new team has no version to be stale against
        elif self.is_submitted():
            self.version.data = next(iter(self.version.raw_data or []), None)  # what was sent, never the stored one
        leaders = db.session.scalars(select(User).where(User.role == Role.LEADER, User.active.is_(True))
                                     .order_by(User.display_name))
        self.leader_id.choices = options([(0, _l("（无）"))] + [(u.id, u.display_name) for u in leaders])

    def validate_name(self, field) -> None:
        clash = db.session.scalar(select(Team.id).where(Team.name == field.data.strip()))
        if clash is not None and (self._team is None or clash != self._team.id):
            raise ValidationError(_l("已有同名专班"))


def money_target(label) -> StringField:
    """A target of money, typed in 亿元 ("50", "0.8" or "50亿"); another unit written is refused."""
    return StringField(label, validators=[Optional(), Length(max=30)])


class TargetsForm(FlaskForm):
    """One field per metric (named by its value); amounts of money are typed in 亿元."""

    trips = IntegerField(TargetMetric.TRIPS.label, validators=[Optional(), NumberRange(0, 100_000)])
    enterprises = IntegerField(TargetMetric.ENTERPRISES_VISITED.label,
                               validators=[Optional(), NumberRange(0, 100_000)])
    visits = IntegerField(TargetMetric.VISITS.label, validators=[Optional(), NumberRange(0, 1_000_000)])
    new_leads = IntegerField(TargetMetric.NEW_LEADS.label, validators=[Optional(), NumberRange(0, 100_000)])
    signed = IntegerField(TargetMetric.SIGNED_PROJECTS.label, validators=[Optional(), NumberRange(0, 10_000)])
    yi_signed = IntegerField(TargetMetric.YI_PROJECTS.label, validators=[Optional(), NumberRange(0, 10_000)])
    investment = money_target(_l("签约投资额（亿元）"))
    started = IntegerField(TargetMetric.STARTED_PROJECTS.label, validators=[Optional(), NumberRange(0, 10_000)])
    producing = IntegerField(TargetMetric.PRODUCING_PROJECTS.label,
                             validators=[Optional(), NumberRange(0, 10_000)])
    funds = money_target(_l("到资额（亿元）"))
    fixed_asset = money_target(_l("固投完成额（亿元）"))
    # The targets the form was opened with: clearing one deletes its row, so no row's version could tell
    opened = fingerprint_field()

    def validate(self, extra_validators=None) -> bool:
        """The fields' own checks, then each amount read in 亿元 (its yuan kept for values())."""
        valid = super().validate(extra_validators)
        self.yuan: dict[TargetMetric, int | None] = {}
        for metric in TargetMetric:
            field = getattr(self, metric.value)
            if not metric.in_yuan or field.errors:
                continue
            try:
                self.yuan[metric] = parse_amount(field.data, Unit.YI).yuan if field.data else None
            except AmountError as error:
                field.errors.append(str(error))
                valid = False
        return valid

    def fill(self, targets: dict[TargetMetric, int], opened: str) -> None:
        """Show a year's targets as stored, and the fingerprint of them."""
        for metric, value in targets.items():
            getattr(self, metric.value).data = format_yi(value, 4) if metric.in_yuan else value
        self.opened.data = opened

    def values(self) -> dict[TargetMetric, int | None]:
        """The targets as {metric: count or yuan}; None clears a target."""
        return {metric: self.yuan.get(metric) if metric.in_yuan else getattr(self, metric.value).data
                for metric in TargetMetric}
