"""The throughput benchmark's baseline: the 亿元以上 ranking's first page as a bare Flask app.

It runs the same SQL as the ranking page (the filters' choices, the totals, the first 50 rows) through the
plain driver, one connection per worker process, and renders the same rows with a plain Jinja template:
no ORM, no sign-in, no layout. scripts/bench_throughput.py serves it with gunicorn:

    DATABASE_URL=sqlite:////tmp/province.db .venv/bin/gunicorn -w 2 --pythonpath scripts 'bare_ranking:app'
"""

from __future__ import annotations

import os
from datetime import date

from bench_common import PlainDB, yi_first_page
from flask import Flask, request

app = Flask(__name__)


@app.template_filter("yi")
def yi(yuan: int) -> str:
    """亿元 with two decimals, rounded half up, in integer arithmetic."""
    hundredths = (yuan + 500_000) // 1_000_000
    return f"{hundredths // 100:,}.{hundredths % 100:02d}"


PAGE = app.jinja_env.from_string("""<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>亿元以上项目榜</title></head><body>
<form method="get">
<select name="team"><option value="0">全部专班</option>
{% for id, name in teams %}<option value="{{ id }}">{{ name }}</option>{% endfor %}</select>
<select name="industry"><option value="">全部</option>
{% for name in industries %}<option value="{{ name }}">{{ name }}</option>{% endfor %}</select>
</form>
<p data-count="{{ count }}" data-total-yuan="{{ total_yuan }}">共 {{ count }} 个项目，总投资 {{ total_yuan|yi }}亿元</p>
<ul>{% for n in buckets %}<li>{{ n }}</li>{% endfor %}</ul>
<table><tbody>
{% for id, code, name, total, industry, signed_on, status, investor, team in rows %}
<tr data-code="{{ code }}" data-rank="{{ loop.index }}"><td>{{ loop.index }}</td>
<td><a href="/projects/{{ id }}">{{ name }}</a></td><td>{{ total|yi }}亿元</td><td>{{ code }}</td>
<td>{{ investor }}</td><td>{{ team }}</td><td>{{ industry or '—' }}</td><td>{{ signed_on }}</td>
<td>{{ status }}</td></tr>
{% endfor %}
</tbody></table></body></html>""")

_connection: PlainDB | None = None


def connection() -> PlainDB:
    """This worker's connection, opened on its first request (after gunicorn forks)."""
    global _connection
    if _connection is None:
        _connection = PlainDB(os.environ["DATABASE_URL"])
    return _connection


@app.get("/rankings/projects")
def projects() -> str:
    year = request.args.get("year", type=int) or date.today().year
    return PAGE.render(**yi_first_page(connection(), date(year, 1, 1), date(year, 12, 31)))
