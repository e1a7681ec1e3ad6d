"""What a job keeps of its preview: the counts and new names, and the first rows of each fate, not the whole sheet.

A 50,000-row sheet would make a job's row hold every row's fate and reading as JSON (tens of megabytes). The pages
need the counts, every new team and the first new enterprises (to confirm them), and enough rows to see what is
wrong: the first `KEPT_PER_FATE` rows of each fate are kept, errors first, then duplicates, then the rest in sheet
order; how many of each were left out is counted, and the page says so.
"""

from __future__ import annotations

from typing import Any

from .outcomes import Fate
from .preview import Preview

KEPT_PER_FATE = 500  # rows of each fate kept with the job and listed on its page
SHOWN_ENTERPRISES = 200  # new enterprises listed by name on the preview page; the rest are counted
AMOUNT_FIELDS = {"projects": "total_investment", "leads": "intended_investment"}  # shown beside each row
FATE_ORDER = {Fate.ERROR: 0, Fate.DUPLICATE: 1, Fate.NEW: 2, Fate.SKIPPED: 2}


def preview_summary(preview: Preview, kept_per_fate: int = KEPT_PER_FATE) -> tuple[dict[str, Any], list[list[Any]]]:
    """What the pages show of a preview: counts and new names, and the first rows of each fate (errors first)."""
    amount_field = AMOUNT_FIELDS.get(preview.kind)
    kept: dict[Fate, int] = {fate: 0 for fate in Fate}
    chosen = []
    for row in preview.rows:
        if kept[row.fate] < kept_per_fate:
            kept[row.fate] += 1
            chosen.append(row)
    rows = []
    for row in sorted(chosen, key=lambda row: (FATE_ORDER[row.fate], row.row)):
        amount = row.values.get(amount_field) if amount_field else None
        rows.append([row.row, row.fate.value, row.label, getattr(amount, "yuan", None), row.reasons, row.warnings,
                     row.duplicate_of, row.duplicate_label, preview.readings.of(row)])
    counts = preview.counts()
    new_enterprises = preview.new_enterprises
    summary = {"counts": counts, "ok": preview.ok, "file": preview.table.file_name,
               "sheet": preview.table.sheet, "header_row": preview.layout.header_row,
               "new_teams": preview.new_teams, "new_industries": preview.new_industries,
               "new_enterprises": [{"name": new.name, "credit_code": new.credit_code, "rows": new.rows[:5]}
                                   for new in new_enterprises[:SHOWN_ENTERPRISES]],
               "new_enterprise_count": len(new_enterprises), "duplicates": preview.options.duplicates,
               "with_amount": amount_field is not None, "kept_per_fate": kept_per_fate,
               "left_out": {fate.value: counts[fate.value] - kept[fate] for fate in Fate
                            if counts[fate.value] > kept[fate]}}
    return summary, rows
