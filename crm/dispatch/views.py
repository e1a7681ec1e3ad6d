"""The 调度会 page: for a chosen day, every red and yellow project, every open 督办, and what changed."""

from flask import render_template, request
from flask_login import current_user

from ..access.rights import requires
from ..access.tenancy import scoped_district
from ..models import Role
from .forms import DispatchForm
from .page import dispatch_page


@requires("dispatch.view")
def index():
    """The meeting's list; a leader may narrow it to the projects they serve (只看我包联的)."""
    form = DispatchForm(request.args)
    if not form.validate():  # the reasons stand at their fields
        return render_template("dispatch/index.html", form=form, meeting=None), 422
    leader = current_user if form.mine.data and current_user.role is Role.LEADER else None
    page = dispatch_page(form.meeting_day(), form.last_meeting(), form.by.data, scoped_district(), leader)
    return render_template("dispatch/index.html", form=form, **page)
