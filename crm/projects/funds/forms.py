"""Input shape of a tranche (到资) on the project's page: the amount typed in 万元, 亿 or a foreign currency."""

from typing import Any

from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import SelectField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional

from ...domain.money import AmountError, Unit, parse_amount
from ...models import FundKind, FundSource
from ...web.forms import DayField, options
from ...web.i18n import lazy_gettext as _l
from ..lifecycle.forms import first_problem
from .services import TrancheInput


class TrancheForm(FlaskForm):
    received_on = DayField(_l("到资日期"), validators=[InputRequired(_l("请填写到资日期"))])
    amount = StringField(_l("到资金额（万元；外币写明币种，如 500万美元）"),
                         validators=[InputRequired(_l("请填写到资金额")), Length(max=30)],
                         render_kw={"inputmode": "decimal"})
    fx_rate = StringField(_l("外币到资：汇率（1外币折合人民币元）"), validators=[Optional(), Length(max=30)],
                          render_kw={"inputmode": "decimal"})
    source = SelectField(_l("资金来源"), choices=options(FundSource.choices()))
    kind = SelectField(_l("资金用途"), choices=options(FundKind.choices()))
    receipt = FileField(_l("到资凭证（银行回单，PDF、JPEG 或 PNG）"))
    note = TextAreaField(_l("备注"), validators=[Optional(), Length(max=2000)])

    def validate(self, extra_validators: Any = None) -> bool:
        """Check the fields, then read the amount: 万元 unless it says 亿 or 元, a foreign one at its rate."""
        if not super().validate(extra_validators):
            return False
        try:
            self.reading = parse_amount(self.amount.data, Unit.WAN, rate=(self.fx_rate.data or "").strip() or None)
        except AmountError as error:
            self.amount.errors.append(str(error))
            return False
        return True

    def entry(self) -> TrancheInput:
        foreign = self.reading.currency != "CNY"
        return TrancheInput(received_on=self.received_on.data, amount_yuan=self.reading.yuan,
                            source=FundSource(self.source.data), kind=FundKind(self.kind.data),
                            currency=self.reading.currency, original_amount=self.reading.original if foreign else None,
                            fx_rate=self.reading.rate if foreign else None, note=self.note.data)

    def problems(self) -> str:
        return first_problem(self)


class RemoveTrancheForm(FlaskForm):
    reason = TextAreaField(_l("删除原因"), validators=[Optional(), Length(max=2000)])

    def problems(self) -> str:
        return first_problem(self)
