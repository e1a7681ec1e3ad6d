"""On the district demo, the dashboard, its charts, both rankings, the CLI and the brief all tell the same story."""

from __future__ import annotations

import io
import json
import re
from typing import Any

import pandas as pd
import pytest
from flask.testing import FlaskClient, FlaskCliRunner

from crm.domain.money import YUAN_PER_YI as YI
from crm.models import Role

from .test_demo import YEAR

REPORT = {"signed_projects": 60, "yi_projects": 38, "signed_investment_yuan": 57_200_000_000, "trips": 192,
          "enterprises_visited": 95}
BRIEF = re.compile(r"签约项目60个，其中亿元以上项目38个，总投资572亿元；10支驻外招商专班外出招商192次，拜访企业95家。")


@pytest.fixture
def demo(demo_output: dict[str, Any]) -> None:
    """The district demo, loaded through the command (tests/plugins/demo.py)."""


@pytest.fixture
def leader(demo: None, client: FlaskClient, login: Any, make_user: Any) -> FlaskClient:
    login(make_user(Role.LEADER))
    return client


def attribute_values(html: str, attribute: str) -> dict[str, str]:
    """{attribute value: the element's text} for every element carrying the attribute."""
    return {key: text.strip() for key, text in
            re.findall(rf'{attribute}="([^"]+)"[^>]*>([^<]*)<', html)}


def test_cli_summary_and_brief(demo: None, runner: FlaskCliRunner) -> None:
    summary = json.loads(runner.invoke(args=["summary", "--year", str(YEAR), "--json"]).output)
    assert {key: summary[key] for key in REPORT} == REPORT
    assert BRIEF.search(runner.invoke(args=["summary", "--year", str(YEAR), "--brief"]).output)


def test_dashboard_cards_and_brief(leader: FlaskClient) -> None:
    page = leader.get(f"/?year={YEAR}").text
    figures = attribute_values(page, 'strong class="figure" data-key')
    assert {key: figures[key] for key in REPORT} == {
        "signed_projects": "60", "yi_projects": "38", "signed_investment_yuan": "572.00", "trips": "192",
        "enterprises_visited": "95"}
    assert BRIEF.search(page)


def test_dashboard_charts(leader: FlaskClient) -> None:
    def chart(name: str) -> dict[str, Any]:
        response = leader.get(f"/dashboard/data/{name}?year={YEAR}")
        assert response.status_code == 200, response.text
        return response.json

    months = chart("monthly")["months"]
    assert sum(m["signed"] for m in months) == 60 and sum(m["investment_yuan"] for m in months) == 57_200_000_000
    assert sum(band["count"] for band in chart("sizes")["sizes"]) == 38
    industries = chart("industries")["industries"]
    assert sum(i["signed"] for i in industries) == 60
    assert chart("funnel")["stages"][-1]["count"] == 60
    ranking = chart("teams")["teams"]
    page = leader.get(f"/rankings/teams?year={YEAR}").text
    scores = dict(re.findall(r'data-team="([^"]+)" data-rank="\d+" data-score="([^"]+)"', page))
    assert {row["team_name"]: row["score"] for row in ranking} == scores and len(scores) == 10


def test_team_ranking_totals(leader: FlaskClient, runner: FlaskCliRunner) -> None:
    page = leader.get(f"/rankings/teams?year={YEAR}").text
    totals = attribute_values(page, "data-total")
    assert (totals["signed"], totals["yi_signed"], totals["investment"], totals["trips"], totals["enterprises"]) == (
        "60", "38", "572.00亿元", "192", "95")
    rows = json.loads(runner.invoke(args=["rankings", "teams", "--year", str(YEAR), "--json"]).output)["teams"]
    assert sum(row["figures"]["signed_projects"] for row in rows) == 60
    assert sum(row["figures"]["trips"] for row in rows) == 192
    assert sum(row["figures"]["signed_investment_yuan"] for row in rows) == 57_200_000_000


def test_project_ranking_totals(leader: FlaskClient, runner: FlaskCliRunner) -> None:
    page = leader.get(f"/rankings/projects?year={YEAR}").text
    count, total = re.search(r'data-count="(\d+)" data-total-yuan="(\d+)"', page).groups()
    ranking = json.loads(runner.invoke(args=["rankings", "projects", "--year", str(YEAR), "--json"]).output)
    assert int(count) == ranking["count"] == len(ranking["projects"]) == 38
    listed = sum(p["total_investment_yuan"] for p in ranking["projects"])
    assert int(total) == ranking["total_investment_yuan"] == listed
    assert ranking["buckets"]["1"] == 38


def test_signing_list_page_and_export(leader: FlaskClient, runner: FlaskCliRunner, tmp_path: Any) -> None:
    page = leader.get(f"/projects/?year={YEAR}").text
    count, total = re.search(r'class="project-totals" data-count="(\d+)" data-total-yuan="(\d+)"', page).groups()
    assert (int(count), int(total)) == (60, 57_200_000_000)
    with leader.get(f"/exports/projects.xlsx?year={YEAR}") as response:  # closing it closes the file sent
        data = response.data
    frame = pd.read_excel(io.BytesIO(data), header=1, engine="calamine")
    listed = frame[pd.to_numeric(frame["序号"], errors="coerce").notna()]
    assert len(listed) == 60 and round(listed["总投资（亿元）"].sum() * YI) == 57_200_000_000
    footer = frame[frame["序号"] == "合计"].iloc[0]
    assert footer["项目名称"] == "60个项目" and footer["总投资（亿元）"] == pytest.approx(572)
    assert (frame["项目名称"] == "亿元以上项目38个").sum() == 1
    target = tmp_path / "签约.xlsx"
    assert runner.invoke(args=["export", "projects", "--year", str(YEAR), "-o", str(target)]).exit_code == 0
    cli = pd.read_excel(target, header=1, engine="calamine")
    assert cli.astype(str).values.tolist() == frame.astype(str).values.tolist()
