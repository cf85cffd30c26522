"""URL converters: integer ids bounded to what the id columns can hold."""

from __future__ import annotations

from flask import Flask
from werkzeug.routing import IntegerConverter, Map

# Every primary key is an INTEGER column: signed 32-bit on PostgreSQL, and the ids SQLite hands out stay
# below it too. A larger number in a URL can name no row; PostgreSQL would refuse to compare it (500),
# SQLite's driver cannot even bind a number past 64 bits.
MAX_ID = 2**31 - 1


class IdConverter(IntegerConverter):
    """Flask's `int` converter, with an upper bound of MAX_ID: larger numbers match no rule (404)."""

    def __init__(
        self,
        map: Map,
        fixed_digits: int = 0,
        min: int | None = None,
        max: int | None = None,
        signed: bool = False,
    ) -> None:
        bound = MAX_ID if max is None else min_of(max, MAX_ID)
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=bound, signed=signed)


def min_of(a: int, b: int) -> int:
    """The smaller of two numbers (the converter's `min` argument shadows the builtin)."""
    return a if a < b else b


def register_converters(app: Flask) -> None:
    """Replace the `int` converter app-wide; must run before any rule is added."""
    app.url_map.converters["int"] = IdConverter
