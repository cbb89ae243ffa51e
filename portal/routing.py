"""URL converters: ids in paths bounded to what the database's integer columns can hold."""

from __future__ import annotations

from flask import Flask
from werkzeug.routing import IntegerConverter

#: The largest value of a 32-bit signed integer column (PostgreSQL INTEGER, the ids' type).
MAX_ID = 2**31 - 1


class BoundedIntConverter(IntegerConverter):
    """`<int:...>` that matches only 0..MAX_ID: a larger number is a 404 like any unknown id,
    never an overflow in the database (a 500 on PostgreSQL and SQLite alike)."""

    def __init__(self, map: object, *args: object, **kwargs: object) -> None:  # noqa: A002
        kwargs.setdefault("max", MAX_ID)
        super().__init__(map, *args, **kwargs)  # type: ignore[arg-type]


def init_app(app: Flask) -> None:
    """Replace the `int` converter before any blueprint's rules are added."""
    app.url_map.converters["int"] = BoundedIntConverter
