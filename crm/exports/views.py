"""Downloads of lists as .xlsx or .csv: the signing list, the rankings, the visit log, the leads."""

from flask import request
from flask_login import current_user

from ..access.rights import requires
from ..access.visibility import sees_all
from ..auth.fresh import fresh_sign_in_required
from ..domain.refused import Refused
from ..extensions import db
from ..web.errors import render_error
from .downloads import chosen_export, file_response


@requires("exports.download")
@fresh_sign_in_required(when=sees_all)  # a whole district's (or the city's) records leave
def download(name: str, ext: str):
    """Download a list with its page's filters, holding only what the page shows this user."""
    viewer = current_user._get_current_object()
    viewer_id = viewer.id
    try:
        export = chosen_export(name, ext, request.args, viewer)
    except Refused as error:
        db.session.rollback()
        return render_error(400, str(error))
    return file_response(export, name, ext, user_id=viewer_id, address=request.remote_addr)
