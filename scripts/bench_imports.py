"""Time `flask import projects` against reading the same file with calamine plus a plain bulk insert.

    .venv/bin/python scripts/bench_imports.py               # 100,000 rows, SQLite and (if it answers) PostgreSQL
    .venv/bin/python scripts/bench_imports.py --rows 2000   # a smoke run

A signing list of --rows projects is written with xlsxwriter as a district keeps it (merged title row, the
export's sixteen columns, amounts in 亿元, date cells, a 合计 row). In the same run, on each database:

(a) the floor: calamine reads the sheet, and the same rows (their investors, then the projects) are inserted
    with plain executemany through the DB-API driver into an empty database;
(b) the import: the engine reads, maps, previews and writes the file (new investors confirmed) into another
    empty database with the same teams, and commits.

The target is (b) ≤ 3 × (a). The exit status is 1 when a ratio misses it or the import did not write every row.
"""

from __future__ import annotations

import argparse
import os
import random
import secrets
import sqlite3
import sys
import tempfile
import time
import uuid
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import xlsxwriter  # noqa: E402
from python_calamine import CalamineWorkbook  # noqa: E402

TARGET_RATIO = 3.0
PG_SERVER = os.environ.get("BENCH_PG_SERVER", "postgresql://postgres@127.0.0.1:5432/postgres")
HEADERS = ("序号", "项目名称", "投资方（签约企业）", "来源地", "内/外资", "总投资（亿元）", "其中固定资产投资（亿元）",
           "产业类别", "项目类型", "协议类型", "签约时间", "落户地", "招商专班", "首席服务官", "当前进展", "备注")
TEAMS = tuple(f"{city}专班" for city in ("上海", "深圳", "北京", "杭州", "苏州", "广州", "武汉", "成都", "西安",
                                       "合肥"))
INDUSTRIES = ("新能源汽车", "汽车零部件", "新材料", "生物医药", "电子信息", "装备制造", "绿色食品", "现代物流",
              "文旅康养", "数字经济", "节能环保", "新能源")
PLACES = ("上海", "广东深圳", "北京", "浙江杭州", "江苏苏州", "广东广州", "湖北武汉", "四川成都", "陕西西安",
          "安徽合肥")
PARKS = ("张湾工业新区", "花果园区", "汽车产业园", "西城开发区")
WORDS = ("智能", "新能", "汇通", "华宇", "恒信", "博远", "天成", "瑞丰", "宏图", "金石", "鼎盛", "嘉禾", "远航", "中科",
         "东方")


def write_signing_list(path: Path, rows: int, seed: int = 2026) -> None:
    """A signing list of `rows` projects with about one investor to four projects."""
    rng = random.Random(seed)
    workbook = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    sheet = workbook.add_worksheet("签约项目清单")
    day = workbook.add_format({"num_format": "yyyy-mm-dd"})
    sheet.merge_range(0, 0, 0, len(HEADERS) - 1, "张湾区招商引资签约项目清单")
    sheet.write_row(1, 0, HEADERS)
    investors = max(rows // 4, 1)
    total = 0
    for n in range(1, rows + 1):
        r = n + 1
        investor = investors and rng.randrange(investors)
        amount = rng.randrange(1_000, 5_000_000) / 10_000  # 亿元 with four decimals: exact to the 万元
        total += round(amount * 10_000)
        signed = date(2021, 1, 1) + timedelta(days=rng.randrange(1700))
        sheet.write_number(r, 0, n)
        sheet.write_string(r, 1, f"{rng.choice(WORDS)}{rng.choice(INDUSTRIES)}项目{n}")
        sheet.write_string(r, 2, f"{rng.choice(PLACES)[-2:]}{WORDS[investor % 15]}{investor}科技有限公司")
        sheet.write_string(r, 3, PLACES[investor % len(PLACES)])
        sheet.write_string(r, 4, "外资" if investor % 9 == 0 else "内资")
        sheet.write_number(r, 5, amount)
        sheet.write_number(r, 6, round(amount * 0.8, 4))
        sheet.write_string(r, 7, rng.choice(INDUSTRIES))
        sheet.write_string(r, 8, rng.choice(("新建", "扩建", "技改")))
        sheet.write_string(r, 9, rng.choice(("正式合同", "框架协议", "意向协议")))
        sheet.write_datetime(r, 10, datetime.combine(signed, datetime.min.time()), day)
        sheet.write_string(r, 11, rng.choice(PARKS))
        sheet.write_string(r, 12, rng.choice(TEAMS))
        sheet.write_string(r, 14, "已签约")
    sheet.write_row(rows + 2, 0, ["合计", f"{rows}个项目", None, None, None, total / 10_000])
    workbook.close()


def app_for(url: str) -> Any:
    from crm import create_app
    from crm.access.tenancy import declare

    declare(None, "a benchmark's own set-up and checks read every district")
    return create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": secrets.token_hex(16)})


def empty_database(url: str, *, admin: bool) -> None:
    """Create the schema, the teams and (for the import) the admin making it."""
    from crm.extensions import db
    from crm.models import District, Role, Team, User

    app = app_for(url)
    with app.app_context():
        db.create_all()
        db.session.add(District(id=1, name="张湾区", code="ZW"))
        db.session.flush()
        db.session.add_all(Team(name=name, base_city=name[:2], district_id=1) for name in TEAMS)
        if admin:
            db.session.add(User(username="admin", display_name="管理员", role=Role.ADMIN, password_hash="x",
                                district_id=1))
        db.session.commit()
        db.engine.dispose()


def floor_run(path: Path, url: str) -> tuple[float, int]:
    """(a): calamine read, then plain executemany of the investors and the projects; seconds and rows."""
    started = time.perf_counter()
    with CalamineWorkbook.from_path(str(path)) as book:
        cells = book.get_sheet_by_index(0).to_python(skip_empty_area=False)
    rows = [row for row in cells[2:] if isinstance(row[0], float)]
    now = datetime.now(UTC)
    if url.startswith("sqlite"):
        conn: Any = sqlite3.connect(url.removeprefix("sqlite:///"))
        mark, stamp = "?", now.replace(tzinfo=None).isoformat(" ")
    else:
        import psycopg

        conn = psycopg.connect(url.replace("+psycopg", ""))
        mark, stamp = "%s", now
    teams = dict(conn.execute("SELECT name, id FROM team").fetchall())
    names = sorted({row[2] for row in rows})
    conn.cursor().executemany(
        f"INSERT INTO enterprise (district_id, name, name_key, fortune500, listed, created_at, version) VALUES (1, "
        f"{mark}, {mark}, FALSE, FALSE, {mark}, 1)", [(name, name, stamp) for name in names])
    investors = dict(conn.execute("SELECT name, id FROM enterprise").fetchall())
    columns = ("code", "name", "enterprise_id", "team_id", "signed_on", "agreement_kind", "project_type", "industry",
               "location", "total_investment_yuan", "fixed_asset_investment_yuan", "currency", "from_event", "status",
               "verified", "verified_at", "voided", "created_at", "version")
    kinds = {"正式合同": "contract", "框架协议": "framework", "意向协议": "intent"}
    types = {"新建": "new", "扩建": "expansion", "技改": "upgrade"}
    conn.cursor().executemany(
        f"INSERT INTO project ({', '.join(columns)}) VALUES ({', '.join([mark] * len(columns))})",
        [(f"B-{int(row[0])}", row[1], investors[row[2]], teams[row[12]], row[10].isoformat(), kinds[row[9]],
          types[row[8]], row[7], row[11], round(row[5] * 100_000_000), round(row[6] * 100_000_000), "CNY", False,
          "signed", True, stamp, False, stamp, 1) for row in rows])
    conn.commit()
    conn.close()
    return time.perf_counter() - started, len(rows)


def import_run(path: Path, url: str) -> tuple[float, int]:
    """(b): the engine, as `flask import projects FILE --confirm-new` runs it; seconds and rows written."""
    from sqlalchemy import func, select

    from crm.access.tenancy import declare
    from crm.extensions import db
    from crm.imports.commit import commit_import
    from crm.imports.mapping import propose_layout, remember_mapping
    from crm.imports.opening import read_path
    from crm.imports.outcomes import ImportOptions
    from crm.imports.preview import preview_import
    from crm.models import Project, User

    app = app_for(url)
    with app.app_context():
        admin = db.session.scalar(select(User).where(User.username == "admin"))
        declare(admin.district_id, "as the district's users read")  # as the admin's import runs
        db.session.commit()
        started = time.perf_counter()
        table = read_path(path)
        layout = propose_layout(table, "projects")
        preview = preview_import(table, layout, ImportOptions(confirm_new=True))
        if not preview.ok:
            raise SystemExit(f"the import found errors: {preview.errors[:3]}")
        commit_import(preview, actor=admin)
        remember_mapping(layout, admin)
        db.session.commit()
        elapsed = time.perf_counter() - started
        written = db.session.scalar(select(func.count()).select_from(Project))
        db.session.remove()
        db.engine.dispose()
    return elapsed, written or 0


def postgres_databases(count: int) -> list[str] | None:
    """Fresh PostgreSQL databases for one run, or None when the server does not answer."""
    try:
        import psycopg

        with psycopg.connect(PG_SERVER, autocommit=True, connect_timeout=3) as admin:
            names = [f"magnet_bench_import_{uuid.uuid4().hex[:10]}" for _ in range(count)]
            for name in names:
                admin.execute(f'CREATE DATABASE "{name}"')
    except Exception as error:  # any failure to reach or use the server means: run on SQLite only
        print(f"PostgreSQL skipped: {str(error).strip().splitlines()[0]}", file=sys.stderr)
        return None
    base = PG_SERVER.rsplit("/", 1)[0].replace("postgresql://", "postgresql+psycopg://", 1)
    return [f"{base}/{name}" for name in names]


def drop_postgres(urls: list[str]) -> None:
    import psycopg

    with psycopg.connect(PG_SERVER, autocommit=True) as admin:
        for url in urls:
            admin.execute(f'DROP DATABASE IF EXISTS "{url.rsplit("/", 1)[1]}" WITH (FORCE)')


def measure(path: Path, floor_url: str, import_url: str) -> tuple[float, float, int, int]:
    empty_database(floor_url, admin=False)
    empty_database(import_url, admin=True)
    floor_s, floor_rows = floor_run(path, floor_url)
    import_s, written = import_run(path, import_url)
    return floor_s, import_s, floor_rows, written


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=100_000, help="project rows in the file (default 100,000)")
    parser.add_argument("--no-postgresql", action="store_true", help="SQLite only")
    args = parser.parse_args()
    failed = False
    with tempfile.TemporaryDirectory(prefix="bench-imports-") as folder:
        path = Path(folder) / "签约项目清单.xlsx"
        started = time.perf_counter()
        write_signing_list(path, args.rows)
        print(f"wrote {args.rows} rows ({path.stat().st_size / 1e6:.1f} MB) in {time.perf_counter() - started:.1f} s")
        runs = [("SQLite", f"sqlite:///{folder}/floor.db", f"sqlite:///{folder}/import.db", None)]
        pg = None if args.no_postgresql else postgres_databases(2)
        if pg:
            runs.append(("PostgreSQL", pg[0], pg[1], pg))
        print(f"{'database':12} {'rows':>8} {'read+insert s':>14} {'import s':>9} {'ratio':>6}  "
              f"target ≤ {TARGET_RATIO}")
        for name, floor_url, import_url, cleanup in runs:
            try:
                floor_s, import_s, rows, written = measure(path, floor_url, import_url)
            finally:
                if cleanup:
                    drop_postgres(cleanup)
            ratio = import_s / floor_s
            ok = ratio <= TARGET_RATIO and written == rows == args.rows
            failed |= not ok
            print(f"{name:12} {written:>8} {floor_s:>14.2f} {import_s:>9.2f} {ratio:>6.2f}  {'PASS' if ok else 'FAIL'}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
