"""Reading and cleaning a signing list: the import's python-calamine code against pandas.read_excel(engine="calamine").

    .venv/bin/python scripts/bench_import_reading.py              # 50,000 rows (the import's limit), 3 runs a side
    .venv/bin/python scripts/bench_import_reading.py --rows 2000  # a smoke run

The sheet is bench_imports.py's signing list (merged title row, sixteen columns, amounts in 亿元, date cells). Each
side runs in a fresh child process, alternately, so its peak memory (ru_maxrss) is its own; the figures are medians:
- calamine: crm.imports.reading.parse (what the import's child process runs), then each row's cells cleaned by
  crm/imports/values.py (text, amounts in 亿元 to exact yuan, dates), as the import reads them;
- pandas, same rules: read_excel(engine="calamine", header=None, dtype=object), blanks as '', then the same cleaning
  of each cell (switching the reader but keeping the import's rules and messages);
- pandas, vectorised: read_excel with the header row, then whole columns at once (str.strip, amounts × 1e8 rounded
  in floats, to_datetime): pandas at its fastest, though float amounts and no per-cell messages break the rules.
Peak memory is the child's whole resident peak (what the import child's memory limit bounds); "over base" subtracts
what it held after importing its libraries (pandas and numpy for the pandas sides), leaving what reading took.
"""

from __future__ import annotations

import argparse
import io
import json
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench_imports import write_signing_list

SIDES = ("calamine", "pandas", "pandas-vectorised")
NAME, INVESTOR, TOTAL, FIXED, INDUSTRY, SIGNED = 1, 2, 5, 6, 7, 10  # the signing list's columns used


def resident_mb() -> float:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * resource.getpagesize() / 2**20


def clean_rows(rows: Any) -> int:
    """The import's cleaning of each data row's cells (crm/imports/values.py); the number of rows cleaned."""
    from crm.domain.money import Unit
    from crm.imports.values import parse_date, parse_money, summary_label, text_value

    cleaned = 0
    for row in rows:
        if summary_label(row) is not None:  # the 合计 row
            continue
        text_value(row[NAME]), text_value(row[INVESTOR]), text_value(row[INDUSTRY])
        parse_money(row[TOTAL], unit=Unit.YI), parse_money(row[FIXED], unit=Unit.YI)
        parse_date(row[SIGNED])
        cleaned += 1
    return cleaned


def calamine_side(data: bytes) -> int:
    from crm.imports.limits import ImportLimits
    from crm.imports.reading import parse

    table = parse(data, "bench.xlsx", "xlsx", None, ImportLimits())
    return clean_rows(table.rows[2:])


def pandas_side(data: bytes) -> int:
    import pandas

    frame = pandas.read_excel(io.BytesIO(data), engine="calamine", header=None, dtype=object).fillna("")
    return clean_rows(list(row) for row in frame.iloc[2:].itertuples(index=False, name=None))


def pandas_vectorised_side(data: bytes) -> int:
    import pandas

    frame = pandas.read_excel(io.BytesIO(data), engine="calamine", header=1)
    frame = frame[pandas.to_numeric(frame.iloc[:, 0], errors="coerce").notna()]  # drop the 合计 row
    columns = frame.columns
    for column in (NAME, INVESTOR, INDUSTRY):
        frame[columns[column]] = frame[columns[column]].astype("string").str.strip()
    for column in (TOTAL, FIXED):
        frame[columns[column]] = (frame[columns[column]] * 100_000_000).round().astype("Int64")
    frame[columns[SIGNED]] = pandas.to_datetime(frame[columns[SIGNED]]).dt.date
    return len(frame)


def child(side: str, path: str) -> None:
    if side.startswith("pandas"):
        import pandas  # noqa: F401  in "base": the import's child would load it to read
    import crm.imports.reading
    import crm.imports.values  # noqa: F401
    data = Path(path).read_bytes()
    base = resident_mb()
    started = time.perf_counter()
    rows = {"calamine": calamine_side, "pandas": pandas_side, "pandas-vectorised": pandas_vectorised_side}[side](data)
    seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"rows": rows, "seconds": seconds, "peak_mb": peak, "base_mb": base}))


def measure(side: str, path: Path) -> dict[str, Any]:
    out = subprocess.run([sys.executable, __file__, "--child", side, str(path)], capture_output=True, text=True,
                         check=True)
    return json.loads(out.stdout)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=49_990, help="projects (default: the import's 50,000-row limit)")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(*args.child)
        return 0
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "signing.xlsx"
        write_signing_list(path, args.rows)
        print(f"{args.rows:,}-row signing list: {path.stat().st_size / 2**20:.1f} MB")
        runs: dict[str, list[dict[str, Any]]] = {side: [] for side in SIDES}
        for _ in range(args.runs):
            for side in SIDES:
                runs[side].append(measure(side, path))
    medians = {side: {key: statistics.median(run[key] for run in taken) for key in taken[0]}
               for side, taken in runs.items()}
    first = medians["calamine"]
    print(f"{'side':20}{'rows':>8}{'seconds':>9}{'peak MB':>9}{'over base':>10}{'time ×':>8}{'memory ×':>9}")
    for side, found in medians.items():
        over = found["peak_mb"] - found["base_mb"]
        print(f"{side:20}{found['rows']:>8.0f}{found['seconds']:>9.2f}{found['peak_mb']:>9.0f}{over:>10.0f}"
              f"{found['seconds'] / first['seconds']:>8.2f}{over / (first['peak_mb'] - first['base_mb']):>9.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
