"""Select options written out once and reused: a long list costs more to render than the rest of its form."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from itertools import count
from typing import Any

from flask_babel import get_locale
from markupsafe import Markup
from wtforms import SelectField
from wtforms.fields import Choice, SelectChoice
from wtforms.validators import ValidationError

OPTION = Markup('<option value="{}">{}</option>')  # the markup of _macros.html's plain_select, option for option
SELECTED = Markup('<option selected value="{}">{}</option>')
SERIALS = count(1)
NOT_A_CHOICE = "Not a valid choice."  # SelectField's own message, which WTForms' catalogue translates


class OptionList:
    """A select's (value, label) pairs and their <option> tags, made once per language and then reused.

    Labels may be lazy (translated per language) or data (team names, industries): both are escaped as Jinja would.
    """

    def __init__(self, pairs: Iterable[tuple[Any, Any]]) -> None:
        self.serial = next(SERIALS)  # tells this list from any other made in this process, for markup kept of it
        self.pairs = tuple((str(value), label) for value, label in pairs)
        self.index = {value: n for n, (value, _label) in enumerate(self.pairs)}
        self._tags: dict[str, tuple[tuple[Markup, ...], Markup]] = {}  # locale → (each tag, all joined)

    def __contains__(self, value: object) -> bool:
        return value in self.index

    def markup(self, selected: str | None) -> Markup:
        """All the <option> tags, the selected value's (if it is one of them) marked as such."""
        locale = str(get_locale())
        made = self._tags.get(locale)
        if made is None:
            tags = tuple(OPTION.format(value, label) for value, label in self.pairs)
            made = self._tags[locale] = (tags, Markup("".join(tags)))  # str.join: the tags are escaped already
        tags, joined = made
        n = self.index.get(selected) if selected is not None else None
        if n is None:
            return joined
        return Markup("".join((*tags[:n], SELECTED.format(*self.pairs[n]), *tags[n + 1:])))


NO_OPTIONS = OptionList(())


class ListedSelectField(SelectField):
    """A SelectField offering an OptionList: the choice is checked by one lookup and the options are written from
    markup made once, where WTForms would build, compare and render every choice on every request (three times)."""

    def __init__(self, label: Any = None, validators: Any = None, listed: OptionList = NO_OPTIONS,
                 **kwargs: Any) -> None:
        super().__init__(label, validators, **kwargs)
        self.listed = listed

    @property
    def choices(self) -> list[SelectChoice]:
        return [SelectChoice(value, label) for value, label in self.listed.pairs]  # set `listed` to change them

    def selected_value(self) -> str | None:
        return None if self.data is None else str(self.data)

    def iter_choices(self) -> Iterator[Choice]:
        selected = self.selected_value()
        return iter([Choice(value, label, value == selected, {}) for value, label in self.listed.pairs])

    def has_groups(self) -> bool:
        return False

    def option_tags(self) -> Markup:
        """The field's <option> tags, its value selected."""
        return self.listed.markup(self.selected_value())

    def pre_validate(self, form: Any) -> None:
        if self.process_errors or not self.validate_choice:
            return
        if self.selected_value() not in self.listed:
            raise ValidationError(self.invalid_choice_message or self.gettext(NOT_A_CHOICE))
