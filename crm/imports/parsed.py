"""What each row was read as, shown beside its fate: amounts and their units, dates, the team and enterprise matched.

A row's fate alone does not tell an office that 8000万元 became 0.80亿元. `RowReading.of(row)` says it, as JSON:

    {"total_investment": {"yuan": 80000000, "yi": "0.80", "unit": "万元", "unit_from": "cell", "text": "8000万元"},
     "signed_on": "2024-03-05", "cell_text": {"signed_on": "2024.3.5"},
     "team": {"name": "驻杭州招商专班", "id": 3, "new": false, "text": "杭州专班"},
     "enterprise": {"name": "浙江恒轮汽配有限公司", "credit_code": null, "id": null, "new": true}}

An amount's unit comes from its cell (8000万元) or else from its column (总投资（亿元）, or the unit chosen on the
mapping page): `unit_from` says which. A foreign amount also gives its currency, its original amount in whole units
of that currency and the rate used (from the row's 汇率 column, or given with the import); the row's first one is
repeated as `currency` at the top. `cell_text` keeps a date's cell as written when it differs from the date read.
`describe(kind, read)` gives the lines a page shows.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..domain.money import Amount, Unit, format_amount, format_yi
from ..web.i18n import gettext as _
from ..web.i18n import join_clauses, labelled, with_note
from .fields import FIELDS, Type
from .headers import Column, Layout
from .lookups import Lookups
from .outcomes import Fate, RowOutcome
from .reading import Table
from .values import CURRENCY_NAMES, SCALE_CHARS, amount_unit, is_empty, text_value


def unit_label(unit: Unit | None, currency: str) -> str:
    """元, 万元, 亿元; 万美元 and the like for a foreign amount."""
    if unit is None:
        return ""
    return unit.label if currency == "CNY" else SCALE_CHARS[unit] + CURRENCY_NAMES.get(currency, currency)


class RowReading:
    """Reads back, for the rows of one preview, what their cells were read as."""

    def __init__(self, table: Table, layout: Layout, lookups: Lookups) -> None:
        fields = FIELDS[layout.kind]
        self.table, self.lookups, self.kind = table, lookups, layout.kind
        self.amounts = [(spec.name, column) for spec in fields if spec.type is Type.MONEY
                        and (column := layout.column_for(spec.name)) is not None]
        self.dates = [(spec.name, layout.column_for(spec.name)) for spec in fields if spec.type is Type.DATE]
        self.rate_column = layout.column_for("rate")
        self.enterprise_field = next((spec.name for spec in fields if spec.type is Type.ENTERPRISE), None)

    def of(self, row: RowOutcome) -> dict[str, Any]:
        """What a row was read as; nothing for a skipped row. A row in error shows what could be read."""
        if row.fate is Fate.SKIPPED:
            return {}
        values, read = row.values, {}
        for name, column in self.amounts:
            if isinstance(amount := values.get(name), Amount):
                read[name] = entry = self.amount(row.row, column, amount)
                if "currency" in entry and "currency" not in read:
                    read["currency"] = {"field": name} | entry["currency"]
        for name, date_column in self.dates:
            if (day := values.get(name)) is None:
                continue
            read[name] = day.isoformat()
            written = text_value(self.table.cell(row.row, date_column.index)) if date_column is not None else None
            if written is not None and written != read[name]:  # 2024.3.5, 2024年3月5日, 45356: say what it became
                read.setdefault("cell_text", {})[name] = written
        if (team := values.get("team_ref")) is not None:
            read["team"] = self.team(values["team"], team)
        if (enterprise := self.enterprise(values)) is not None:
            read["enterprise"] = enterprise
        return read

    def amount(self, number: int, column: Column, amount: Amount) -> dict[str, Any]:
        cell = self.table.cell(number, column.index)
        unit, in_cell = amount_unit(cell, column.unit)
        entry: dict[str, Any] = {"yuan": amount.yuan, "yi": format_yi(amount.yuan),
                                 "unit": unit_label(unit, amount.currency),
                                 "unit_from": "cell" if in_cell else "column", "text": text_value(cell)}
        if amount.currency != "CNY":
            from_row = self.rate_column is not None and not is_empty(self.table.cell(number, self.rate_column.index))
            entry["currency"] = {"code": amount.currency, "original": amount.original, "rate": str(amount.rate),
                                 "rate_from": "column" if from_row else "given"}
        return entry

    def team(self, written: str, ref: int | str) -> dict[str, Any]:
        """The team a name was matched to: one on file (by id), or one the import would create."""
        if isinstance(ref, int):
            entry: dict[str, Any] = {"name": self.lookups.team_names.get(ref, written), "id": ref, "new": False}
        else:  # a new team's reference is "team:" and its key
            entry = {"name": self.lookups.new_teams.get(ref.partition(":")[2], written), "id": None, "new": True}
        return entry | ({"text": written} if entry["name"] != written else {})

    def enterprise(self, values: dict[str, Any]) -> dict[str, Any] | None:
        """The enterprise a row was matched to, once its names were looked up (not for a row in error before)."""
        code = values.get("credit_code")
        if self.kind == "enterprises":  # the row is the enterprise: on file already, or to be added
            if "known" not in values:
                return None
            written, known = values["name"], values["known"]
            ref: int | str | None = known.id if known is not None else None
        else:
            ref = values.get("enterprise_ref") if self.enterprise_field else None
            if ref is None:
                return None
            written = values[self.enterprise_field]
            known = self.lookups.known_enterprise(written, code) if isinstance(ref, int) else None
        if isinstance(ref, int):
            on_file = known if known is not None and known.id == ref else None
            entry = {"name": on_file.name if on_file else written,
                     "credit_code": (on_file.credit_code if on_file else None) or code, "id": ref, "new": False}
        else:
            new = self.lookups.new_enterprises.get(ref) if ref is not None else None
            entry = {"name": new.name if new else written, "credit_code": new.credit_code if new else code,
                     "id": None, "new": True}
        return entry | ({"text": written} if entry["name"] != written else {})


def amount_text(entry: Mapping[str, Any]) -> str:
    """8000万元 → 0.80亿元（80,000,000元）, with the column's unit named when the cell gave none."""
    text = entry["text"] if entry["unit_from"] == "cell" else _(
        "%(text)s（单位按列：%(unit)s）", text=entry["text"], unit=entry["unit"])
    yuan = f"{entry['yuan']:,}"  # 80,000,000: digits grouped as both languages write them
    line = _("%(text)s → %(yi)s亿元（%(yuan)s元）", text=text, yi=format_amount(entry["yuan"], Unit.YI), yuan=yuan)
    if (fx := entry.get("currency")) is None:
        return line
    source = _("汇率列") if fx["rate_from"] == "column" else _("导入时给出")
    original = f"{fx['original']:,}"
    return join_clauses([line, _("%(code)s %(original)s，汇率%(rate)s（%(source)s）", code=fx["code"],
                                 original=original, rate=fx["rate"], source=source)])


def matched_text(entry: Mapping[str, Any]) -> str:
    """上海专班（已有）, 杭州专班 → 驻杭州招商专班（已有）, XX公司（新建，统一社会信用代码…）."""
    name = _("%(text)s → %(value)s", text=entry["text"], value=entry["name"]) if "text" in entry else entry["name"]
    state = _("新建") if entry["new"] else _("已有")
    if entry.get("credit_code"):
        return _("%(name)s（%(state)s，统一社会信用代码%(code)s）", name=name, state=state, code=entry["credit_code"])
    return with_note(name, state)


def describe(kind: str, read: Mapping[str, Any]) -> list[str]:
    """The lines a page shows of what a row was read as, in the order of the kind's fields."""
    lines = []
    written = read.get("cell_text", {})
    for spec in FIELDS[kind]:
        if spec.type is Type.MONEY and (amount := read.get(spec.name)):
            lines.append(labelled(spec.label, amount_text(amount)))
        elif spec.type is Type.DATE and (day := read.get(spec.name)):
            text = written.get(spec.name)
            lines.append(labelled(spec.label, _("%(text)s → %(value)s", text=text, value=day) if text else day))
        elif spec.type is Type.TEAM and (team := read.get("team")):
            lines.append(labelled(spec.label, matched_text(team)))
        elif (spec.type is Type.ENTERPRISE or (kind == "enterprises" and spec.name == "name")) and (
                enterprise := read.get("enterprise")):
            lines.append(labelled(spec.label, matched_text(enterprise)))
    return lines
