"""Downloads of lists as .xlsx or .csv: the signing list, the rankings, the visit log, the leads."""

from flask import Blueprint

bp = Blueprint("exports", __name__, url_prefix="/exports")
