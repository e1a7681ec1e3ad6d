"""The benchmark scripts still run, and their hand-written SQL still computes what the pages show.

Their figures are for the README (province scale, by hand); here they run in their quick form on the district
demo (the exports on 2,000 projects of their own), where the ratios mean nothing but every check that the SQL
and the pages agree still does, and each signs in as production settings let it.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parent.parent
FLASK = [sys.executable, "-m", "flask", "--app", "crm"]


@pytest.fixture(scope="module")
def demo_database(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = f"sqlite:///{tmp_path_factory.mktemp('bench') / 'demo.db'}"
    env = os.environ | {"DATABASE_URL": url, "FLASK_SECRET_KEY": "benchmark-smoke-test-key"}
    for command in (["db", "upgrade"], ["demo"]):
        subprocess.run(FLASK + command, cwd=ROOT, env=env, check=True, capture_output=True)
    return url


def run_script(name: str, *args: str) -> str:
    result = subprocess.run([sys.executable, f"scripts/{name}", *args], cwd=ROOT, capture_output=True, text=True,
                            timeout=300)
    assert result.returncode in (0, 1), result.stderr  # 1: a target missed, which a small database says nothing of
    return result.stdout


def test_report_benchmark_checks_its_sql_against_the_pages(demo_database: str) -> None:
    out = run_script("bench_reports.py", "--database-url", demo_database, "--quick")
    rows = [line for line in out.splitlines() if re.search(r"(PASS|FAIL)$", line)]
    # team ranking, 亿元以上 ranking, dashboard, its five charts, the three 多维分析 tables, the 调度会, the 到资
    # roll-up, three lists' first pages
    assert len(rows) == 16, out
    reports, lists = rows[:13], rows[13:]
    assert all(re.search(r"\d+\.\d+\s+\d+\.\d+\s+\d+\.\d+\s+\d+\s+(PASS|FAIL)$", line) for line in reports), out
    # a list's page and its SQL's driver time, the city's (when its page shows the same rows), the SQL by hand
    number, city = r"\d+\.\d+", r"(\d+\.\d+|-)"
    listed = rf"^list: \w+, first page\s+{number}\s+{city}\s+{city}\s+{number}\s+{city}\s+{number}\s+{number}\s+\d+\s+"
    assert all(re.search(listed + r"(PASS|FAIL)$", line) for line in lists), out
    # the district demo's city reads three districts: only the project list, which it narrows, shows the same rows
    assert re.search(rf"^list: projects, first page\s+{number}\s+{number}\s+{number}\s", lists[2]), out


def test_throughput_benchmark_serves_the_same_rows_from_both_pages(demo_database: str) -> None:
    out = run_script("bench_throughput.py", "--database-url", demo_database, "--seconds", "1", "--rounds", "1")
    assert re.search(r"app \(signed in\)\s+\d+\s+[\d.]+\s+[\d.]+\s+[\d.]+\s+0$", out, re.M), out
    assert re.search(r"bare Flask \+ plain driver\s+\d+\s+[\d.]+\s+[\d.]+\s+[\d.]+\s+0$", out, re.M), out


def test_export_benchmark_signs_its_leaders_in_with_a_code_and_writes_every_row() -> None:
    # production settings: the throwaway database's leaders have a second factor and give a TOTP code
    out = run_script("bench_exports.py", "--quick")
    sides = re.findall(r"^(xlsx|csv)\s+(ours|plain)\s+rows\s+(\d+)\s+median\s+[\d.]+ s", out, re.M)
    assert sorted(sides) == sorted([(fmt, side, "2000") for fmt in ("xlsx", "csv") for side in ("ours", "plain")]), out
    assert len(re.findall(r"(PASS|FAIL)$", out, re.M)) == 4, out


def test_reminders_benchmark_finds_what_its_sql_counts(demo_database: str) -> None:
    out = run_script("bench_reminders.py", "--database-url", demo_database)
    # a kind whose records the app and the SQL count differently stops the script before its table
    assert re.search(r"^all\s+[\d,]+\s+[\d,]+\s+\d+\.\d+\s+\d+\.\d+", out, re.MULTILINE), out
    assert "whole raise" in out, out
