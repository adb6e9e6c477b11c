"""What every card record shares: the frozen model, its checks, the form labels.

A record is valid on every path it can be built by. :func:`vssid_id.parse`
builds it from a payload (checking each field as it goes, then taking a fast
construction path, :func:`vssid_id.cards.trusted.trusted`); the constructor,
``model_validate`` and ``model_validate_json`` check each field by its type
(:mod:`vssid_id.fields`) and then the record as a whole: its payload
(``to_payload()``) must parse back to the very same record. So a record loaded
from JSON or built by hand is refused exactly where ``parse()`` would refuse its
card, with a pydantic ``ValidationError`` whose location is the field.

Dates that cannot lie in the future are checked against today, or against
``context={"today": date(...)}`` given to ``model_validate``. A date is a
``date`` or ``YYYY-MM-DD`` text, as a record's JSON writes it
(:data:`vssid_id.fields.CardDate`). Given ``warnings`` must be the
ones the fields give, but for the one that depends on the day
(``issue_date: is in the future``), which a stored record may have or not.

No error of any path carries the input (:func:`without_inputs`): pydantic
keeps it in ``errors()[i]["input"]``, and it is card data.

Built with ``model_construct()`` or changed with ``model_copy(update=...)``, a
record is not checked: that is pydantic's rule for those two methods.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    ValidationInfo,
    ValidatorFunctionWrapHandler,
    model_validator,
)
from pydantic_core import InitErrorDetails, PydanticCustomError
from typing_extensions import Self

from ...errors import VssidError
from ..dates import check_today, format_birth_date

__all__ = ["PersonalDataModel", "CardRecord", "FORM_LABELS", "without_inputs"]

#: The one warning that depends on the day it is made: a stored record may have
#: it or not, whatever today is (see :meth:`CardRecord._check_as_parse_would`).
_DAY_DEPENDENT_WARNINGS = frozenset({"issue_date: is in the future"})


def without_inputs(error: ValidationError) -> ValidationError:
    """``error`` without the input values pydantic keeps in each line (``errors()[i]["input"]``, and
    ``input_value=`` in ``str()`` unless hidden): they are card data. Type, location and message stay."""
    details: list[InitErrorDetails] = [
        {
            "type": PydanticCustomError(line["type"], line["msg"].replace("{", "{{").replace("}", "}}")),
            "loc": line["loc"],
            "input": None,
        }
        for line in error.errors(include_url=False, include_context=False, include_input=False)
    ]
    return ValidationError.from_exception_data(error.title, details, hide_input=True)


#: The VssID registration form's labels for the fields a card fills, in the
#: order the form shows them; :meth:`CardRecord.to_form` gives those of them
#: that the card holds.
FORM_LABELS: dict[str, str] = {
    "full_name": "họ tên",
    "bhxh_code": "mã số BHXH",
    "id_number": "số CCCD",
    "date_of_birth": "ngày sinh",
    "gender": "giới tính",
    "address": "địa chỉ",
}


class PersonalDataModel(BaseModel):
    """Base of the models that hold card data (the records, the registration): frozen, no extra field, and
    no card data in a validation error on any path (constructor, ``model_validate``,
    ``model_validate_json``; :func:`without_inputs`)."""

    model_config = ConfigDict(frozen=True, extra="forbid", hide_input_in_errors=True)

    @model_validator(mode="wrap")
    @classmethod
    def _errors_without_inputs(cls, data: Any, handler: ValidatorFunctionWrapHandler) -> Any:
        """Every path (constructor, ``model_validate``, ``model_validate_json``): no card data in an error."""
        try:
            return handler(data)
        except ValidationError as error:
            raise without_inputs(error) from None


class CardRecord(PersonalDataModel):
    """Base of :class:`~vssid_id.CccdRecord` and :class:`~vssid_id.BhytRecord`.

    ``warnings`` lists cross-field findings that a genuine card may still show
    (see docs/formats.md); they never contain personal data. Given no
    ``warnings``, the constructor fills in the ones the fields imply.
    """

    warnings: tuple[str, ...] = Field(default=(), title="Cảnh báo")

    def to_payload(self) -> str:  # pragma: no cover - every card overrides it
        """The exact QR payload text of this card."""
        raise NotImplementedError

    @classmethod
    def _parse_payload(cls, payload: str, today: date | None) -> CardRecord:  # pragma: no cover
        """Parse ``payload`` as this card's payload (each card overrides it)."""
        raise NotImplementedError

    def to_form(self) -> dict[str, str]:
        """The fields this card fills on the VssID registration form, under the
        form's labels (:data:`FORM_LABELS`), in the form's order."""
        form = {}
        for name, label in FORM_LABELS.items():
            if name not in type(self).model_fields:
                continue
            if name == "date_of_birth":
                value = format_birth_date(
                    self.date_of_birth, self.month_of_birth, self.year_of_birth, slashes=True  # type: ignore[attr-defined]
                )
            elif name == "gender":
                value = self.gender.label_vi  # type: ignore[attr-defined]
            else:
                value = getattr(self, name) or ""
            form[label] = value
        return form

    @classmethod
    def label(cls, field: str) -> str:
        """The Vietnamese label of ``field``, as the cards and forms word it."""
        info = cls.model_fields.get(field)
        return info.title if info is not None and info.title else field

    @model_validator(mode="after")
    def _check_as_parse_would(self, info: ValidationInfo) -> Self:
        """Refuse what :func:`vssid_id.parse` refuses: the record's payload must
        parse back to the same record."""
        today = check_today(info.context.get("today")) if isinstance(info.context, dict) else None
        try:
            parsed = self._parse_payload(self.to_payload(), today)
        except VssidError as error:
            failure: tuple[str | None, str] | None = (error.field, error.reason)
        else:
            failure = None
        if failure is not None:  # raised outside the except block: the parser's error stays behind
            raise _error(self, *failure)
        # Warnings are findings, some of them about today ("issue_date: is in
        # the future"): a stored record keeps those it was given, so that it
        # still loads once the day has passed; given none, it gets today's.
        if "warnings" not in self.model_fields_set:
            object.__setattr__(self, "warnings", parsed.warnings)
        elif [w for w in self.warnings if w not in _DAY_DEPENDENT_WARNINGS] != \
                [w for w in parsed.warnings if w not in _DAY_DEPENDENT_WARNINGS] or \
                len(set(self.warnings) & _DAY_DEPENDENT_WARNINGS) > 1 or len(set(self.warnings)) != len(self.warnings):
            raise _error(self, "warnings", "are not the warnings the card's fields give")
        for name in type(self).model_fields:
            if name != "warnings" and getattr(parsed, name) != getattr(self, name):
                raise _error(self, name, "does not agree with the card's other fields")
        return self


def _error(record: CardRecord, field: str | None, reason: str) -> ValidationError:
    """A pydantic error located at ``field`` (when it is one of the record's)."""
    located = field is not None and field in type(record).model_fields
    detail: InitErrorDetails = {
        "type": PydanticCustomError("card_record", reason if located or field is None else f"{field}: {reason}"),
        "loc": (field,) if located else (),  # type: ignore[typeddict-item]
        "input": None,  # never the card's data, not even in error.errors()
    }
    return ValidationError.from_exception_data(type(record).__name__, [detail], hide_input=True)


