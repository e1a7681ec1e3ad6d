"""The import pages' forms: the upload, the columns of a file, and the choices before the import."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import Any

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, Field, RadioField, SelectField, StringField
from wtforms.validators import Length, Optional, ValidationError

from ..domain.money import Unit
from ..web.forms import options
from ..web.i18n import lazy_gettext as _l
from ..web.i18n import with_note
from .fields import FIELDS, KINDS, Type

KIND_LABELS = {"enterprises": _l("企业"), "leads": _l("在谈项目/线索"), "projects": _l("签约项目"),
               "visits": _l("拜访记录")}
RATE_PAIR = re.compile(r"^([A-Za-z]{3})\s*[=＝:：]\s*([0-9]+(?:\.[0-9]+)?)$")
RATE_SEPARATORS = re.compile(r"[,，;；\s]+")


def parse_rates(text: str | None) -> dict[str, Decimal]:
    """Rates typed as USD=7.1, EUR=7.8: yuan per unit of each currency."""
    rates: dict[str, Decimal] = {}
    for pair in RATE_SEPARATORS.split((text or "").strip()):
        if not pair:
            continue
        match = RATE_PAIR.match(pair)
        try:
            rate = Decimal(match[2]) if match else Decimal(0)
        except InvalidOperation:
            rate = Decimal(0)
        if match is None or rate <= 0:
            raise ValueError(pair)
        rates[match[1].upper()] = rate
    return rates


class UploadForm(FlaskForm):
    kind = SelectField(_l("导入内容"), choices=options((kind, KIND_LABELS[kind]) for kind in KINDS), default="projects")
    file = FileField(_l("表格文件（xlsx、xls或csv，不超过20MB）"), validators=[FileRequired(_l("请选择文件"))])
    sheet = StringField(_l("工作表名称（不填则读第一个工作表）"), validators=[Optional(), Length(max=100)])
    rates = StringField(_l("外币汇率（如 USD=7.1，多个用逗号分隔）"), validators=[Optional(), Length(max=200)])

    def validate_rates(self, field: Field) -> None:
        try:
            parse_rates(field.data)
        except ValueError as error:
            raise ValidationError(_l("汇率格式应为 USD=7.1，无法识别：%(pair)s", pair=str(error))) from None


def field_choices(kind: str) -> list[tuple[str, str]]:
    """A kind's fields for a column's select: required ones starred, 序号 marked as not read."""
    choices = [("", str(_l("不导入")))]
    for spec in FIELDS[kind]:
        label = str(spec.label)
        if spec.type is Type.IGNORE:
            label = str(_l("%(label)s（不导入）", label=label))
        choices.append((spec.name, label + (" *" if spec.required else "")))
    return choices


def unit_choices(column: dict[str, Any]) -> list[tuple[str, str]]:
    """The units an amount column may be read in; the first keeps the one found in its header."""
    found = Unit(column["unit"]).label if column.get("unit") else str(_l("未注明"))
    if column.get("unit") and column.get("currency", "CNY") != "CNY":
        found = with_note(Unit(column["unit"]).label, column["currency"])
    return [("", str(_l("按表头：%(unit)s", unit=found)))] + [(unit.value, unit.label) for unit in Unit]


def money_fields(kind: str) -> set[str]:
    return {spec.name for spec in FIELDS[kind] if spec.type is Type.MONEY}


def mapping_form(kind: str, columns: list[dict[str, Any]]) -> FlaskForm:
    """A select of fields for every column, and of units for the columns read as amounts."""

    class MappingForm(FlaskForm):
        pass

    choices, amounts = field_choices(kind), money_fields(kind)
    for column in columns:
        index = column["index"]
        setattr(MappingForm, f"field_{index}", SelectField(column["header"], choices=options(choices),
                                                           default=column.get("field") or ""))
        if column.get("field") in amounts:
            setattr(MappingForm, f"unit_{index}", SelectField(_l("金额单位"), choices=options(unit_choices(column)),
                                                              default=""))
    return MappingForm()


def chosen_mapping(form: FlaskForm, columns: list[dict[str, Any]]) -> dict[int, tuple[str | None, str | None]]:
    """Each column's chosen field and unit (None for 不导入 and for the header's own unit)."""
    chosen = {}
    for column in columns:
        index = column["index"]
        unit_field = getattr(form, f"unit_{index}", None)
        chosen[index] = (form[f"field_{index}"].data or None, unit_field.data if unit_field is not None else None)
    return chosen


def import_form(new_teams: list[str], teams: list[tuple[int, str]]) -> FlaskForm:
    """Duplicates to update or skip, the confirmation of new names, and a team on file for each new team name."""

    class ImportForm(FlaskForm):
        duplicates = RadioField(_l("与系统中已有记录重复的行"), default="skip",
                                choices=options([("skip", _l("跳过，保留系统中的记录")),
                                                 ("update", _l("用表中的内容更新"))]))
        confirm_new = BooleanField(_l("确认新建上面列出的专班和企业"))

    team_choices = [("", str(_l("新建该专班")))] + [(str(team_id), name) for team_id, name in teams]
    for number, name in enumerate(new_teams):
        setattr(ImportForm, f"team_{number}", SelectField(name, choices=options(team_choices), default=""))
    return ImportForm()


def team_choices(form: FlaskForm, new_teams: list[str]) -> dict[str, int]:
    """The new team names the user pointed at a team on file."""
    return {name: int(form[f"team_{number}"].data) for number, name in enumerate(new_teams)
            if form[f"team_{number}"].data}
