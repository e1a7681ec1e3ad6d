"""The dashboard: the period's figures for the district (and the viewer's team), the brief, and the charts."""

from flask import redirect, render_template, request, url_for
from flask_login import current_user

from ..access.rights import landing_page, requires
from ..access.visibility import may_see_team, sees_all, viewed_district
from ..domain.periods import today
from ..extensions import db
from ..models import Team, User
from ..reports.charts import CHARTS, chart_data
from ..reports.colours import colour_board
from ..reports.dashboard import chart_scopes, dashboard_cards
from ..reports.forms import ReportPeriodForm
from ..reports.summary import brief, district_summary
from ..web.forms import field_errors, id_arg
from ..web.i18n import gettext as _

PERIOD_ARGS = ("year", "quarter", "month", "ytd", "start", "end")


def own_team(user: User) -> int | None:
    """The team whose own block a member or lead sees; None for those who see the district only."""
    return None if sees_all(user) else user.team_id


def period_query() -> dict[str, str]:
    """The period's query arguments as given, for the chart data URLs."""
    return {key: value for key, value in request.args.items() if key in (*PERIOD_ARGS, "district") and value}


@requires("dashboard.view")
def index():
    """Show the chosen period's cards, brief and charts; this year when none is chosen."""
    landing = landing_page(current_user)
    if landing is not None:  # the security and the audit administrator see none of the business's figures
        return redirect(url_for(landing))
    form = ReportPeriodForm(request.args)
    if not form.validate():
        return render_template("dashboard/index.html", form=form, board=None), 400
    period, now = form.report_period(), today()
    district_id = viewed_district(current_user, id_arg("district"))
    board = dashboard_cards(period, now, own_team(current_user), district_id)
    summary = district_summary(period, now, board.district_figures, district_id)
    city = district_id is None  # the city's reader without a district chosen sees the whole city
    return render_template("dashboard/index.html", form=form, board=board, summary=summary, city=city,
                           brief=brief(summary, now, city=city), charts=CHARTS, query=period_query(),
                           scopes=chart_scopes(own_team(current_user), district_id),
                           colours=colour_board(now, district_id))


NO_STORE = {"Cache-Control": "no-store"}  # a team's figures are not kept by browsers or proxies


def json_error(status: int, message: str) -> tuple[dict[str, str], int, dict[str, str]]:
    codes = {400: "bad_request", 403: "forbidden", 404: "not_found"}
    return {"error": codes[status], "message": message}, status, NO_STORE


@requires("dashboard.view")
def chart(name: str):
    """One chart's data as JSON, for the district or (with team=<id>) one team the viewer may see."""
    if name not in CHARTS:
        return json_error(404, _("没有名为 %(name)s 的图表", name=name))
    form = ReportPeriodForm(request.args)
    if not form.validate():
        return json_error(400, _("时段参数有误：%(errors)s", errors=field_errors(form)))
    team_id = None
    if team := request.args.get("team", "").strip():
        if not (team.isascii() and team.isdigit() and len(team) <= 9):
            return json_error(400, _("专班参数须为专班编号"))
        team_id = int(team)
        if db.session.get(Team, team_id) is None:  # another district's team is not found either
            return json_error(404, _("专班不存在"))
        if not may_see_team(current_user, team_id):
            return json_error(403, _("只能查看本专班的数据"))
    district_id = viewed_district(current_user, id_arg("district"))
    return chart_data(name, form.report_period(), today(), team_id, district_id), 200, NO_STORE
