"""The exported lists on paper: printed by LibreOffice Calc, as an office prints the .xlsx it downloaded.

Each list is converted to PDF by `soffice --headless` (tests/plugins/office.py) and read back with pdfplumber: A4
landscape, every column across the page at a readable size, the rows over as many pages as they need, each page
with the title and header rows and its number.
"""

import json
import re
from datetime import date, timedelta
from pathlib import Path

import pdfplumber
import pytest
from python_calamine import CalamineWorkbook

from crm.domain.money import YUAN_PER_YI as YI
from crm.exports.catalogue import EXPORTS
from crm.models import ProjectStatus, Role
from tests.plugins.office import pdf_text

pytestmark = pytest.mark.slow  # LibreOffice takes 5 s or more to start

PROJECTS = 120  # a district's year of signings
READABLE_PT = 7  # the smallest type a person reads on A4 without effort
PAGE_NUMBER = re.compile(r"(\d+)/(\d+)$")  # the footer's "1 / 3", the page's last text


@pytest.fixture
def year_of_signings(make_project, make_team, make_enterprise, make_user) -> None:
    """120 signings of 2026 with names, investors, parks and remarks of the lengths a district writes."""
    teams = [make_team(name=f"{city}招商专班") for city in ("上海", "深圳", "苏州", "北京")]
    chief = make_user(Role.LEADER, display_name="王伟", title="区委常委、常务副区长")
    investors = [make_enterprise(name=f"江苏恒通新能源科技股份有限公司第{n}分公司", province="江苏", city="苏州")
                 for n in range(1, 9)]
    for n in range(1, PROJECTS + 1):
        make_project(name=f"年产{n}万吨高性能锂电池正极材料及配套产业园建设项目", team=teams[n % 4],
                     enterprise=investors[n % 8], signed_on=date(2026, 1, 1) + timedelta(days=n * 2),
                     total_investment_yuan=n * YI // 4, fixed_asset_investment_yuan=n * YI // 5,
                     industry="新能源", location="经济技术开发区新材料产业园", chief_officer=chief,
                     status=ProjectStatus.STARTED, started_on=date(2026, 9, 1),
                     remarks="已完成立项备案，正在办理用地规划许可" if n % 3 == 0 else None)


def page_text(page) -> str:
    """A page's text without the spaces and line breaks a wrapped cell puts in it."""
    return "".join(pdf_text(page).split())


def assert_printed_readably(page, where: str, *expected: str) -> None:
    """Landscape, no character under READABLE_PT, the expected texts (title, headers) and a page number."""
    assert page.width > page.height, f"{where} is portrait"
    sizes = {round(char["size"], 1) for char in page.chars}
    assert min(sizes) >= READABLE_PT, f"{where} is printed at {sorted(sizes)} pt"
    text = page_text(page)
    for part in expected:
        assert part in text, f"{where} lacks {part}"
    assert PAGE_NUMBER.search(text), f"{where} lacks its number"


def test_the_signing_list_prints_landscape_readable_with_its_header_and_page_numbers_on_every_page(
        client, login, admin, year_of_signings, to_pdf, tmp_path: Path):
    login(admin)
    with client.get("/exports/projects.xlsx?year=2026") as response:
        assert response.status_code == 200
        xlsx = tmp_path / "signing-list.xlsx"
        xlsx.write_bytes(response.data)
    [pdf_file] = to_pdf(xlsx)
    with pdfplumber.open(pdf_file) as pdf:
        pages = pdf.pages
        assert len(pages) > 1, "all 120 projects squeezed onto one page"
        for number, page in enumerate(pages, start=1):
            assert_printed_readably(page, f"page {number}", "张湾区2026年招商引资签约项目清单", "序号", "项目名称",
                                    "投资方", "总投资", "当前进展", f"{number}/{len(pages)}")


def test_every_list_of_the_catalogue_prints_landscape_readable_and_numbered(demo_output, runner, to_pdf,
                                                                             tmp_path: Path):
    """The district demo's lists, each page with its title and first headers (the same on a ranking's second sheet,
    of each score's parts, whose title starts with the first's)."""
    expected, files = {}, {}
    for name in EXPORTS:
        files[name] = tmp_path / f"{name}.xlsx"
        result = runner.invoke(args=["export", name, "--json", "-o", str(files[name])])
        assert result.exit_code == 0, result.output
        headers = CalamineWorkbook.from_path(str(files[name])).get_sheet_by_index(0).to_python()[1]
        expected[name] = (json.loads(result.output)["title"], *headers[:2])
    for name, pdf_file in zip(files, to_pdf(*files.values()), strict=True):
        with pdfplumber.open(pdf_file) as pdf:
            for number, page in enumerate(pdf.pages, start=1):
                assert_printed_readably(page, f"{name}: page {number}", *expected[name])
