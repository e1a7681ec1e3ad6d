"""Bringing spreadsheets in: upload, confirm the columns, preview every row, then import all or nothing."""

from flask import Blueprint

bp = Blueprint("imports", __name__, url_prefix="/imports")
