"""The city (市招商局) reads every district, whose teams bear the same names (each has its 上海专班): every list page
and every export that shows it records of several districts' teams says whose they are, in a 区县 column, and a
team offered in a filter is labelled with its district. A district's own users see no such column (it would hold
one value). Found, not listed: every GET page of the URL map without arguments and every export of the catalogue
is asked, and those holding two districts' records for the city are held to the column.

The districts and their records are the wall test's (tests/test_wall.py): every text carries the district's marker.
"""

from __future__ import annotations

import csv
import io
import re

from flask import Flask

from crm.exports.catalogue import EXPORTS
from crm.extensions import db
from crm.models import District
from tests import test_wall
from tests.test_wall import GENERATED, SKIPPED, Walled, readable, signed_in

districts = test_wall.districts  # the fixture: three districts, each with a record of every kind naming its marker

COLUMN = re.compile(r"<th\b[^>]*>\s*区县\s*</th>")  # the column's header cell (a filter's label is no column)
TABLE = re.compile(r"<table\b.*?</table>", re.S)


# The city's ranking of its districts, and its export: districts are their rows, a 区县 column their subject.
OF_DISTRICTS = ("rankings.district", "districts")


def list_pages(app: Flask) -> list[str]:
    """Every page of the URL map a GET asks for without arguments (the API's answers are data, not lists shown)."""
    return sorted(rule.rule for rule in app.url_map.iter_rules()
                  if "GET" in rule.methods and not rule.arguments and rule.endpoint not in SKIPPED | GENERATED
                  and not rule.endpoint.startswith(("api.", OF_DISTRICTS[0])))


def exports(app: Flask) -> list[str]:
    adapter = app.url_map.bind("localhost")
    return [adapter.build("exports.download", {"name": name, "ext": "csv"}) for name in EXPORTS
            if name != OF_DISTRICTS[1]]


def markers_in(shown: str, walled: list[Walled]) -> list[str]:
    return [w.marker for w in walled if w.marker in shown]


def header_row(shown: str) -> list[str]:
    """A CSV's header: the row after its title."""
    rows = list(csv.reader(io.StringIO(shown.lstrip("\ufeff"))))
    return rows[1] if len(rows) > 1 else []


def test_the_city_sees_whose_records_each_list_shows(app: Flask, districts: list[Walled]) -> None:
    city = signed_in(app, districts[0].world.city)
    names = {district.id: district.name for district in db.session.scalars(db.select(District))}
    holding, missing = [], []
    for url in list_pages(app) + exports(app):
        response = city.get(url)
        shown = readable(response)
        response.close()
        if len(markers_in(shown, districts)) < 2:
            continue
        holding.append(url)
        if url.startswith("/exports/"):
            has_column = "区县" in header_row(shown)
        else:  # a table of records has the column; a board's cards and a chart's choice of team name the district
            tables = [table for table in TABLE.findall(shown) if markers_in(table, districts)]
            has_column = all(COLUMN.search(table) for table in tables)
        named = all(names[w.district_id] in shown for w in districts if w.marker in shown)
        if not (has_column and named):
            missing.append(url)
    print("lists holding several districts' records:", holding)
    assert {"/visits/", "/leads/", "/projects/", "/trips/", "/enterprises/", "/projects/issues"} <= set(holding)
    assert missing == []


def test_a_districts_user_sees_no_district_column(app: Flask, districts: list[Walled]) -> None:
    walled = districts[0]
    leader = signed_in(app, walled.users["leader"])
    shown_column = []
    for url in list_pages(app) + exports(app):
        response = leader.get(url)
        shown = readable(response)
        response.close()
        if "区县" in header_row(shown) if url.startswith("/exports/") else COLUMN.search(shown):
            shown_column.append(url)
    assert shown_column == []



def test_a_list_offering_the_city_a_district_holds_that_districts_records_alone(app: Flask,
                                                                               districts: list[Walled]) -> None:
    """Each list page that offers the city its districts (?district=, as the project list does) keeps to the one
    chosen, and so does its export."""
    city = signed_in(app, districts[0].world.city)
    chosen, others = districts[0], districts[1:]
    offering, leaking = [], []
    for url in list_pages(app):
        response = city.get(url)
        shown = readable(response)
        response.close()
        if 'name="district"' not in shown or len(markers_in(shown, districts)) < 2:
            continue
        offering.append(url)
        exports_shown = re.findall(r'href="(/exports/[^"?]+\.csv)', shown)
        for asked in [url, *exports_shown]:
            response = city.get(f"{asked}?district={chosen.district_id}")
            narrowed = readable(response)
            response.close()
            if not asked.startswith("/exports/"):  # the records, not the filters (which offer every team)
                narrowed = "".join(TABLE.findall(narrowed))
            if chosen.marker not in narrowed or any(other.marker in narrowed for other in others):
                leaking.append(asked)
    assert {"/visits/", "/leads/list", "/projects/", "/trips/"} <= set(offering)
    assert leaking == [], leaking
