"""Export benchmark: the signing list of 100,000 projects, downloaded, against a plain write of the same rows.

A throwaway SQLite database gets 100,000 projects by bulk inserts. Then, in one run, each side runs in a
process of its own, alternately, so that each one's peak resident memory (VmHWM: C allocations included) is
its own and drift in machine load hits both alike:

- ours: /exports/projects.xlsx (and .csv) fetched by a signed-in client: the page's filter form, the totals
  and bucket query, the rows streamed from the database, the workbook written in constant memory to a
  temporary file and sent; the body is read and thrown away.
- plain: one hand-written SELECT of the same rows through the sqlite3 driver, written with xlsxwriter in
  constant_memory mode (worksheet.write_row) or with csv.writer.

Targets, for .xlsx and .csv alike: ours takes at most 1.3 times the plain xlsxwriter write's time, and peaks
under 250 MB. The .csv is also shown against a plain csv.writer, without a target. Exit status 1 when a target
is missed.
"""

from __future__ import annotations

import argparse
import itertools
import json
import random
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run as `python scripts/bench_exports.py` from anywhere
    sys.path.insert(0, str(ROOT))

TARGET_RATIO = 1.3
TARGET_PEAK_MB = 250
PASSWORD = "bench-exports-2026"
# The throwaway database's leaders have a second factor, as production requires of them: each download signs in
# with the password and then a TOTP code, as a different leader (a code's time step is accepted once an account).
TOTP_SECRET = "MAGNETBENCHEXPORTSLEADERSTOTP234"  # base32, 160 bits
PLAIN_SQL = """
SELECT p.name, e.name, e.province, e.city, e.ownership, p.total_investment_yuan, p.fixed_asset_investment_yuan,
       p.industry, p.project_type, p.agreement_kind, p.signed_on, p.location, t.name, u.display_name, p.status,
       p.remarks
FROM project p JOIN enterprise e ON e.id = p.enterprise_id JOIN team t ON t.id = p.team_id
LEFT JOIN "user" u ON u.id = p.chief_officer_id
WHERE p.voided = 0
ORDER BY p.signed_on DESC, p.id DESC"""
HEADER = ["序号", "项目名称", "投资方（签约企业）", "来源地", "内/外资", "总投资（亿元）", "其中固定资产投资（亿元）",
          "产业类别", "项目类型", "协议类型", "签约时间", "落户地", "招商专班", "首席服务官", "当前进展", "备注"]


def app_for(path: Path) -> Any:
    from crm import create_app
    from crm.access.tenancy import declare

    declare(None, "a benchmark's own set-up and checks read every district")
    return create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}", "SECRET_KEY": "bench-exports",
                       "SESSION_COOKIE_SECURE": False, "WTF_CSRF_ENABLED": False})


def build_database(path: Path, projects: int, leaders: int = 30) -> None:
    """Teams, leaders, enterprises and `projects` projects, inserted in bulk (no ORM objects, no audit)."""
    from crm.auth.services import hash_password
    from crm.extensions import db
    from crm.models import (
        AgreementKind,
        District,
        Enterprise,
        Ownership,
        Project,
        ProjectStatus,
        ProjectType,
        Role,
        Team,
        User,
    )

    rng = random.Random(2026)
    cities = [("上海", "上海"), ("江苏", "苏州"), ("广东", "深圳"), ("浙江", "宁波"), ("北京", "北京"),
              ("湖北", "武汉")]
    words = ["新能源", "智能装备", "生物医药", "数字经济", "新材料", "绿色食品", "汽车零部件", "现代物流"]
    firms = ["赫宸", "逸川", "嘉屹", "泓晖", "卓岸", "恒渊", "蔚衡", "拓川", "瀚海", "启明"]
    app = app_for(path)
    with app.app_context():
        db.create_all()
        engine = db.engine
        password_hash = hash_password(PASSWORD)
        with engine.begin() as conn:
            made = datetime.now(UTC)
            conn.execute(District.__table__.insert(),
                         [{"id": 1, "name": "张湾区", "code": "ZW", "active": True, "created_at": made}])
            conn.execute(Team.__table__.insert(), [{"id": i, "name": f"{city}专班{i}", "base_city": city,
                                                    "district_id": 1}
                                                   for i, (_, city) in enumerate(cities * 2, start=1)])
            conn.execute(User.__table__.insert(), [
                {"id": i, "username": f"leader{i:03d}", "display_name": f"领导{i}", "title": "副区长",
                 "role": Role.LEADER, "password_hash": password_hash, "team_id": None, "district_id": 1,
                 "totp_secret": TOTP_SECRET, "totp_confirmed_at": made}
                for i in range(1, max(30, leaders) + 1)])
            conn.execute(Enterprise.__table__.insert(), [
                {"id": i, "name": f"{city}{rng.choice(firms)}{rng.choice(words)}科技有限公司{i}", "name_key": f"e{i}",
                 "industry": rng.choice(words), "province": province, "city": city,
                 "ownership": rng.choice(list(Ownership)), "district_id": 1}
                for i in range(1, 20_001) for province, city in [rng.choice(cities)]])
            start = date(2020, 1, 1)
            for first in range(1, projects + 1, 10_000):
                conn.execute(Project.__table__.insert(), [
                    {"id": i, "code": f"B-{i:06d}", "name": f"{rng.choice(firms)}{rng.choice(words)}产业园项目{i}",
                     "enterprise_id": rng.randint(1, 20_000), "team_id": rng.randint(1, 12),
                     "signed_on": start + timedelta(days=rng.randint(0, 2400)),
                     "agreement_kind": rng.choice(list(AgreementKind)), "project_type": rng.choice(list(ProjectType)),
                     "industry": rng.choice(words), "location": "十堰工业新区",
                     "total_investment_yuan": (total := rng.randint(1_000, 500_000) * 100_000),
                     "fixed_asset_investment_yuan": total * 7 // 10, "status": rng.choice(list(ProjectStatus)[:3]),
                     "chief_officer_id": rng.choice([None, rng.randint(1, 30)]), "verified": True,
                     "remarks": rng.choice([None, "按期推进", "=需协调用地"])}
                    for i in range(first, min(first + 10_000, projects + 1))])


def peak_mb() -> float:
    """This process's peak resident memory (VmHWM), in MB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run_ours(path: Path, fmt: str, out: Path, leader: int) -> dict[str, Any]:
    """Download the signing list from the app as a signed-in leader; the body is counted and dropped."""
    import pyotp

    app = app_for(path)
    client = app.test_client()
    response = client.post("/login", data={"username": f"leader{leader:03d}", "password": PASSWORD})
    if response.status_code == 302 and response.location.startswith("/login/code"):
        response = client.post("/login/code", data={"code": pyotp.TOTP(TOTP_SECRET).now()})
    if response.status_code != 302 or response.location.startswith("/login"):
        raise SystemExit(f"signing in failed: HTTP {response.status_code} to {response.location}")
    at_rest = peak_mb()  # the signed-in app before the export: argon2's memory cost at sign-in sets most of it
    started = time.perf_counter()
    size = 0
    with client.get(f"/exports/projects.{fmt}") as response:
        if response.status_code != 200:
            raise SystemExit(f"export failed: HTTP {response.status_code}")
        for chunk in response.response:
            size += len(chunk)
    seconds = time.perf_counter() - started
    with app.app_context():
        from sqlalchemy import select

        from crm.extensions import db
        from crm.models import AuditEvent

        detail = db.session.scalar(select(AuditEvent.detail).where(AuditEvent.action == "export")
                                   .order_by(AuditEvent.id.desc()).limit(1))
    return {"seconds": seconds, "bytes": size, "rows": json.loads(detail)["rows"], "peak_before_mb": at_rest}


def yi(yuan: int | None) -> float | None:
    return None if yuan is None else round(yuan / 100_000_000, 2)


def plain_rows(path: Path) -> Any:
    import sqlite3

    conn = sqlite3.connect(path)
    for number, row in enumerate(conn.execute(PLAIN_SQL), start=1):
        (name, investor, province, city, ownership, total, fixed, industry, type_, kind, signed_on, location, team,
         chief, status, remarks) = row
        yield [number, name, investor, f"{province}{city}", ownership, yi(total), yi(fixed), industry, type_, kind,
               signed_on, location, team, chief, status, remarks]
    conn.close()


def run_plain(path: Path, fmt: str, out: Path) -> dict[str, Any]:
    """The same rows by a plain query, written as plainly as the library allows."""
    started = time.perf_counter()
    rows = 0
    if fmt == "xlsx":
        import xlsxwriter

        workbook = xlsxwriter.Workbook(str(out), {"constant_memory": True})
        sheet = workbook.add_worksheet()
        sheet.write_row(0, 0, HEADER)
        for rows, values in enumerate(plain_rows(path), start=1):
            sheet.write_row(rows, 0, values)
        workbook.close()
    else:
        import csv

        with open(out, "w", encoding="utf-8-sig", newline="") as file:
            writer = csv.writer(file)
            writer.writerow(HEADER)
            for values in plain_rows(path):
                writer.writerow(values)
                rows += 1
    return {"seconds": time.perf_counter() - started, "bytes": out.stat().st_size, "rows": rows}


def child(side: str, path: Path, fmt: str, out: Path, leader: int) -> None:
    result = run_ours(path, fmt, out, leader) if side == "ours" else run_plain(path, fmt, out)
    print(json.dumps(result | {"peak_mb": peak_mb()}))


LEADERS = itertools.count(1)  # each download signs in as the next leader


def measure(side: str, path: Path, fmt: str, workdir: Path) -> dict[str, Any]:
    out = workdir / f"{side}.{fmt}"
    done = subprocess.run([sys.executable, __file__, "--child", side, "--database", str(path), "--format", fmt,
                           "--output", str(out), "--leader", str(next(LEADERS))], capture_output=True, text=True,
                          cwd=ROOT)
    if done.returncode != 0:
        raise SystemExit(f"{side} {fmt} failed:\n{done.stderr}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def compare(path: Path, fmt: str, runs: int, workdir: Path) -> dict[str, float]:
    """Run both sides alternately; print their median times and peaks; return the medians and ours' peak."""
    results: dict[str, list[dict[str, Any]]] = {"ours": [], "plain": []}
    for _ in range(runs):
        for side in results:
            results[side].append(measure(side, path, fmt, workdir))
    seconds = {side: statistics.median(r["seconds"] for r in runs_) for side, runs_ in results.items()}
    peaks = {side: max(r["peak_mb"] for r in runs_) for side, runs_ in results.items()}
    for side, runs_ in results.items():
        times = " ".join(f"{r['seconds']:.2f}" for r in runs_)
        before = f" (signed-in app before the export: {runs_[0]['peak_before_mb']:.1f})" if side == "ours" else ""
        print(f"{fmt:5} {side:6} rows {runs_[0]['rows']:>7}  median {seconds[side]:6.2f} s  (runs: {times})  "
              f"file {runs_[0]['bytes'] / 1e6:5.1f} MB  peak {peaks[side]:6.1f} MB{before}")
    if results["ours"][0]["rows"] != results["plain"][0]["rows"]:
        raise SystemExit("the two sides wrote different numbers of rows")
    return {"ours": seconds["ours"], "plain": seconds["plain"], "peak": peaks["ours"]}


def verdict(label: str, value: float, target: float, unit: str, within: bool) -> bool:
    print(f"{label:44} {value:7.2f}{unit} (target {'<=' if unit == '' else '<'} {target}{unit})  "
          f"{'PASS' if within else 'FAIL'}")
    return within


def report(xlsx: dict[str, float], csv: dict[str, float]) -> bool:
    """The targets: ours against the plain xlsxwriter write, and the peak, for both formats."""
    print()
    passed = [verdict("xlsx: ours / plain xlsxwriter write", xlsx["ours"] / xlsx["plain"], TARGET_RATIO, "",
                      xlsx["ours"] / xlsx["plain"] <= TARGET_RATIO),
              verdict("xlsx: ours, peak", xlsx["peak"], TARGET_PEAK_MB, " MB", xlsx["peak"] < TARGET_PEAK_MB),
              verdict("csv:  ours / plain xlsxwriter write", csv["ours"] / xlsx["plain"], TARGET_RATIO, "",
                      csv["ours"] / xlsx["plain"] <= TARGET_RATIO),
              verdict("csv:  ours, peak", csv["peak"], TARGET_PEAK_MB, " MB", csv["peak"] < TARGET_PEAK_MB)]
    # A plain csv.writer has almost nothing to do, so the fixed costs (the filter form, the totals query, labels,
    # formula-safe text) weigh more against it: shown, with no target.
    print(f"{'csv:  ours / plain csv.writer (no target)':44} {csv['ours'] / csv['plain']:7.2f}")
    return all(passed)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--projects", type=int, default=100_000, help="projects in the database (default 100,000)")
    parser.add_argument("--runs", type=int, default=3, help="runs of each side per format (default 3)")
    parser.add_argument("--quick", action="store_true", help="smoke run: 2,000 projects, one run each")
    parser.add_argument("--child", choices=["ours", "plain"], help=argparse.SUPPRESS)
    parser.add_argument("--database", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--format", choices=["xlsx", "csv"], help=argparse.SUPPRESS)
    parser.add_argument("--output", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--leader", type=int, default=1, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        child(args.child, args.database, args.format, args.output, args.leader)
        return 0
    projects, runs = (2_000, 1) if args.quick else (args.projects, args.runs)
    with tempfile.TemporaryDirectory(prefix="bench-exports-") as folder:
        workdir = Path(folder)
        path = workdir / "exports.db"
        started = time.perf_counter()
        build_database(path, projects, leaders=4 * runs)
        print(f"database: {projects:,} projects in {time.perf_counter() - started:.1f} s "
              f"({path.stat().st_size / 1e6:.0f} MB)")
        passed = report(compare(path, "xlsx", runs, workdir), compare(path, "csv", runs, workdir))
    return 0 if passed else 1


if __name__ == "__main__":
    sys.exit(main())
