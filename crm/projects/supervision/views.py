"""Routes of 督办: issue an order from the project page, answer it, close it or send it back; the 督办台账."""

from collections.abc import Callable

from flask import abort, render_template, request
from flask_login import current_user

from ...access.orders import may_answer, may_close
from ...access.rights import requires
from ...domain.periods import today
from ...extensions import db
from ...models import Project, Supervision, User
from ...reports.supervision import order_counts
from ...web.i18n import gettext as _
from ...web.pagination import link_args, paginate_rows
from ..answers import carry_out
from . import services
from .forms import AnswerForm, CloseForm, LedgerFilterForm, OrderForm, SendBackForm

SECTION = "supervision"  # the project page's section the forms go back to


def order_or_403(supervision_id: int, allowed: Callable[[User, Supervision], bool]) -> Supervision:
    """An order of the district (404 otherwise) the user may take this step on (403 otherwise)."""
    order = db.get_or_404(Supervision, supervision_id)
    if not allowed(current_user, order):
        abort(403)
    return order


@requires("supervision.issue")
def issue(project_id: int):
    """督办: a leader or the office orders someone to act on the project (or one of its issues) by a date."""
    project = db.get_or_404(Project, project_id)
    form = OrderForm()
    return carry_out(project_id, form, lambda: services.issue_order(
        project, actor=current_user, what=form.what.data, receiver_unit=form.receiver_unit.data,
        receiver=form.receiver, issue=form.issue, deadline=form.deadline.data, today=today()),
        _("已下达督办"), anchor=SECTION)


@requires("supervision.answer")
def answer(supervision_id: int):
    """办理情况: the receiver reports what was done."""
    order = order_or_403(supervision_id, may_answer)
    form = AnswerForm()
    return carry_out(order.project_id, form, lambda: services.answer_order(
        order, actor=current_user, text=form.text.data), _("已填报办理情况"), anchor=SECTION)


@requires("supervision.close")
def close(supervision_id: int):
    """销号: the issuer accepts the answer and closes the order."""
    order = order_or_403(supervision_id, may_close)
    return carry_out(order.project_id, CloseForm(), lambda: services.close_order(order, today=today()),
                     _("督办已销号"), anchor=SECTION)


@requires("supervision.close")
def send_back(supervision_id: int):
    """退回: the issuer sends the answer back, saying why; the receiver answers again."""
    order = order_or_403(supervision_id, may_close)
    form = SendBackForm()
    return carry_out(order.project_id, form, lambda: services.send_back(order, note=form.note.data),
                     _("督办已退回重办"), anchor=SECTION)


@requires("supervision.view")
def ledger():
    """督办台账: the district's orders, open and overdue first, with the counts by the reports' rule."""
    day, teams = today(), services.team_options()
    form = LedgerFilterForm(request.args, teams=teams)
    filters = services.OrderFilters(**form.filters())
    page = paginate_rows(services.ledger_query(filters, day))
    counts = order_counts(day, *services.OrderFilters(team_id=filters.team_id).where(day))
    return render_template("supervision/ledger.html", form=form, page=page, counts=counts, args=link_args(),
                           rows=[services.LedgerRow(*row) for row in page.items])
