"""The demo district's 月报 as a picture of its first page, and how long the district's and the city's reports take.

    python scripts/report_page.py [--database sqlite:////path/to/magnet.db] [--year 2026 --month 11]

Without --database the demo is loaded into a temporary SQLite database (`flask demo`). Each report is written by
`flask report monthly` (the command the office runs); the district's is converted to PDF by LibreOffice
(soffice --headless) and its first page drawn as PNG (pdftoppm when installed, else pypdfium2) into
docs/screenshots/report-monthly.png. Prints the seconds each report took to make.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SCREENSHOT = ROOT / "docs" / "screenshots" / "report-monthly.png"


def flask(env: dict[str, str], *args: str) -> str:
    result = subprocess.run([sys.executable, "-m", "flask", "--app", "crm", *args], env=env, cwd=ROOT,
                            capture_output=True, text=True, check=False)
    if result.returncode != 0:
        sys.exit(f"flask {' '.join(args)} failed:\n{result.stdout}{result.stderr}")
    return result.stdout


def timed_report(env: dict[str, str], out: Path, year: int, month: int, district: str | None) -> float:
    """Write one report through the command; the seconds the command itself measured (making the file)."""
    options = ["--district", district] if district else []
    started = time.perf_counter()
    said = flask(env, "report", "monthly", "--year", str(year), "--month", str(month), *options, "-o", str(out))
    whole = time.perf_counter() - started
    print(said.strip(), f"(the command, start-up included: {whole:.2f} s)")
    return float(said.rsplit(" in ", 1)[1].split(" s")[0])


def first_page_png(docx: Path, work: Path) -> None:
    """LibreOffice prints the document to PDF; its first page becomes the screenshot."""
    soffice = shutil.which("soffice") or sys.exit("LibreOffice is not installed: apt install libreoffice-writer")
    subprocess.run([soffice, f"-env:UserInstallation={(work / 'profile').as_uri()}", "--headless", "--convert-to",
                    "pdf", "--outdir", str(work), str(docx)], check=True, capture_output=True, timeout=180)
    pdf = work / f"{docx.stem}.pdf"
    SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
    if shutil.which("pdftoppm"):
        subprocess.run(["pdftoppm", "-png", "-r", "110", "-f", "1", "-l", "1", "-singlefile", str(pdf),
                        str(SCREENSHOT.with_suffix(""))], check=True)
    else:
        import pypdfium2

        pypdfium2.PdfDocument(str(pdf))[0].render(scale=110 / 72).to_pil().save(SCREENSHOT)
    print(f"first page: {SCREENSHOT.relative_to(ROOT)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", help="The database URL (default: a temporary SQLite database with the demo).")
    parser.add_argument("--year", type=int, default=2026)
    parser.add_argument("--month", type=int, default=11)
    parser.add_argument("--district", default="张湾区", help="The demo district whose report is drawn.")
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        database = options.database or f"sqlite:///{work / 'demo.db'}"
        env = os.environ | {"DATABASE_URL": database, "FLASK_SECRET_KEY": os.environ.get("FLASK_SECRET_KEY", "x"),
                            "PYTHONPATH": str(ROOT)}
        if not options.database:
            flask(env, "db", "upgrade")
            flask(env, "demo")
        district = work / "district.docx"
        seconds = timed_report(env, district, options.year, options.month, options.district)
        city_seconds = timed_report(env, work / "city.docx", options.year, options.month, None)
        first_page_png(district, work)
    print(f"generation time: {options.district} {seconds:.2f} s, the city {city_seconds:.2f} s")


if __name__ == "__main__":
    main()
