"""Downloads of lists as .xlsx or .csv: the signing list, the rankings, the visit log, the leads."""

import os
import tempfile
from collections.abc import Iterator
from typing import IO
from urllib.parse import quote

from flask import Response, abort, request, send_file, stream_with_context
from flask_login import current_user

from ..access.rights import may, requires
from ..access.tenancy import carried
from ..access.visibility import sees_all
from ..auth.fresh import fresh_sign_in_required
from ..core.database import written_apart
from ..extensions import db
from ..web.errors import render_error
from .catalogue import EXPORTS, FORMATS, build_export, record_export, write_export
from .csvfile import csv_chunks
from .sheet import Export, FilterError, Tally


def attachment(filename: str, plain_name: str) -> str:
    """Content-Disposition for a Chinese file name (RFC 6266 / RFC 5987), with a plain ASCII name for old clients."""
    return f"attachment; filename=\"{plain_name}\"; filename*=UTF-8''{quote(filename, safe='')}"


def xlsx_file(export: Export) -> tuple[IO[bytes], int]:
    """The workbook written to a temporary file, opened, and its data rows; the name is gone at once, the data
    with the handle."""
    handle, path = tempfile.mkstemp(suffix=".xlsx")
    os.close(handle)
    try:
        rows = write_export(export, "xlsx", path)
        return open(path, "rb"), rows  # send_file closes it once sent
    finally:
        os.unlink(path)


def recorded_stream(export: Export, *, user_id: int, address: str | None) -> Iterator[bytes]:
    """The list as CSV, streamed; at its end (or where it is cut off) the audit row notes the rows written.

    The chunks carry the reach of the request now, as it makes the stream, not of whatever runs when it is read.
    """
    tally = Tally()
    chunks = carried(csv_chunks(tally.counted(export.tables[0])))
    return recording(chunks, export, tally, user_id=user_id, address=address)


def recording(chunks: Iterator[bytes], export: Export, tally: Tally, *, user_id: int,
              address: str | None) -> Iterator[bytes]:
    complete = False
    try:
        yield from chunks
        complete = True
    finally:
        with written_apart(db.session):
            record_export(export, "csv", rows=tally.rows, complete=complete, user_id=user_id, address=address,
                          via="web")


@requires("exports.download")
@fresh_sign_in_required(when=sees_all)  # a whole district's (or the city's) records leave
def download(name: str, ext: str):
    """Download a list with its page's filters, holding only what the page shows this user."""
    if name not in EXPORTS or ext not in FORMATS:
        abort(404)
    viewer = current_user._get_current_object()
    if name == "districts" and not may(viewer, "districts.view"):
        abort(403)  # the city's ranking of its districts: for the city and the districts' leadership
    viewer_id = viewer.id
    try:
        export = build_export(name, request.args, viewer)
    except FilterError as error:
        db.session.rollback()
        return render_error(400, str(error))
    if ext == "xlsx":
        file, rows = xlsx_file(export)
        with written_apart(db.session):
            record_export(export, ext, rows=rows, user_id=viewer_id, address=request.remote_addr, via="web")
        response = send_file(file, mimetype=FORMATS[ext], as_attachment=True, download_name=f"{name}.{ext}")
    else:
        response = Response(stream_with_context(recorded_stream(export, user_id=viewer_id,
                                                                address=request.remote_addr)),
                            mimetype=FORMATS[ext])
    response.headers["Content-Disposition"] = attachment(f"{export.filename}.{ext}", f"{name}.{ext}")
    response.headers["Cache-Control"] = "private, no-store"
    return response
