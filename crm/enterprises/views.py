"""Enterprises pages."""

from flask import Blueprint

bp = Blueprint("enterprises", __name__, url_prefix="/enterprises")
