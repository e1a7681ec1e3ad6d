"""The import pages: upload, confirm the columns, preview every row, import all rows or none, with progress."""

from __future__ import annotations

import io
import os
import re
import time
import zipfile
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
import xlsxwriter
from sqlalchemy import func, select

from crm.extensions import db
from crm.models import AuditEvent, Enterprise, ImportJob, ImportJobStatus, ImportMapping, Project, Role, Team
from tests.plugins.imports import JOB_TIMEOUT

pytestmark = pytest.mark.usefixtures("jobs_end")  # no job thread outlives its test's app

SIGNING_HEADER = ["序号", "项目名称", "签约企业", "来源地", "总投资（亿元）", "产业", "签约时间", "招商专班",
                  "项目类型", "协议类型"]
BOUNDARY = "magnet-import-test"


def xlsx_bytes(rows: list[list[Any]], *, title: str | None = None) -> bytes:
    """A workbook in memory: an optional merged title row, then the rows (None leaves a cell empty)."""
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_numbers": False})
    sheet = workbook.add_worksheet("签约项目")
    day = workbook.add_format({"num_format": "yyyy-mm-dd"})
    offset = 0
    if title:
        sheet.merge_range(0, 0, 0, max(len(rows[0]) - 1, 1), title)
        offset = 1
    for r, row in enumerate(rows, start=offset):
        for c, value in enumerate(row):
            if value is None:
                continue
            if isinstance(value, date):
                sheet.write_datetime(r, c, datetime.combine(value, datetime.min.time()), day)
            elif isinstance(value, str):
                sheet.write_string(r, c, value)
            else:
                sheet.write_number(r, c, value)
    workbook.close()
    return buffer.getvalue()


def signing_row(n: int, *, team: str = "上海专班", name: str | None = None, signed: Any = date(2024, 3, 5),
                total: Any = 1.5) -> list[Any]:
    return [n, name or f"导入测试项目{n}", f"导入测试企业{n}有限公司", "江苏苏州", total, "新材料", signed, team,
            "新建", "正式合同"]


def signing_list(rows: list[list[Any]]) -> bytes:
    """A signing list as an office keeps it: a title, the header, the rows, a totals row."""
    return xlsx_bytes([SIGNING_HEADER, *rows, [None, "合计", None, None, 99]], title="2024年签约项目清单")


def multipart(fields: dict[str, str], file_name: str, data: bytes) -> bytes:
    """A form with one file, encoded in memory (the test client would spool a large one to an unclosed file)."""
    parts = [f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
             for name, value in fields.items()]
    parts.append(f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="{file_name}"\r\n'
                 "Content-Type: application/octet-stream\r\n\r\n".encode() + data + b"\r\n")
    return b"".join(parts) + f"--{BOUNDARY}--\r\n".encode()


def upload(client, data: bytes, name: str = "签约项目.xlsx", kind: str = "projects", **fields: str):
    return client.post("/imports/", data=multipart({"kind": kind, **fields}, name, data),
                       content_type=f"multipart/form-data; boundary={BOUNDARY}")


def job_id_from(response) -> int:
    assert response.status_code == 302, response.text
    return int(re.search(r"/imports/jobs/(\d+)", response.location)[1])


def mapping_choices(client, job_id: int) -> dict[str, str]:
    """The mapping form as shown: every column's selected field (and unit)."""
    page = client.get(f"/imports/jobs/{job_id}/mapping").text
    choices = {}
    for name, body in re.findall(r'<select id="[^"]*" name="((?:field|unit)_\d+)"[^>]*>(.*?)</select>', page, re.S):
        selected = re.search(r'<option selected value="([^"]*)"', body)
        choices[name] = selected[1] if selected else ""
    return choices


def wait_for(client, job_id: int, timeout: float = JOB_TIMEOUT) -> list[dict[str, Any]]:
    """Poll a job's progress URL until it has finished; every answer, in order."""
    seen = []
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        response = client.get(f"/imports/jobs/{job_id}/progress")
        assert response.status_code == 200
        seen.append(response.json)
        if response.json["finished"]:
            return seen
        time.sleep(0.05)
    raise AssertionError(f"job {job_id} did not finish in {timeout} s: {seen[-1]}")


def confirm_mapping(client, job_id: int, **changes: str) -> list[dict[str, Any]]:
    """Confirm the columns as shown (with some changed) and wait for the preview."""
    response = client.post(f"/imports/jobs/{job_id}/mapping", data=mapping_choices(client, job_id) | changes)
    assert response.status_code == 302, response.text
    assert response.location.endswith(f"/imports/jobs/{job_id}")
    return wait_for(client, job_id)


def start_import(client, job_id: int, **choices: Any):
    return client.post(f"/imports/jobs/{job_id}/import", data={"duplicates": "skip", **choices})


def assert_strict_csp_holds(html: str) -> None:
    """No inline script, style or event handler: the content security policy forbids them."""
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html)
    assert not re.search(r"\sstyle=", html) and not re.search(r"\son[a-z]+=", html)


def count(model: type) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


@pytest.fixture
def admin(make_user, login):
    user = make_user(Role.ADMIN, username="office", display_name="招商局")
    login(user)
    return user


@pytest.fixture
def shanghai(make_team):
    return make_team(name="上海专班", base_city="上海")


def uploads(app) -> list[Path]:
    folder = Path(app.config["UPLOAD_FOLDER"]) / "imports"
    return sorted(path for path in folder.iterdir() if path.is_file()) if folder.is_dir() else []


def test_the_upload_page_offers_the_four_kinds(client, admin):
    page = client.get("/imports/")
    assert page.status_code == 200
    for label in ("企业", "在谈项目/线索", "签约项目", "拜访记录"):
        assert f">{label}</option>" in page.text
    assert 'enctype="multipart/form-data"' in page.text and "20MB" in page.text
    assert_strict_csp_holds(page.text)


@pytest.mark.parametrize("role", [Role.MEMBER, Role.LEAD, Role.LEADER])
def test_only_admins_import(client, make_user, login, role):
    login(make_user(role))
    for url in ("/imports/", "/imports/jobs/1", "/imports/jobs/1/mapping", "/imports/jobs/1/progress"):
        assert client.get(url).status_code == 403, url
    refused = upload(client, signing_list([signing_row(1)]))
    assert refused.status_code == 403 and "没有权限" in refused.text
    assert client.post("/imports/jobs/1/import").status_code == 403
    assert count(ImportJob) == 0


def test_a_program_renamed_xlsx_is_refused(app, client, admin):
    program = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + bytes(2000)
    response = upload(client, program, "签约项目.xlsx")
    assert response.status_code == 400
    assert "文件名是.xlsx，但内容不是表格" in response.text
    assert count(ImportJob) == 0 and uploads(app) == []


def test_a_zip_bomb_is_refused(app, client, admin):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
        with archive.open("xl/worksheets/sheet1.xml", "w") as part:
            for _ in range(8):
                part.write(bytes(1024 * 1024))  # 8 MB of zeros: a few KB packed
    assert len(buffer.getvalue()) < 100_000
    response = upload(client, buffer.getvalue(), "签约项目.xlsx")
    assert response.status_code == 400
    assert "压缩炸弹" in response.text
    assert count(ImportJob) == 0 and uploads(app) == []


def test_a_file_over_20_mb_is_refused(app, client, admin):
    big = b"\xe9\xa1\xb9\xe7\x9b\xae,\xe9\x87\x91\xe9\xa2\x9d\n" + b"a,1\n" * (5 * 1024 * 1024 + 1)  # 20 MB and a bit
    response = upload(client, big, "big.csv")
    assert response.status_code == 413
    assert "文件超过20MB，请拆分后再导入" in response.text
    assert count(ImportJob) == 0 and uploads(app) == []


@pytest.mark.parametrize("csrf", [False, True])
def test_a_request_past_the_apps_limit_gets_the_same_message(app, client, admin, csrf):
    app.config |= {"MAX_CONTENT_LENGTH": 1024 * 1024, "WTF_CSRF_ENABLED": csrf}  # CSRF reads the form first
    response = upload(client, b"a,b\n" * 300_000, "big.csv")
    assert response.status_code == 413
    assert "文件超过20MB，请拆分后再导入" in response.text
    assert "导入内容" in response.text  # the upload page again, ready for another file
    assert count(ImportJob) == 0 and uploads(app) == []


def test_a_gb18030_csv_is_read_and_its_columns_proposed(app, client, admin):
    csv = "项目名称,投资方,总投资（万元）,签约日期,招商专班\n智能制造项目,苏州精工有限公司,8000,2024-03-05,上海专班\n"
    response = upload(client, csv.encode("gb18030"), "../../etc/签约.csv")
    job_id = job_id_from(response)
    assert response.location.endswith(f"/imports/jobs/{job_id}/mapping")
    page = client.get(response.location)
    assert page.status_code == 200
    assert "表头在第1行" in page.text and "苏州精工有限公司" in page.text
    choices = mapping_choices(client, job_id)
    assert choices["field_0"] == "name" and choices["field_1"] == "investor"
    assert choices["field_2"] == "total_investment" and choices["unit_2"] == ""
    job = db.session.get(ImportJob, job_id)
    assert job.file_name == "签约.csv" and job.status is ImportJobStatus.UPLOADED
    [stored] = uploads(app)
    assert re.fullmatch(r"[0-9a-f]{32}\.upload", stored.name) and stored.name == job.stored_name


def test_a_missing_sheet_and_a_mistyped_rate_are_refused(client, admin):
    data = signing_list([signing_row(1)])
    missing = upload(client, data, sheet="第二季度")
    assert missing.status_code == 400 and "找不到工作表“第二季度”" in missing.text
    mistyped = upload(client, data, rates="USD 七点一")
    assert mistyped.status_code == 422 and "汇率格式应为 USD=7.1" in mistyped.text
    assert count(ImportJob) == 0


def test_rates_typed_on_upload_convert_foreign_amounts(client, admin, shanghai):
    header = ["项目名称", "投资方", "总投资（万美元）", "签约日期", "招商专班"]
    data = xlsx_bytes([header, ["外资项目", "香港华科电子有限公司", 1000, date(2024, 3, 6), "上海专班"]])
    job_id = job_id_from(upload(client, data, sheet="签约项目", rates="usd=7.1，EUR=7.8"))
    assert db.session.get(ImportJob, job_id).options == {"sheet": "签约项目", "rates": {"USD": "7.1", "EUR": "7.8"}}
    assert mapping_choices(client, job_id)["unit_2"] == ""
    assert "按表头：万元（USD）" in client.get(f"/imports/jobs/{job_id}/mapping").text
    confirm_mapping(client, job_id)
    page = client.get(f"/imports/jobs/{job_id}").text
    assert '<td class="amount">0.71亿元</td>' in page


def test_an_amount_without_a_unit_is_an_error_until_the_unit_is_chosen(client, admin, shanghai):
    header = ["项目名称", "投资方", "投资额", "签约日期", "招商专班"]
    data = xlsx_bytes([header, ["智能装备项目", "苏州精工装备有限公司", 8000, date(2024, 3, 6), "上海专班"]])
    job_id = job_id_from(upload(client, data))
    assert "按表头：未注明" in client.get(f"/imports/jobs/{job_id}/mapping").text
    confirm_mapping(client, job_id)
    page = client.get(f"/imports/jobs/{job_id}").text
    assert "金额缺少单位" in page and "返回修改列对应" in page
    states = confirm_mapping(client, job_id, unit_2="wan")
    assert states[-1]["status"] == "previewed"
    page = client.get(f"/imports/jobs/{job_id}").text
    assert "金额缺少单位" not in page and '<td class="amount">0.80亿元</td>' in page
    assert db.session.scalar(select(ImportMapping.columns))[2]["unit"] == "wan"


def test_a_changed_mapping_is_remembered_for_the_next_file_of_that_shape(client, admin, shanghai):
    header = ["项目名称", "合作伙伴", "总投资（亿元）", "签约日期", "招商专班"]
    data = xlsx_bytes([header, ["新材料项目", "苏州精工有限公司", 2, date(2024, 3, 5), "上海专班"]])
    job_id = job_id_from(upload(client, data))
    page = client.get(f"/imports/jobs/{job_id}/mapping").text
    assert "缺少必需的列：投资方（签约企业）" in page
    assert_strict_csp_holds(page)
    refused = client.post(f"/imports/jobs/{job_id}/mapping", data=mapping_choices(client, job_id))
    assert refused.status_code == 422 and "缺少必需的列：投资方（签约企业）" in refused.text
    twice = client.post(f"/imports/jobs/{job_id}/mapping",
                        data=mapping_choices(client, job_id) | {"field_1": "name"})
    assert twice.status_code == 422 and "每个字段只能对应一列：项目名称对应了多列" in twice.text
    assert count(ImportMapping) == 0

    states = confirm_mapping(client, job_id, field_1="investor")
    assert states[-1]["status"] == "previewed"
    [remembered] = db.session.scalars(select(ImportMapping)).all()
    assert remembered.kind == "projects" and remembered.updated_by_id == admin.id
    assert [c["field"] for c in remembered.columns] == ["name", "investor", "total_investment", "signed_on", "team"]

    again = xlsx_bytes([header, ["另一个项目", "杭州恒轮有限公司", 1, date(2024, 4, 1), "上海专班"]])
    second = job_id_from(upload(client, again, "另一份.xlsx"))
    page = client.get(f"/imports/jobs/{second}/mapping").text
    assert "沿用了上次确认的设置" in page and "上次确认" in page and "缺少必需的列" not in page
    assert mapping_choices(client, second)["field_1"] == "investor"


def test_the_preview_shows_every_rows_fate_and_an_error_blocks_the_import(client, admin, shanghai, make_project):
    make_project(name="已有签约项目", signed_on=date(2024, 3, 5), team=shanghai)
    rows = [signing_row(1), signing_row(2, name="已有签约项目"), signing_row(3, signed="2024年13月40日"),
            signing_row(4)]
    job_id = job_id_from(upload(client, signing_list(rows)))
    assert confirm_mapping(client, job_id)[-1]["status"] == "previewed"
    page = client.get(f"/imports/jobs/{job_id}")
    assert page.status_code == 200
    text_ = page.text
    assert "表头在第2行" in text_
    assert_strict_csp_holds(text_)
    counts = dict(re.findall(r"<dt>([^<]+)</dt><dd>(\d+)</dd>", text_))
    assert counts == {"数据行": "5", "将新增": "2", "与已有记录重复": "1", "有错误": "1",
                      "跳过（空行、合计、说明）": "1"}
    fates = re.findall(r'<tr class="fate-(\w+)">\s*<td class="count">(\d+)</td>', text_)
    assert fates == [("error", "5"), ("duplicate", "4"), ("new", "3"), ("new", "6"), ("skipped", "7")]
    assert re.search(r'<small class="row-note reason">签约时间：[^<]*2024年13月40日', text_)
    assert re.search(r'系统中已有：<a href="/projects/\d+">T-2026-\d+ 已有签约项目</a>', text_)
    assert "有1行有错误（见下表），不能导入" in text_
    assert re.search(r'<button type="submit" disabled>全部导入</button>', text_)

    refused = start_import(client, job_id)
    assert refused.status_code == 422 and "有1行有错误" in refused.text
    assert count(Project) == 1 and db.session.get(ImportJob, job_id).status is ImportJobStatus.PREVIEWED


def read_lines(page: str) -> list[str]:
    """The preview's 读取为 lines, as shown."""
    return re.findall(r'<small class="row-note read">([^<]*)</small>', page)


def test_the_preview_says_what_each_row_was_read_as(compiled_catalogue, client, make_user, login, admin, shanghai,
                                                    make_enterprise):
    known = make_enterprise(name="苏州精工装备有限公司")
    header = ["项目名称", "投资方", "总投资", "其中固定资产投资（亿元）", "汇率", "签约时间", "招商专班"]
    data = xlsx_bytes([
        header,
        ["汽车轮毂项目", "浙江恒轮汽配有限公司", "8000万元", 0.5, None, "2024.3.5", "上海专班"],
        ["智能装备项目", "苏州精工装备有限公司", "1.5亿", None, None, date(2024, 3, 6), "驻上海招商专班"],
        ["电子元件项目", "香港华科电子有限公司", "1000万美元", None, 7.1, "2024年3月7日", "深圳专班"],
    ])
    job_id = job_id_from(upload(client, data))
    assert confirm_mapping(client, job_id)[-1]["status"] == "previewed"
    page = client.get(f"/imports/jobs/{job_id}").text
    assert "<th>读取为</th>" in page
    assert_strict_csp_holds(page)
    lines = read_lines(page)
    assert "总投资：8000万元 → 0.80亿元（80,000,000元）" in lines
    assert "其中固定资产投资：0.5（单位按列：亿元） → 0.50亿元（50,000,000元）" in lines
    assert "总投资：1.5亿 → 1.50亿元（150,000,000元）" in lines
    assert "总投资：1000万美元 → 0.71亿元（71,000,000元）；USD 10,000,000，汇率7.1（汇率列）" in lines
    assert "签约时间：2024.3.5 → 2024-03-05" in lines and "签约时间：2024-03-06" in lines
    assert "签约时间：2024年3月7日 → 2024-03-07" in lines
    assert "招商专班：上海专班（已有）" in lines and "招商专班：驻上海招商专班 → 上海专班（已有）" in lines
    assert "招商专班：深圳专班（新建）" in lines
    assert "投资方（签约企业）：浙江恒轮汽配有限公司（新建）" in lines
    assert f"投资方（签约企业）：苏州精工装备有限公司（已有，统一社会信用代码{known.credit_code}）" in lines

    client.post("/logout")
    login(make_user(Role.ADMIN, username="office-en", locale="en"))
    english = read_lines(client.get(f"/imports/jobs/{job_id}").text)
    assert "Total investment: 8000万元 → 0.80亿元 (80,000,000 yuan)" in english
    assert "Of which fixed-asset investment: 0.5 (in 亿元, as the column says) → 0.50亿元 (50,000,000 yuan)" in english
    assert ("Total investment: 1000万美元 → 0.71亿元 (71,000,000 yuan); USD 10,000,000 at a rate of 7.1 "
            "(from the rate column)") in english
    assert "Promotion team: 上海专班 (on file)" in english and "Promotion team: 深圳专班 (New)" in english


def test_a_job_previewed_before_rows_kept_their_reading_still_shows(client, admin, shanghai):
    job_id = job_id_from(upload(client, signing_list([signing_row(1)])))
    confirm_mapping(client, job_id)
    job = db.session.get(ImportJob, job_id)
    job.rows = [record[:8] for record in job.rows]  # as such a job was kept: the fate only
    db.session.commit()
    page = client.get(f"/imports/jobs/{job_id}")
    assert page.status_code == 200 and "导入测试项目1" in page.text and read_lines(page.text) == []


def test_new_teams_need_confirming_then_everything_is_imported(app, client, admin, shanghai):
    rows = [signing_row(n, team="苏州专班" if n == 2 else "上海专班") for n in range(1, 4)]
    job_id = job_id_from(upload(client, signing_list(rows)))
    confirm_mapping(client, job_id)
    page = client.get(f"/imports/jobs/{job_id}").text
    assert "新专班（1个）" in page and "苏州专班" in page
    assert "新企业（3家）" in page and "导入测试企业2有限公司" in page
    assert "确认新建上面列出的专班和企业" in page

    refused = start_import(client, job_id)
    assert refused.status_code == 422 and "请勾选确认新建后再导入" in refused.text
    assert count(Team) == 1 and count(Project) == 0

    started = start_import(client, job_id, confirm_new="y")
    assert started.status_code == 302 and started.location.endswith(f"/imports/jobs/{job_id}")
    states = wait_for(client, job_id)
    assert states[-1] | {"url": None} == {"status": "done", "stage": None, "done": 4, "total": 4, "finished": True,
                                         "interrupted": False, "message": "已导入", "url": None}
    assert count(Project) == 3 and count(Team) == 2 and count(Enterprise) == 3
    new_team = db.session.scalar(select(Team).where(Team.name == "苏州专班"))
    assert new_team.base_city == "待定"
    assert db.session.scalar(select(Project.team_id).where(Project.name == "导入测试项目2")) == new_team.id
    result = client.get(f"/imports/jobs/{job_id}").text
    assert "已全部导入" in result
    assert_strict_csp_holds(result)
    assert dict(re.findall(r"<dt>([^<]+)</dt><dd>(\d+)</dd>", result)) == {
        "新增": "3", "更新": "0", "重复未改": "0", "跳过的行": "1", "新建专班": "1", "新建企业": "3"}
    assert 'href="/projects/"' in result and 'href="/teams/"' in result
    assert uploads(app) == []  # the file goes when the job ends
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "import"))
    assert event.user_id == admin.id and "签约项目.xlsx" in event.detail
    assert start_import(client, job_id, confirm_new="y").status_code == 302  # a second click changes nothing
    assert count(Project) == 3


def test_a_new_team_name_can_point_at_a_team_on_file(client, admin, shanghai):
    job_id = job_id_from(upload(client, signing_list([signing_row(1, team="驻沪招商组")])))
    confirm_mapping(client, job_id)
    assert "驻沪招商组" in client.get(f"/imports/jobs/{job_id}").text
    started = start_import(client, job_id, team_0=str(shanghai.id), confirm_new="y")
    assert started.status_code == 302
    assert wait_for(client, job_id)[-1]["status"] == "done"
    assert count(Team) == 1
    assert db.session.scalar(select(Project.team_id)) == shanghai.id


def test_duplicates_are_updated_when_chosen(client, admin, shanghai, make_project):
    project = make_project(name="已有签约项目", signed_on=date(2024, 3, 5), team=shanghai,
                           total_investment_yuan=100_000_000)
    job_id = job_id_from(upload(client, signing_list([signing_row(1, name="已有签约项目", total=3)])))
    confirm_mapping(client, job_id)
    assert start_import(client, job_id, duplicates="update", confirm_new="y").status_code == 302
    assert wait_for(client, job_id)[-1]["status"] == "done"
    db.session.refresh(project)
    assert project.total_investment_yuan == 300_000_000 and count(Project) == 1
    result = client.get(f"/imports/jobs/{job_id}").text
    assert dict(re.findall(r"<dt>([^<]+)</dt><dd>(\d+)</dd>", result))["更新"] == "1"


def fail_on_project(name: str) -> tuple[str, str]:
    """A database trigger refusing one project's insert: a failure in the middle of the import's writing."""
    if db.engine.dialect.name == "sqlite":
        return (f"CREATE TRIGGER refuse_project BEFORE INSERT ON project WHEN NEW.name = '{name}' "
                "BEGIN SELECT RAISE(ABORT, 'refused by test trigger'); END",
                "DROP TRIGGER IF EXISTS refuse_project")
    return (f"""CREATE FUNCTION refuse_project() RETURNS trigger AS $$ BEGIN
                IF NEW.name = '{name}' THEN RAISE EXCEPTION 'refused by test trigger'; END IF; RETURN NEW;
                END $$ LANGUAGE plpgsql;
                CREATE TRIGGER refuse_project BEFORE INSERT ON project
                FOR EACH ROW EXECUTE FUNCTION refuse_project()""",
            "DROP TRIGGER IF EXISTS refuse_project ON project; DROP FUNCTION IF EXISTS refuse_project()")


def test_a_failure_while_writing_leaves_nothing_written(app, client, admin, shanghai):
    rows = [signing_row(n, team="苏州专班" if n == 1 else "上海专班") for n in range(1, 1501)]
    job_id = job_id_from(upload(client, signing_list(rows)))
    confirm_mapping(client, job_id)
    create, drop = fail_on_project("导入测试项目1400")
    with db.engine.begin() as connection:
        connection.exec_driver_sql(create)
    try:
        assert start_import(client, job_id, confirm_new="y").status_code == 302
        states = wait_for(client, job_id)
    finally:
        with db.engine.begin() as connection:
            connection.exec_driver_sql(drop)
    assert states[-1]["status"] == "failed"
    assert count(Project) == 0 and count(Enterprise) == 0 and count(Team) == 1
    assert db.session.scalar(select(func.count()).select_from(AuditEvent).where(AuditEvent.action == "import")) == 0
    page = client.get(f"/imports/jobs/{job_id}").text
    assert "系统出错，未写入任何数据" in page and "没有写入任何数据" in page
    assert uploads(app) == []


def test_progress_moves_to_done_and_the_preview_pages_its_rows(client, admin, shanghai):
    rows = [signing_row(n) for n in range(1, 2401)]
    rows[2000] = signing_row(2001, total="很多")
    job_id = job_id_from(upload(client, signing_list(rows)))
    response = client.post(f"/imports/jobs/{job_id}/mapping", data=mapping_choices(client, job_id))
    assert response.status_code == 302
    running = client.get(f"/imports/jobs/{job_id}")
    if "<progress" in running.text:  # the job may finish before this request on a fast machine
        assert f'data-progress-url="/imports/jobs/{job_id}/progress"' in running.text
        assert "刷新查看进度" in running.text and "import-progress.js" in running.text
        assert_strict_csp_holds(running.text)
    states = wait_for(client, job_id)
    done = [(state["done"], state["total"]) for state in states if state["status"] == "previewing" and state["total"]]
    assert done == sorted(done)
    assert all(total == 2401 for _done, total in done)
    assert states[-1]["status"] == "previewed" and states[-1]["done"] == states[-1]["total"] == 2401
    job = db.session.get(ImportJob, job_id)
    assert job.done == job.total == 2401

    first = client.get(f"/imports/jobs/{job_id}").text
    assert first.count('<tr class="fate-') == 200
    assert re.search(r'<tr class="fate-error">\s*<td class="count">2003</td>', first)  # errors come first
    # the first 500 rows of each fate are kept (1 error, 500 of 2,399 new, the totals row), the rest counted
    assert "第 1 / 3 页，共 502 条" in first and f"/imports/jobs/{job_id}?page=2#rows" in first
    assert "每类只列出前500行，其余只计数：新增另有1,899行未列出" in first
    last = client.get(f"/imports/jobs/{job_id}?page=3").text
    assert last.count('<tr class="fate-') == 102 and "合计" in last
    assert client.get(f"/imports/jobs/{job_id}?page=999").status_code == 200


def test_an_upload_kept_past_a_day_is_swept_and_its_job_asks_for_it_again(app, client, admin, shanghai):
    job_id = job_id_from(upload(client, signing_list([signing_row(1)])))
    [stored] = uploads(app)
    old = time.time() - 2 * 24 * 3600
    os.utime(stored, (old, old))
    job_id_from(upload(client, signing_list([signing_row(2)]), "第二份.xlsx"))
    assert not stored.exists() and len(uploads(app)) == 1
    refused = client.post(f"/imports/jobs/{job_id}/mapping", data=mapping_choices(client, job_id))
    assert refused.status_code == 422 and "上传的文件已过期（只保留一天）或已导入，请重新上传" in refused.text
    assert db.session.get(ImportJob, job_id).status is ImportJobStatus.UPLOADED


def test_the_upload_page_lists_recent_jobs(client, admin, shanghai):
    job_id = job_id_from(upload(client, signing_list([signing_row(1)]), "一季度签约.xlsx"))
    page = client.get("/imports/").text
    assert "最近的导入" in page and "一季度签约.xlsx" in page and f"/imports/jobs/{job_id}" in page
    assert "待确认列" in page
    assert client.get(f"/imports/jobs/{job_id}").location.endswith(f"/imports/jobs/{job_id}/mapping")
    assert client.get("/imports/jobs/999").status_code == 404
