"""The flat column layout of a :class:`CallRecord`, shared by the CSV, SQLite and Parquet sinks.

Columns are derived from the record's attrs fields (so a new vendor field gets a column) and
normalised to plain values: times as epoch milliseconds (``None`` when absent), enums as their
vendor numbers, money as exact decimal text, and ``extra`` as JSON text (``None`` when empty).
"""

from __future__ import annotations

import datetime as dt
import operator
import time
import types
import typing
from collections.abc import Callable, Sequence
from decimal import Decimal
from typing import Any, Literal

import attrs
import orjson

from nxcc_async._core import timeutil
from nxcc_async._core.converter import camel
from nxcc_async._core.lazy import raw_reader
from nxcc_async.nxcc.records import CallRecord

Kind = Literal["str", "int", "float", "bool", "time", "decimal", "json"]


@attrs.frozen
class Column:
    """One output column: record attribute, vendor (camelCase) name, value kind."""

    attr: str
    vendor: str
    kind: Kind


def _kind(annotation: Any) -> Kind:
    args = set(typing.get_args(annotation)) if isinstance(annotation, types.UnionType) else set()
    members = (args or {annotation}) - {type(None)}
    for python_type, kind in (
        (dt.datetime, "time"),
        (Decimal, "decimal"),
        (bool, "bool"),
        (int, "int"),
        (float, "float"),
        (str, "str"),
    ):
        if python_type in members:
            return typing.cast(Kind, kind)
    raise TypeError(f"no column kind for {annotation!r}")  # pragma: no cover - guards new fields


def _build() -> tuple[tuple[Column, ...], tuple[Callable[[Any], Any] | None, ...]]:
    hints = typing.get_type_hints(CallRecord)
    columns: list[Column] = []
    converters: list[Callable[[Any], Any] | None] = []
    for field in attrs.fields(CallRecord):
        if field.metadata.get("extra"):
            continue
        kind = _kind(hints[field.name])
        codec = field.metadata.get("codec")
        columns.append(Column(field.name, field.metadata.get("wire") or camel(field.name), kind))
        if kind == "time":
            converters.append(timeutil.as_epoch_ms)
        elif kind == "decimal":
            converters.append(_decimal_text)
        elif codec is not None:
            converters.append(codec.dump)  # enums -> vendor numbers
        else:
            converters.append(None)
    columns.append(Column("extra", "extra", "json"))
    converters.append(_extra_json)
    return tuple(columns), tuple(converters)


def _decimal_text(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def _extra_json(value: Any) -> str | None:
    return orjson.dumps(dict(value)).decode() if value else None


def _readers() -> tuple[Callable[[Any], Any], ...]:
    """How each column's value is read: time slots raw (no ``datetime`` built and taken apart
    again), everything else as the attribute."""
    return tuple(
        raw_reader(CallRecord, c.attr) if c.kind == "time" else operator.attrgetter(c.attr)
        for c in COLUMNS
    )


COLUMNS, _CONVERTERS = _build()
_READ = _readers()
_CONVERT = tuple((i, fn) for i, fn in enumerate(_CONVERTERS) if fn is not None)


def row(record: CallRecord) -> list[Any]:
    """The normalised column values of one record, in :data:`COLUMNS` order."""
    values = [read(record) for read in _READ]
    for i, fn in _CONVERT:
        values[i] = fn(values[i])
    return values


def rows(records: Sequence[CallRecord]) -> list[list[Any]]:
    """:func:`row` for each record."""
    return [row(r) for r in records]


def iso_ms(epoch_ms: int) -> str:
    """``1690423237704`` -> ``"2023-07-27T02:00:37.704Z"``."""
    seconds, millis = divmod(epoch_ms, 1000)
    return f"{time.strftime('%Y-%m-%dT%H:%M:%S', time.gmtime(seconds))}.{millis:03d}Z"
