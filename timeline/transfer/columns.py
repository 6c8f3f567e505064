"""Column types: how one file column reads a cell, compares it and writes it out.

Every cell is read by a ``Column`` that knows its model field and says in plain,
translatable words what is wrong with a bad value (``CellError``). The columns of values
held in the record's own row are here; relations (a slug naming another record, a list
of slugs, a milestone's sources) are in ``relations.py``.
"""

import datetime
import re
from collections.abc import Callable, Iterable
from decimal import Decimal, InvalidOperation
from typing import Any, Protocol

from django.core.exceptions import ValidationError
from django.core.validators import (
    MaxValueValidator,
    MinValueValidator,
    URLValidator,
    validate_unicode_slug,
)
from django.db import models
from django.db.models.fields import PositiveIntegerRelDbTypeMixin
from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from timeline.transfer.cells import CellError, same_text
from timeline.transfer.tables import cell_text, is_blank

TRUE_WORDS = frozenset({"true", "1", "yes", "y", "t", "예", "네", "참"})
FALSE_WORDS = frozenset({"false", "0", "no", "n", "f", "아니오", "아니요", "거짓"})
DATE = re.compile(r"^(\d{4})\s*[-./]\s*(\d{1,2})\s*[-./]\s*(\d{1,2})\.?$")
WHOLE_NUMBER = re.compile(r"^[+]?\d+(\.0*)?$")
url_validator = URLValidator()


class RelatedKeys(Protocol):
    """What ``Lookups`` needs of a column naming other records (relations' RelatedColumn
    and ManyColumn): the related model, the field the file writes and the one stored."""

    related: type[models.Model]
    key: str
    target: str


class Lookups:
    """Slug → id maps for the related models, each loaded once, on first use."""

    def __init__(self, model: type[models.Model], file_keys: Iterable[str] = ()) -> None:
        self.model = model
        self.file_keys = frozenset(file_keys)
        self._maps: dict[tuple, dict[str, Any]] = {}
        self._reverse: dict[tuple, dict[Any, str]] = {}

    def mapping(self, column: "RelatedKeys") -> dict[str, Any]:
        signature = (column.related, column.key, column.target)
        if signature not in self._maps:
            manager = column.related._base_manager
            rows: Iterable[tuple[Any, Any]]
            if column.key == column.target:  # years: the key is the value the FK holds
                rows = ((key, key) for key in manager.values_list(column.key, flat=True))
            else:
                rows = manager.values_list(column.key, column.target)
            self._maps[signature] = {str(key): target for key, target in rows}
        return self._maps[signature]

    def reverse(self, column: "RelatedKeys") -> dict[Any, str]:
        signature = (column.related, column.key, column.target)
        if signature not in self._reverse:
            self._reverse[signature] = {target: key for key, target in self.mapping(column).items()}
        return self._reverse[signature]


class Column:
    """One file column: reads a cell, compares it with the database, writes it out."""

    # An empty cell keeps the current value (new records: the default) instead of clearing.
    keep_when_empty = False
    # Values live outside the model's own row (many-to-many, sources).
    external = False
    # Its value depends on the cell alone and is about as large: between the checks and
    # the write it is left in the file and read again (left_in_file.py).
    read_again = False
    field: Any
    attname: str | None
    export_path: str | None

    def __init__(self, name: str, model_field: Any) -> None:
        self.name = name
        self.field = model_field
        self.attname = model_field.attname
        self.export_path = self.attname
        self.translated_field = getattr(model_field, "translated_field", None)

    @property
    def required(self) -> bool:
        """A new record needs a value: the field may not be blank and has no default."""
        field_ = self.field
        return not (field_.blank or field_.null or field_.has_default())

    def parse(self, raw: Any, lookups: "Lookups | None") -> Any:
        raise NotImplementedError

    def same(self, old: Any, new: Any, legacy: str = "") -> bool:
        return old == new

    def display(self, value: Any, lookups: "Lookups | None") -> str:
        return cell_text(value)

    def export_value(self, value: Any) -> Any:
        return value


class TextColumn(Column):
    read_again = True

    def __init__(self, name: str, model_field: Any) -> None:
        super().__init__(name, model_field)
        self.max_length = model_field.max_length
        self.validator: Callable[[str], None] | None = None
        self.invalid_message: str | Promise = ""
        # Lazy: columns are built once per process, messages are read per request.
        if isinstance(model_field, models.SlugField):
            self.validator = validate_unicode_slug
            self.invalid_message = gettext_lazy(
                "A slug may contain only letters, numbers, hyphens and underscores (no spaces)."
            )
        elif isinstance(model_field, models.URLField):
            self.validator = url_validator
            self.invalid_message = gettext_lazy(
                "This is not a web address: write it in full, starting with https://"
            )

    def parse(self, raw: Any, lookups: "Lookups | None") -> str:
        text = cell_text(raw).strip()
        if self.max_length and len(text) > self.max_length:
            raise CellError(
                _("This is too long: at most %(max)d characters, and this has %(length)d.")
                % {"max": self.max_length, "length": len(text)}
            )
        if text and self.validator:
            try:
                self.validator(text)
            except ValidationError:
                raise CellError(str(self.invalid_message)) from None
        return text

    def same(self, old: Any, new: Any, legacy: str = "") -> bool:
        return same_text(old, new, legacy)

    def export_value(self, value: Any) -> Any:
        return value or ""


class ChoiceColumn(TextColumn):
    """A choice written as its code (``framework_plan``) or its label, Korean or English."""

    read_again = False  # its value is one of the choices' own strings, held anyway
    _accepted: dict[str, str] | None = None

    def accepted(self) -> dict[str, str]:
        if self._accepted is None:
            accepted = {}
            for language in ("en", "ko"):
                with translation.override(language):
                    for value, label in self.field.flatchoices:
                        accepted[str(label).casefold()] = value
            for value, _label in self.field.flatchoices:
                accepted[value.casefold()] = value
            self._accepted = accepted
        return self._accepted

    def parse(self, raw: Any, lookups: "Lookups | None") -> str:
        text = cell_text(raw).strip()
        if not text:
            return ""
        value = self.accepted().get(text.casefold())
        if value is not None:
            return value
        raise CellError(
            _("This is not one of the allowed values: %(values)s.")
            % {"values": ", ".join(value for value, _label in self.field.flatchoices)}
        )


class IntegerColumn(Column):
    """A whole number within the field's range: its database type's and its validators'."""

    def __init__(self, name: str, model_field: Any) -> None:
        super().__init__(name, model_field)
        self.keep_when_empty = not model_field.null
        small = isinstance(model_field, models.SmallIntegerField)
        positive = isinstance(model_field, PositiveIntegerRelDbTypeMixin)
        self.minimum = 0 if positive else -(2**15 if small else 2**31)
        self.maximum = 2**15 - 1 if small else 2**31 - 1
        for validator in model_field.validators:
            if isinstance(validator, MinValueValidator):
                self.minimum = max(self.minimum, validator.limit_value)
            elif isinstance(validator, MaxValueValidator):
                self.maximum = min(self.maximum, validator.limit_value)

    def parse(self, raw: Any, lookups: "Lookups | None") -> int | None:
        if is_blank(raw):
            return None
        number: int | None
        if isinstance(raw, bool):
            number = None
        elif isinstance(raw, int):
            number = raw
        elif isinstance(raw, float) and raw.is_integer():
            number = int(raw)
        else:
            text = cell_text(raw).strip()
            number = int(float(text)) if WHOLE_NUMBER.match(text) else None
        if number is None or not self.minimum <= number <= self.maximum:
            raise CellError(
                _("This must be a whole number from %(min)d to %(max)d.")
                % {"min": self.minimum, "max": self.maximum}
            )
        return number


class DecimalColumn(Column):
    """A number with as many decimals as the field keeps (``-4.8``, ``1,915``)."""

    def __init__(self, name: str, model_field: Any) -> None:
        super().__init__(name, model_field)
        self.places = model_field.decimal_places
        self.whole_digits = model_field.max_digits - model_field.decimal_places

    def parse(self, raw: Any, lookups: "Lookups | None") -> Decimal | None:
        if is_blank(raw):
            return None
        text = cell_text(raw).strip().replace(",", "")
        try:
            number = Decimal(text) if not isinstance(raw, bool) else None
        except InvalidOperation:
            number = None
        if number is not None and number.is_finite():
            exponent = number.as_tuple().exponent
            places = -exponent if isinstance(exponent, int) and exponent < 0 else 0
            whole = len(str(abs(int(number)))) if abs(number) >= 1 else 0
            if places <= self.places and whole <= self.whole_digits:
                return number
        raise CellError(
            _("This must be a number with at most %(places)d digits after the point.")
            % {"places": self.places}
        )


class BooleanColumn(Column):
    keep_when_empty = True

    def parse(self, raw: Any, lookups: "Lookups | None") -> bool | None:
        if is_blank(raw):
            return None
        if isinstance(raw, bool):
            return raw
        word = cell_text(raw).strip().casefold()
        if word in TRUE_WORDS:
            return True
        if word in FALSE_WORDS:
            return False
        raise CellError(_("Write true or false (1/0, yes/no and 예/아니오 work too)."))

    def export_value(self, value: Any) -> bool:
        return bool(value)


class DateColumn(Column):
    def parse(self, raw: Any, lookups: "Lookups | None") -> datetime.date | None:
        if is_blank(raw):
            return None
        if isinstance(raw, datetime.datetime):
            return raw.date()
        if isinstance(raw, datetime.date):
            return raw
        match = DATE.match(cell_text(raw).strip())
        if match:
            try:
                return datetime.date(*(int(part) for part in match.groups()))
            except ValueError:
                pass
        raise CellError(_("This is not a date: write it as YYYY-MM-DD, for example 2014-05-18."))
