"""LibreOffice, to read a spreadsheet the way it prints: `soffice --headless --convert-to pdf`.

Debian's libreoffice-calc is installed by `make test` under CI (scripts/test_services.sh); on a laptop without it
the tests that print are skipped, in CI they fail.
"""

import subprocess
import unicodedata
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.plugins.app import unavailable

SOFFICE = Path("/usr/bin/soffice")
CONVERT_TIMEOUT = 60  # seconds a file: the first start of a fresh profile takes most of it


@pytest.fixture
def soffice() -> Path:
    """The soffice program (skipped locally, failed in CI, when LibreOffice is not installed)."""
    if not SOFFICE.exists():
        unavailable(f"LibreOffice is not installed ({SOFFICE} is missing)")
    return SOFFICE


@pytest.fixture
def to_pdf(soffice: Path, tmp_path: Path) -> Callable[..., list[Path]]:
    """Convert files to PDF as LibreOffice prints them, in one run with a profile of its own (parallel runs do not
    share one); return the PDFs in the files' order."""
    def convert(*sources: Path) -> list[Path]:
        out = tmp_path / "pdf"
        profile = (tmp_path / "soffice-profile").as_uri()
        result = subprocess.run([str(soffice), f"-env:UserInstallation={profile}", "--headless", "--convert-to",
                                 "pdf", "--outdir", str(out), *map(str, sources)],
                                capture_output=True, text=True, timeout=CONVERT_TIMEOUT * len(sources), check=False)
        pdfs = [out / f"{source.stem}.pdf" for source in sources]
        assert result.returncode == 0 and all(pdf.exists() for pdf in pdfs), \
            f"soffice failed: {result.stdout}{result.stderr}"
        return pdfs
    return convert


# A CJK font draws a Kangxi radical (⾄ U+2F84) and its ideograph (至 U+81F3) with one glyph, and the PDF's text map
# may name either: read back, a radical is the ideograph a person sees.
RADICALS = {code: unicodedata.normalize("NFKC", chr(code)) for code in (*range(0x2E80, 0x2EFF), *range(0x2F00, 0x2FE0))
            if unicodedata.normalize("NFKC", chr(code)) != chr(code)}
# The supplement's simplified forms have no such decomposition: those a Chinese page draws, by hand.
RADICALS |= str.maketrans("⻓⻩⻄⻔⻢⻆⻅⻋⻛⻜⻝⻘⻚⻬⻮⻰⻳⻨⻥⻦⻙⻉⻊⻇⻁",
                          "长黄西门马角见车风飞食青页齐齿龙龟麦鱼鸟韦贝足角虎")


def pdf_text(page: Any) -> str:
    """A PDF page's text (a pdfplumber page) as a person reads it: radicals read as the ideographs they draw."""
    return (page.extract_text() or "").translate(RADICALS)
