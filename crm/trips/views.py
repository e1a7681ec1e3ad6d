"""Trips pages."""

from flask import Blueprint

bp = Blueprint("trips", __name__, url_prefix="/trips")
