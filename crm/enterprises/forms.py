"""Forms for enterprises, their contacts, the list's filters and merging."""

from typing import Any

from flask_wtf import FlaskForm
from wtforms import BooleanField, IntegerField, SelectField, StringField
from wtforms.validators import DataRequired, Length, NumberRange, Optional, Regexp, ValidationError

from ..core.stale_edits import version_field
from ..models import Enterprise, Ownership
from ..web.forms import options
from ..web.i18n import lazy_gettext as _l
from .contacts import PHONE, blank_to_none
from .services import InvalidCreditCode, clean_credit_code


def ownership_choices(blank: Any) -> list:
    """Ownership options with a blank first."""
    return options([("", blank)] + Ownership.choices())


class EnterpriseForm(FlaskForm):
    name = StringField(_l("企业名称"), validators=[DataRequired(), Length(max=200)])
    credit_code = StringField(_l("统一社会信用代码"), validators=[Optional(), Length(max=40)])
    industry = StringField(_l("行业"), validators=[Optional(), Length(max=64)])
    province = StringField(_l("省份"), validators=[Optional(), Length(max=32)])
    city = StringField(_l("城市"), validators=[Optional(), Length(max=32)])
    # Only an empty value skips the choice check: plain Optional() would let " " or "\r" through unchecked.
    ownership = SelectField(_l("企业性质"), choices=ownership_choices(_l("（未填）")),
                            validators=[Optional(strip_whitespace=False)])
    fortune500 = BooleanField(_l("世界500强"))
    listed = BooleanField(_l("上市企业"))
    confirm = BooleanField(_l("仍然保存"))
    version = version_field()

    def __init__(self, *args: Any, enterprise: Enterprise | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if enterprise is None:
            del self.version  # a new enterprise has no version to be stale against

    def validate_credit_code(self, field) -> None:
        try:
            clean_credit_code(field.data)
        except InvalidCreditCode as error:
            raise ValidationError(error.message) from None

    def payload(self) -> dict[str, Any]:
        """The values for services.save_enterprise."""
        return {"name": self.name.data.strip(), "credit_code": blank_to_none(self.credit_code.data),
                "industry": blank_to_none(self.industry.data), "province": blank_to_none(self.province.data),
                "city": blank_to_none(self.city.data),
                "ownership": Ownership(self.ownership.data) if self.ownership.data else None,
                "fortune500": self.fortune500.data, "listed": self.listed.data,
                **({"version": int(self.version.data)} if "version" in self else {})}


class ContactForm(FlaskForm):
    name = StringField(_l("姓名"), validators=[DataRequired(), Length(max=64)])
    title = StringField(_l("职务"), validators=[Optional(), Length(max=64)])
    phone = StringField(_l("电话"), validators=[
        Optional(), Regexp(PHONE, message=_l("电话只能包含数字、空格、+ 和 -，5 到 20 位"))])
    wechat = StringField(_l("微信"), validators=[Optional(), Length(max=64)])


class FilterForm(FlaskForm):
    """The list's search box and filters, read from the query string."""

    class Meta:
        csrf = False  # a GET search changes nothing

    q = StringField(_l("名称或信用代码"), validators=[Optional(), Length(max=200)])
    industry = SelectField(_l("行业"), validators=[Optional()], validate_choice=False)
    province = StringField(_l("省份"), validators=[Optional(), Length(max=32)])
    city = StringField(_l("城市"), validators=[Optional(), Length(max=32)])
    ownership = SelectField(_l("企业性质"), choices=ownership_choices(_l("（全部）")),
                            validators=[Optional(strip_whitespace=False)])

    def __init__(self, formdata: Any, industries: list[str]) -> None:
        super().__init__(formdata)
        self.industry.choices = options([("", _l("（全部）"))] + [(name, name) for name in industries])

    def criteria(self) -> dict[str, Any]:
        """The filters that are set, for services.search_enterprises and the pages' links."""
        values = {name: (self[name].data or "").strip() for name in ("q", "industry", "province", "city",
                                                                    "ownership")}
        return {name: value for name, value in values.items() if value}


def keep_id_field() -> IntegerField:
    return IntegerField(_l("保留的企业编号"), validators=[DataRequired(message=_l("请填写保留的企业编号")),
                                                         NumberRange(min=1, max=2**31 - 1)])


class MergeForm(FlaskForm):
    """The confirmation of a merge, sent from its preview."""

    keep_id = keep_id_field()


class MergePreviewForm(FlaskForm):
    """The enterprise to keep, chosen on the merge page; its preview changes nothing."""

    class Meta:
        csrf = False  # a GET that only shows what a merge would do

    keep_id = keep_id_field()


class UndoMergeForm(FlaskForm):
    """The merge into this enterprise to undo."""

    merge_id = IntegerField(validators=[DataRequired(), NumberRange(min=1, max=2**31 - 1)])
