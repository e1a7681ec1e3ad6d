"""Every number in a path is one the database's integer holds: a larger one is no page (404), never a query that
PostgreSQL refuses (500). Generated from the URL map, so a route added tomorrow is covered."""

from __future__ import annotations

import re
import uuid

from werkzeug.routing import IntegerConverter

from crm.web.routing import MAX_ID

TOO_LARGE = str(MAX_ID + 1)


def test_every_int_in_the_url_map_is_bounded_by_the_databases_integer(app):
    bounded = [(rule.rule, name, converter.max) for rule in app.url_map.iter_rules()
               for name, converter in rule._converters.items() if isinstance(converter, IntegerConverter)]
    assert len(bounded) > 20 and all(top is not None and top <= MAX_ID for _rule, _name, top in bounded), bounded


def test_a_number_past_it_is_no_page(app, client, login, admin):
    login(admin)
    asked = 0
    for rule in app.url_map.iter_rules():
        numbers = [n for n, c in rule._converters.items() if isinstance(c, IntegerConverter)]
        if not numbers or "GET" not in rule.methods:
            continue
        path = re.sub(r"<(?:int(?:\([^)]*\))?):\w+>", TOO_LARGE, rule.rule)
        path = re.sub(r"<uuid:\w+>|<uuid>", str(uuid.uuid4()), path)
        path = re.sub(r"<(?:\w+(?:\([^)]*\))?:)?\w+>", "x", path)
        response = client.get(path)
        assert response.status_code == 404, (rule.rule, path, response.status_code)
        asked += 1
    assert asked > 10
