"""Forms for trips: the trip itself, and the filters of the list."""

from typing import Any

from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import IntegerField, SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.fields import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from ..access.districts import team_choices
from ..access.tenancy import scoped_district
from ..core.stale_edits import version_field
from ..extensions import db
from ..models import Role, Team, Trip, User
from ..rankings.filter_options import district_options
from ..web.forms import MAX_ID, DayField, DistrictFilter, PeriodFilter, options
from ..web.i18n import lazy_gettext as _l


def team_pairs(*, active_only: bool, keep: int | None = None) -> list[tuple[int, str]]:
    """Teams as (id, name), keeping the one a record already has."""
    query = select(Team.id, Team.name).order_by(Team.active.desc(), Team.name)
    if active_only:
        query = query.where(Team.active.is_(True) | (Team.id == keep) if keep else Team.active.is_(True))
    return [(team_id, name) for team_id, name in db.session.execute(query)]


class TripForm(FlaskForm):
    team_id = SelectField(_l("专班"), coerce=int)
    destination = StringField(_l("目的地"), validators=[DataRequired(), Length(max=100)])
    start_on = DayField(_l("出发日期"), validators=[InputRequired()])  # unlike DataRequired, keeps "not a valid date"
    end_on = DayField(_l("返回日期"), validators=[InputRequired()])
    leader_id = SelectField(_l("带队领导"), coerce=int, default=0)
    # Membership of the trip's team is a rule of services.check_trip, which names who does not fit.
    participant_ids = SelectMultipleField(_l("参加人员"), coerce=int, validate_choice=False,
                                          widget=ListWidget(prefix_label=False), option_widget=CheckboxInput())
    purpose = TextAreaField(_l("出行目的"), validators=[Optional(), Length(max=2000)])
    summary = TextAreaField(_l("成果小结"), validators=[Optional(), Length(max=5000)])
    version = version_field()

    def __init__(self, *args: Any, actor: User, trip: Trip | None = None, **kwargs: Any) -> None:
        super().__init__(*args, obj=trip, **kwargs)
        if trip is None:
            del self.version  # a new trip has no version to be stale against
        elif self.is_submitted():
            self.version.data = next(iter(self.version.raw_data or []), None)  # what was sent, never the stored one
        if actor.role is Role.ADMIN:
            self.team_id.choices = options(team_pairs(active_only=True, keep=trip.team_id if trip else None))
        else:
            del self.team_id  # others record trips of their own team only
        shown = User.active.is_(True)
        if trip is not None and trip.leader_id:
            shown = shown | (User.id == trip.leader_id)  # a leader since retired stays on the trip
        leaders = db.session.scalars(select(User).where(User.role == Role.LEADER, shown).order_by(User.display_name))
        self.leader_id.choices = options([(0, _l("（无）"))] + [(u.id, u.display_name) for u in leaders])
        self.participant_ids.choices = self.member_options(actor, trip)
        if trip is not None and not self.is_submitted():
            self.leader_id.data = trip.leader_id or 0
            self.participant_ids.data = [user.id for user in trip.participants]

    @staticmethod
    def member_options(actor: User, trip: Trip | None) -> list[SelectChoice]:
        """Active members of the trip's team (an admin creating a trip: of every active team)."""
        team_id = trip.team_id if trip else (None if actor.role is Role.ADMIN else actor.team_id)
        current = [user.id for user in trip.participants] if trip else []
        query = (select(User, Team.name).join(Team, User.team_id == Team.id)
                 .where((User.active.is_(True) & Team.active.is_(True)) | User.id.in_(current))
                 .order_by(Team.name, User.display_name))
        if team_id is not None:
            query = query.where(User.team_id == team_id)
        return options((user.id, user.display_name if team_id else f"{name} · {user.display_name}")
                       for user, name in db.session.execute(query))

    def validate_end_on(self, field: DayField) -> None:
        if self.start_on.data and field.data and field.data < self.start_on.data:
            raise ValidationError(_l("返回日期不能早于出发日期"))

    def validate_participant_ids(self, field: SelectMultipleField) -> None:
        ids = set(field.data or [])
        wanted = {i for i in ids if 0 < i <= MAX_ID}
        self.participants = db.session.scalars(select(User).where(User.id.in_(wanted)).order_by(User.id)).all()
        if len(self.participants) != len(ids):
            raise ValidationError(_l("所选人员不存在"))

    def payload(self) -> dict[str, Any]:
        """The trip's values as the services take them (the team is chosen by the view)."""
        return {"destination": self.destination.data.strip(), "start_on": self.start_on.data,
                "end_on": self.end_on.data,
                "leader": db.session.get(User, self.leader_id.data) if self.leader_id.data else None,
                "participants": list(self.participants), "purpose": (self.purpose.data or "").strip() or None,
                "summary": (self.summary.data or "").strip() or None,
                **({"version": int(self.version.data)} if "version" in self else {})}


class TripFilterForm(DistrictFilter, PeriodFilter, FlaskForm):
    """The list's filters, read from the query string."""

    class Meta:
        csrf = False  # a GET form that changes nothing

    team = SelectField(_l("专班"), coerce=int, default=0)
    year = IntegerField(_l("年份"), validators=[Optional(), NumberRange(2000, 2100)])
    quarter = SelectField(_l("季度"), coerce=int, default=0,
                          choices=options([(0, _l("全部"))] + [(q, str(q)) for q in range(1, 5)]))
    month = SelectField(_l("月份"), coerce=int, default=0,
                        choices=options([(0, _l("全部"))] + [(m, str(m)) for m in range(1, 13)]))
    start = DayField(_l("起始日期"), validators=[Optional()])
    end = DayField(_l("截止日期"), validators=[Optional()])
    destination = StringField(_l("目的地"), validators=[Optional(), Length(max=100)])
    district = SelectField(_l("区县"), coerce=int, default=0)

    def __init__(self, formdata: Any, *, sees_all: bool) -> None:
        super().__init__(formdata)
        self.offer_districts(district_options(self.district.data) if scoped_district() is None else None)
        if sees_all:
            self.team.choices = options([(0, _l("全部专班")), *team_choices(team_pairs(active_only=False))])
        else:
            del self.team  # members and leads see their own team's trips only

    def criteria(self) -> dict[str, Any]:
        """The filters as services.visible_trips takes them."""
        return {"team_id": self.team.data if "team" in self else None, "period": self.period(),
                "destination": (self.destination.data or "").strip() or None, "district_id": self.chosen_district()}
