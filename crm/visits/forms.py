"""The visit form: the phone page and the edit page."""

import uuid as uuid_module
from collections.abc import Sequence

from flask_wtf import FlaskForm
from flask_wtf.file import MultipleFileField
from sqlalchemy import select
from werkzeug.datastructures import FileStorage
from wtforms import HiddenField, IntegerField, RadioField, SelectField, SelectMultipleField, StringField
from wtforms.fields import TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from ..access.districts import team_choices
from ..access.tenancy import scoped_district
from ..access.visibility import sees_all
from ..core.stale_edits import version_field
from ..domain.periods import today
from ..extensions import db
from ..leads.overlaps import ACTIVE_STAGES
from ..models import Lead, Team, Trip, User, Visit, VisitKind
from ..rankings.filter_options import district_options
from ..web.forms import DayField, DistrictFilter, options
from ..web.i18n import lazy_gettext as _l
from .services import TEXT_LIMIT, VisitInput


class CheckboxesField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def valid_uuid(form, field) -> None:
    try:
        uuid_module.UUID(field.data)
    except (TypeError, ValueError) as error:
        raise ValidationError(_l("拜访记录编号无效，请刷新页面后重试")) from error


class VisitForm(FlaskForm):
    uuid = HiddenField(validators=[DataRequired(), valid_uuid])
    team_id = HiddenField()  # the team chosen by a leader or the office; checked by the visit rules
    enterprise_id = IntegerField(validators=[Optional()])
    enterprise_name = StringField(_l("企业"), validators=[Length(max=200)],
                                  render_kw={"autocomplete": "off", "placeholder": _l("输入企业名称的一部分")})
    visited_on = DayField(_l("拜访日期"), validators=[InputRequired(message=_l("请填写拜访日期"))], default=today)
    kind = RadioField(_l("方式"), choices=options(VisitKind.choices()), default=VisitKind.CALL_ON.value)
    # Choices checked below: WTForms' own message for a multiple choice has no Chinese translation.
    participant_ids = CheckboxesField(_l("参与人员"), coerce=int, validate_choice=False, validators=[Optional()])
    summary = TextAreaField(_l("拜访情况"), validators=[Length(max=TEXT_LIMIT)], render_kw={"rows": 3})
    next_step = TextAreaField(_l("下一步"), validators=[Length(max=TEXT_LIMIT)], render_kw={"rows": 2})
    follow_up_on = DayField(_l("跟进日期"), validators=[Optional()])
    trip_id = SelectField(_l("所属外出招商"), coerce=int, validators=[Optional()])
    lead_id = SelectField(_l("相关线索"), coerce=int, validators=[Optional()])
    photos = MultipleFileField(_l("照片（名片、会谈现场）"),
                               render_kw={"accept": "image/jpeg,image/png", "capture": "environment"})
    version = version_field()

    def __init__(self, *args, team_id: int, guests: Sequence[User] = (), visit: Visit | None = None,
                 **kwargs) -> None:
        """The choices of one team; guests (a leader on the trip, the office) may be participants too.

        The form of a visit already logged (`visit`) carries the version it was opened at; a new one has none (a
        UUID sent again is the same visit, never an edit of it).
        """
        super().__init__(*args, obj=visit, **kwargs)
        # A picked enterprise or a typed name (validate_enterprise_name): the box is marked required either way.
        self.enterprise_name.flags.required = True
        if visit is None:
            del self.version
        elif self.is_submitted():
            self.version.data = next(iter(self.version.raw_data or []), None)  # what was sent, never the stored one
        members = db.session.scalars(select(User).where(User.team_id == team_id, User.active.is_(True))
                                     .order_by(User.display_name)).all()
        people = members + [guest for guest in guests if guest not in members]
        self.participant_ids.choices = options((u.id, u.display_name) for u in people)
        trips = db.session.scalars(select(Trip).where(Trip.team_id == team_id).order_by(Trip.start_on.desc())
                                   .limit(20))
        self.trip_id.choices = options([(0, _l("（无）"))] + [
            (t.id, f"{t.destination} {t.start_on.isoformat()}") for t in trips])
        leads = db.session.scalars(select(Lead).where(Lead.team_id == team_id, Lead.stage.in_(ACTIVE_STAGES))
                                   .order_by(Lead.title).limit(100))
        self.lead_id.choices = options([(0, _l("（无）"))] + [(lead.id, lead.title) for lead in leads])

    def validate_participant_ids(self, field) -> None:
        if not set(field.data or []) <= {choice.value for choice in field.choices}:
            raise ValidationError(_l("参与人员必须是本专班的成员"))

    def chosen_team_id(self) -> int | None:
        value = str(self.team_id.data or "").strip()
        return int(value) if value.isdecimal() and len(value) < 10 else None

    def validate_enterprise_name(self, field) -> None:
        if not self.enterprise_id.data and not (field.data or "").strip():
            raise ValidationError(_l("请填写或选择拜访的企业"))

    def payload(self) -> VisitInput:
        """The input as the visit rules take it."""
        return VisitInput(uuid=str(uuid_module.UUID(self.uuid.data)), visited_on=self.visited_on.data,
                          kind=VisitKind(self.kind.data),
                          enterprise_id=self.enterprise_id.data or None, enterprise_name=self.enterprise_name.data,
                          participant_ids=self.participant_ids.data or [], summary=self.summary.data,
                          next_step=self.next_step.data, follow_up_on=self.follow_up_on.data,
                          trip_id=self.trip_id.data or None, lead_id=self.lead_id.data or None,
                          team_id=self.chosen_team_id())

    def uploads(self) -> list[FileStorage]:
        """The photos sent with the form."""
        # A submission without the photos field leaves the visit's stored photos in the field: only uploads count.
        return [upload for upload in self.photos.data or [] if isinstance(upload, FileStorage) and upload.filename]

    def sent_version(self) -> int:
        """The version of the visit the form was opened at (checked by valid_version)."""
        return int(self.version.data)


class VisitFilterForm(DistrictFilter, FlaskForm):
    """The visit list's filters, read from the query string (the page's and its export's alike)."""

    class Meta:
        csrf = False

    start = DayField(_l("从"), validators=[Optional()])
    end = DayField(_l("到"), validators=[Optional()])
    # Only an empty value skips the choice check: plain Optional() would let " " or "\r" through unchecked.
    kind = SelectField(_l("方式"), choices=options([("", _l("全部"))] + VisitKind.choices()),
                       validators=[Optional(strip_whitespace=False)])
    q = StringField(_l("企业"), validators=[Optional(), Length(max=100)])
    team_id = SelectField(_l("专班"), coerce=int, validators=[Optional()])
    district = SelectField(_l("区县"), coerce=int, default=0, validators=[Optional()])

    def __init__(self, formdata: object, viewer: User) -> None:
        super().__init__(formdata)
        teams = db.session.execute(select(Team.id, Team.name).order_by(Team.name)).all() if sees_all(viewer) else []
        self.team_id.choices = options([(0, _l("全部专班")), *team_choices(teams)])
        self.offer_districts(district_options(self.district.data) if scoped_district() is None else None)
