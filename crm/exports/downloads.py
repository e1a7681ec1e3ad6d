"""A list leaving through the browser: which one the URL asks for, and the file answered, noted in the audit trail."""

import os
import tempfile
from collections.abc import Iterator
from typing import IO, Any
from urllib.parse import quote

from flask import Response, abort, send_file, stream_with_context

from ..access.rights import may_download
from ..access.tenancy import carried
from ..core.database import written_apart
from ..extensions import db
from ..models import User
from .catalogue import EXPORTS, FORMATS, build_export, record_export, write_export
from .csvfile import csv_chunks
from .sheet import Export, Tally


def chosen_export(name: str, ext: str, args: Any, viewer: User) -> Export:
    """The list the URL names, with its page's filters, as the viewer may see it.

    404 for a list or format there is not, 403 for a list the viewer may not read; Refused when the filters cannot
    be applied.
    """
    if name not in EXPORTS or ext not in FORMATS:
        abort(404)
    if not may_download(viewer, name):
        abort(403)
    return build_export(name, args, viewer)


def file_response(export: Export, name: str, ext: str, *, user_id: int, address: str | None) -> Response:
    """The list as an attachment: an .xlsx written whole, or a CSV streamed; either noted in the audit trail."""
    if ext == "xlsx":
        file, rows = xlsx_file(export)
        with written_apart(db.session):
            record_export(export, ext, rows=rows, user_id=user_id, address=address, via="web")
        response = send_file(file, mimetype=FORMATS[ext], as_attachment=True, download_name=f"{name}.{ext}")
    else:
        response = Response(stream_with_context(recorded_stream(export, user_id=user_id, address=address)),
                            mimetype=FORMATS[ext])
    response.headers["Content-Disposition"] = attachment(f"{export.filename}.{ext}", f"{name}.{ext}")
    response.headers["Cache-Control"] = "private, no-store"
    return response


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
