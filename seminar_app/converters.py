"""What an address may carry: ids within the database's integers, text without control characters.

Anything else matches no route (404) before a query runs, so a hostile address cannot
reach the database with a value its columns cannot hold.
"""

from __future__ import annotations

from typing import Any, TypeVar

from flask import Flask
from werkzeug.routing import IntegerConverter, Map, UnicodeConverter

from seminar_app.validation import make_storable

# Every id column is an INTEGER, 32 bits on PostgreSQL.
DB_INT_MAX = 2**31 - 1

_Default = TypeVar("_Default", int, None)


class BoundedIntegerConverter(IntegerConverter):
    """`<int:...>`: a positive integer no larger than an id column holds."""

    def __init__(self, map: Map, fixed_digits: int = 0, min: int | None = None, max: int | None = None) -> None:
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=DB_INT_MAX if max is None else max)


class PrintableConverter(UnicodeConverter):
    """`<slug>`, `<token>`...: a path segment without NUL, line breaks or other control characters."""

    def __init__(self, map: Map, minlength: int = 1, maxlength: int | None = None, length: int | None = None) -> None:
        super().__init__(map, minlength=minlength, maxlength=maxlength, length=length)
        self.regex = self.regex.replace(r"[^/]", r"[^/\x00-\x1f\x7f]")


def query_int(value: str | None, default: _Default, *, minimum: int = 1) -> int | _Default:
    """A number read from the query string (a page, a list id): `default` when it is missing,
    not a number, or outside `minimum`..DB_INT_MAX, so it always fits an SQL integer."""
    try:
        number = int(value or "")
    except ValueError:
        return default
    return number if minimum <= number <= DB_INT_MAX else default


def query_text(value: str | None, max_length: int = 200) -> str:
    """Text read from the query string (a search), without the control characters no stored
    text contains and PostgreSQL cannot even compare, cut to `max_length`."""
    return make_storable(value or "")[:max_length]


def init_app(app: Flask) -> None:
    """Register the converters before any route is added."""
    converters: dict[str, Any] = app.url_map.converters
    converters["int"] = BoundedIntegerConverter
    converters["default"] = converters["string"] = PrintableConverter
