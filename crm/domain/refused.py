"""The one user-facing refusal: a rule said no, in the user's language, about one field or the whole request."""


class Refused(ValueError):
    """Input a person must correct: the message to show, and the form field it concerns (None: the whole input).

    Services, imports and the API raise it for every rule they check; a page shows it beside its field with a 422
    (`crm.web.refusals.refused`), the API answers 422 with it, an import marks the cell's row with it.
    """

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field

    def __str__(self) -> str:
        return str(self.message)
