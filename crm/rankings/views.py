"""The two rankings: 亿元以上项目榜 and 专班排名, the scoring rule, and quarters frozen as published."""

from flask import Blueprint

bp = Blueprint("rankings", __name__, url_prefix="/rankings")
