"""The project list's filters, read from the query string.

By default the list holds what the figures count (verified, not voided), as the brief and the rankings do; the
office may include the signings awaiting verification (待认定), which its totals then show apart.
"""

from typing import Any

from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import BooleanField, IntegerField, SelectField, StringField
from wtforms.validators import Length, NumberRange, Optional

from ...access.districts import team_choices
from ...access.tenancy import scoped_district
from ...domain.periods import today
from ...domain.sizes import SIZE_BUCKETS
from ...extensions import db
from ...models import ProjectStatus, Team
from ...rankings.filter_options import district_options
from ...reports.colours import Colour
from ...web.forms import DayField, DistrictFilter, PeriodFilter, options
from ...web.i18n import lazy_gettext as _l
from .queries import ProjectCriteria, industries

ALL = ("", _l("全部"))
# The 认定 choice: the value in the query string, and what the list then holds (ProjectCriteria.verified).
VERIFIED = {"yes": True, "all": None, "no": False}


class ProjectFilterForm(DistrictFilter, PeriodFilter, FlaskForm):
    class Meta:
        csrf = False  # a GET form that changes nothing

    q = StringField(_l("搜索（项目名称、编号、投资方）"), validators=[Optional(), Length(max=100)])
    year = IntegerField(_l("签约年份"), validators=[Optional(), NumberRange(2000, 2100)])
    quarter = SelectField(_l("季度"), coerce=int, default=0,
                          choices=options([(0, _l("全部"))] + [(q, str(q)) for q in range(1, 5)]))
    month = SelectField(_l("月份"), coerce=int, default=0,
                        choices=options([(0, _l("全部"))] + [(m, str(m)) for m in range(1, 13)]))
    ytd = BooleanField(_l("1至该月累计"))
    start = DayField(_l("签约日期自"), validators=[Optional()])
    end = DayField(_l("签约日期至"), validators=[Optional()])
    district = SelectField(_l("区县"), coerce=int, default=0)
    team = SelectField(_l("专班"), coerce=int, default=0)
    industry = SelectField(_l("产业类别"), default="")
    status = SelectField(_l("状态"), choices=options([ALL, *ProjectStatus.choices()]), default="")
    size = SelectField(_l("投资规模"), default="",
                       choices=options([ALL, *((key, label) for key, (_, label) in SIZE_BUCKETS.items())]))
    verified = SelectField(_l("认定"), default="yes", filters=[lambda value: value or "yes"], choices=options(
        [("yes", _l("已认定")), ("all", _l("全部（含待认定）")), ("no", _l("待认定"))]))
    overdue = BooleanField(_l("只看逾期项目"))
    colour = SelectField(_l("红黄绿"), choices=options([ALL, *Colour.choices()]), default="")
    voided = BooleanField(_l("显示已作废项目"))

    def __init__(self, formdata: Any) -> None:
        super().__init__(formdata)
        teams = db.session.execute(select(Team.id, Team.name).order_by(Team.active.desc(), Team.name))
        self.team.choices = options([(0, _l("全部专班")), *team_choices(teams)])
        self.industry.choices = options([ALL, *((name, name) for name in industries())])
        self.offer_districts(district_options(self.district.data) if scoped_district() is None else None)

    def criteria(self) -> ProjectCriteria:
        """The filters as the list's query takes them."""
        return ProjectCriteria(
            period=self.period(), team_id=self.team.data or None, industry=self.industry.data or None,
            status=ProjectStatus(self.status.data) if self.status.data else None, size=self.size.data or None,
            verified=VERIFIED[self.verified.data], overdue_on=today() if self.overdue.data else None,
            show_voided=self.voided.data, text=(self.q.data or "").strip() or None, district_id=self.chosen_district(),
            colour=Colour(self.colour.data) if self.colour.data else None, colour_on=today())
