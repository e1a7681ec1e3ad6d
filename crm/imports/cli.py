"""`flask import KIND FILE`: a spreadsheet brought in from the command line, previewed, then written all or none.

    flask --app crm import projects 签约项目.xlsx --dry-run
    flask --app crm import projects 签约项目.xlsx --confirm-new --update-duplicates --rate USD=7.1
    flask --app crm import leads leads.csv --map '甲方=enterprise' --map '金额=intended_investment:万元'

The exit status is 1, with the reasons, when the file is refused, a row is in error, or new teams or
enterprises are named without --confirm-new; nothing is written then.
"""

from __future__ import annotations

import json
import sys
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any, NoReturn

import click
from sqlalchemy import select

from ..access.command_scope import choose_district, narrow_to
from ..extensions import db
from ..models import Role, User
from .commit import ImportResult, commit_import
from .fields import FIELDS, KINDS, Type
from .headers import Layout, change_mapping
from .mapping import propose_layout, remember_mapping
from .opening import read_path
from .outcomes import Fate, ImportOptions
from .preview import Preview, preview_import
from .reading import ImportRefused

SHOWN_NEW = 20  # new enterprises listed by name in the text report; the rest are counted


class ProgressBar:
    """A progress callback drawing a bar on a terminal, and nothing elsewhere."""

    def __init__(self, label: str, enabled: bool) -> None:
        self.label, self.enabled, self.bar, self.shown = label, enabled, None, 0

    def __call__(self, done: int, total: int) -> None:
        if not self.enabled or total == 0:
            return
        if self.bar is None:
            self.bar = click.progressbar(length=total, label=self.label, file=sys.stderr)
            self.bar.__enter__()
        self.bar.update(done - self.shown)
        self.shown = done
        if done >= total:
            self.close()

    def close(self) -> None:
        if self.bar is not None:
            self.bar.__exit__(None, None, None)
            self.bar = None


def parse_rates(pairs: tuple[str, ...]) -> dict[str, Decimal]:
    rates = {}
    for pair in pairs:
        code, _sep, value = pair.partition("=")
        try:
            rate = Decimal(value.strip())
        except InvalidOperation:
            rate = Decimal(0)
        if not code.strip() or not rate.is_finite() or rate <= 0:
            raise click.BadParameter(f"{pair!r}: expected CUR=RATE, e.g. USD=7.1", param_hint="--rate")
        rates[code.strip().upper()] = rate
    return rates


def mapping_changes(mapping_file: Path | None, pairs: tuple[str, ...]) -> dict[str | int, str | None]:
    """Column changes from a JSON file ({"header": "field"} or a layout's "columns") and from --map pairs."""
    changes: dict[str | int, str | None] = {}
    if mapping_file is not None:
        try:
            data = json.loads(mapping_file.read_text(encoding="utf-8-sig"))
        except (OSError, ValueError) as error:
            raise click.BadParameter(str(error), param_hint="--mapping-file") from error
        if isinstance(data, dict) and isinstance(data.get("columns"), list):
            data = {c["header"]: (f"{c['field']}:{c['unit']}" if c.get("unit") and c.get("field") else c.get("field"))
                    for c in data["columns"] if isinstance(c, dict) and "header" in c}
        if not isinstance(data, dict):
            raise click.BadParameter("expected a JSON object of header: field", param_hint="--mapping-file")
        changes.update({str(key): (str(value) if value else None) for key, value in data.items()})
    for pair in pairs:
        header, sep, target = pair.rpartition("=")
        if not sep or not header.strip():
            raise click.BadParameter(f"{pair!r}: expected 'header=field'", param_hint="--map")
        changes[header.strip()] = target.strip() or None
    return changes


def acting_admin(username: str | None, district_name: str | None = None) -> User:
    """The admin the import is made by: the one named, or the district's only active admin."""
    query = select(User).where(User.role == Role.ADMIN, User.active.is_(True))
    if not username:
        query = query.where(User.district_id == choose_district(district_name).id)
    if username:
        user = db.session.scalar(query.where(User.username == username))
        if user is None:
            raise click.ClickException(f"no active admin named {username!r}")
        return user
    admins = db.session.scalars(query.limit(2)).all()
    if len(admins) != 1:
        raise click.ClickException("name the admin making the import with --user" if admins
                                   else "no active admin: create one with `flask users create NAME --role admin`")
    return admins[0]


def describe_layout(layout: Layout) -> list[str]:
    labels = {field.name: str(field.label) if field.type is not Type.IGNORE else f"（{field.label}，不导入）"
              for field in FIELDS[layout.kind]}
    lines = [f"表头在第{layout.header_row}行" + ("（沿用上次确认的列对应）" if layout.remembered else "")]
    for column in layout.columns:
        target = labels.get(column.field or "", "（不导入）")
        unit = f" [{column.unit.label if column.currency == 'CNY' else column.unit.value + ' ' + column.currency}]" \
            if column.unit else ""
        lines.append(f"  {column_letter(column.index)} {column.header} → {target}{unit}")
    return lines


def column_letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def describe_rows(preview: Preview) -> list[str]:
    """Every row that is not a plain new one, then the counts and what would be created."""
    lines = []
    action = "更新" if preview.options.duplicates == "update" else "跳过"
    for row in preview.rows:
        if row.fate is Fate.ERROR:
            lines.append(f"第{row.row}行  错误  {'；'.join(row.reasons)}")
        elif row.fate is Fate.DUPLICATE:
            lines.append(f"第{row.row}行  重复  {row.label}：已有 {row.duplicate_label}（{action}）")
        elif row.fate is Fate.SKIPPED:
            lines.append(f"第{row.row}行  跳过  {'；'.join(row.reasons)}")
        for warning in row.warnings:
            lines.append(f"第{row.row}行  提示  {warning}")
    counts = preview.counts()
    lines.append(f"共{counts['rows']}行：新增{counts['new']}，重复{counts['duplicate']}（{action}），"
                 f"错误{counts['error']}，跳过{counts['skipped']}")
    if preview.new_teams:
        lines.append("新专班：" + "、".join(preview.new_teams))
    if preview.new_enterprises:
        names = [new.name for new in preview.new_enterprises]
        more = f" 等{len(names)}家" if len(names) > SHOWN_NEW else ""
        lines.append("新企业：" + "、".join(names[:SHOWN_NEW]) + more)
    if preview.new_industries:
        lines.append("新产业类别（仅提示）：" + "、".join(preview.new_industries))
    return lines


def report(preview: Preview, result: ImportResult | None, as_json: bool) -> None:
    if as_json:
        click.echo(json.dumps(preview.as_dict() | {"written": result is not None,
                                                    "result": result.as_dict() if result else None},
                              ensure_ascii=False, indent=2))
        return
    sheet = f"（工作表 {preview.table.sheet}）" if preview.table.sheet else ""
    click.echo(f"文件：{preview.table.file_name}{sheet}")
    for line in describe_layout(preview.layout) + describe_rows(preview):
        click.echo(line)
    if result is not None:
        click.echo(f"已导入：新增{result.inserted}，更新{result.updated}，未改{result.unchanged}，"
                   f"新建专班{len(result.teams_created)}个，新建企业{result.enterprises_created}家")


def fail(message: str, as_json: bool, **extra: Any) -> NoReturn:
    if as_json:
        click.echo(json.dumps({"written": False, "error": message} | extra, ensure_ascii=False, indent=2))
    raise click.ClickException(message)


@click.command("import")
@click.argument("kind", type=click.Choice(KINDS))
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--dry-run", is_flag=True, help="Preview every row and write nothing.")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@click.option("--update-duplicates/--skip-duplicates", default=False,
              help="Rows matching a record on file: update it, or leave it (default).")
@click.option("--confirm-new", is_flag=True,
              help="Create the teams and enterprises the file names that are not on file.")
@click.option("--rate", "rates", multiple=True, metavar="CUR=RATE",
              help="Yuan per unit of a foreign currency, e.g. USD=7.1 (a 汇率 column wins).")
@click.option("--mapping-file", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="JSON {\"header\": \"field\"} (or a --json report's layout) overriding the column mapping.")
@click.option("--map", "maps", multiple=True, metavar="HEADER=FIELD",
              help="Map one column, e.g. '甲方=investor' or '金额=total_investment:万元'; 'HEADER=' ignores it.")
@click.option("--sheet", help="Worksheet to read (default: the first visible one).")
@click.option("--user", "username", help="Admin making the import (default: the district's only active admin).")
@click.option("--district", "district_name", help="District imported into, when no --user names its admin "
              "(default: the home district).")
def import_command(kind: str, file: Path, dry_run: bool, as_json: bool, update_duplicates: bool, confirm_new: bool,
                   rates: tuple[str, ...], mapping_file: Path | None, maps: tuple[str, ...], sheet: str | None,
                   username: str | None, district_name: str | None) -> None:
    """Import enterprises, leads, projects or visits from an .xlsx, .xls or .csv file into one district."""
    options = ImportOptions(duplicates="update" if update_duplicates else "skip", confirm_new=confirm_new,
                            rates=parse_rates(rates))
    changes = mapping_changes(mapping_file, maps)
    actor = acting_admin(username, district_name) if username or not dry_run else None
    # teams and enterprises are matched in the admin's district only, as on the import page
    district_id = actor.district_id if actor else choose_district(district_name).id
    narrow_to(district_id)
    terminal = sys.stderr.isatty() and not as_json
    try:
        table = read_path(file, sheet=sheet)
        layout = propose_layout(table, kind)
        if changes:
            layout = change_mapping(layout, changes)
        checking = ProgressBar("检查", terminal)
        preview = preview_import(table, layout, options, progress=checking)
        checking.close()
    except ImportRefused as refused:
        fail(refused.message, as_json)
    if preview.errors or dry_run or preview.needs_confirmation:
        report(preview, None, as_json)
        if preview.errors:
            raise click.ClickException(f"有{len(preview.errors)}行有错误，未导入任何数据")
        if preview.needs_confirmation and not dry_run:
            raise click.ClickException("表中有系统里没有的专班或企业（见上），确认新建请加 --confirm-new")
        return
    actor = actor or acting_admin(username, district_name)
    writing = ProgressBar("导入", terminal)
    try:
        result = commit_import(preview, actor=actor, progress=writing)
        remember_mapping(layout, actor)
        db.session.commit()
    except BaseException:
        db.session.rollback()
        raise
    finally:
        writing.close()
    report(preview, result, as_json)
