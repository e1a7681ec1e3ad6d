"""LibreOffice, to read a spreadsheet the way it prints: `soffice --headless --convert-to pdf`.

Debian's libreoffice-calc is installed by `make test` under CI (scripts/test_services.sh); on a laptop without it
the tests that print are skipped, in CI they fail.
"""

import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.plugins.app import unavailable

SOFFICE = Path("/usr/bin/soffice")
CONVERT_TIMEOUT = 60  # seconds: the first start of a fresh profile takes most of it


@pytest.fixture
def soffice() -> Path:
    """The soffice program (skipped locally, failed in CI, when LibreOffice is not installed)."""
    if not SOFFICE.exists():
        unavailable(f"LibreOffice is not installed ({SOFFICE} is missing)")
    return SOFFICE


@pytest.fixture
def to_pdf(soffice: Path, tmp_path: Path) -> Callable[[Path], Path]:
    """Convert a file to PDF as LibreOffice prints it; its own profile, so parallel runs do not share one."""
    def convert(source: Path) -> Path:
        out = tmp_path / "pdf"
        profile = (tmp_path / "soffice-profile").as_uri()
        result = subprocess.run([str(soffice), f"-env:UserInstallation={profile}", "--headless", "--convert-to",
                                 "pdf", "--outdir", str(out), str(source)],
                                capture_output=True, text=True, timeout=CONVERT_TIMEOUT, check=False)
        pdf = out / f"{source.stem}.pdf"
        assert result.returncode == 0 and pdf.exists(), f"soffice failed: {result.stdout}{result.stderr}"
        return pdf
    return convert
