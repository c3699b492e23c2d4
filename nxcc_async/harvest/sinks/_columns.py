"""The flat column layout of a :class:`CallRecord`, shared by the CSV, SQLite and Parquet sinks.

Columns are derived from the record's attrs fields (so a new vendor field gets a column) and
normalised to plain values: times as epoch milliseconds (``None`` when absent), enums as their
vendor numbers, money as exact decimal text, and ``extra`` as JSON text (``None`` when empty).
"""

from __future__ import annotations

import datetime as dt
import time
import types
import typing
from collections.abc import Callable, Sequence
from decimal import Decimal
from typing import Any, Literal

import attrs
import orjson

from nxcc_async._core import timeutil
from nxcc_async._core.converter import camel, keep
from nxcc_async._core.lazy import raw_reader
from nxcc_async._core.recordgen import compile_generated
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


def _decimal_text(value: Decimal | float | None) -> str | None:
    """Money as exact decimal text: ``str`` of the ``Decimal``. A lazy slot's raw float (never
    NaN or infinite) gives the same text as ``str(Decimal(repr(value)))`` without making one:
    its shortest ``repr`` is that text unless it has an exponent."""
    if value is None:
        return None
    if value.__class__ is float:
        text = repr(value)
        return text if "e" not in text else str(Decimal(text))
    return str(value)


def _extra_json(value: Any) -> str | None:
    return orjson.dumps(dict(value)).decode() if value else None


def _compile_row() -> Callable[[CallRecord], list[Any]]:
    """``row(record)``, compiled from :data:`COLUMNS`: each value read and normalised inline.

    Times, enum numbers and money are read raw while their slots hold the vendor's number (no
    ``datetime``, enum member or ``Decimal`` made and taken apart again); a converted value goes
    through the column's converter. Everything else is the attribute, through its converter if
    it has one.
    """
    fields = attrs.fields_dict(CallRecord)
    scope: dict[str, Any] = {}
    items: list[str] = []
    for i, (column, convert) in enumerate(zip(COLUMNS, _CONVERTERS, strict=True)):
        codec = fields[column.attr].metadata.get("codec")
        lazy = getattr(codec, "lazy", None)
        if column.kind == "time" or lazy is not None:
            scope[f"G{i}"], scope[f"C{i}"] = raw_reader(CallRecord, column.attr), convert
            if column.kind == "time" or getattr(lazy, "cls", None) is int:  # the raw number
                items.append(f"v if (v := G{i}(r)).__class__ is int else C{i}(v)")
            else:  # money: the raw float's text, without making a Decimal
                items.append(f"C{i}(G{i}(r))")
        elif convert is None or convert is keep:
            items.append(f"r.{column.attr}")
        else:
            scope[f"C{i}"] = convert
            items.append(f"C{i}(r.{column.attr})")
    lines = ["def row(r):", "    return [", *(f"        {x}," for x in items), "    ]"]
    compiled: Callable[[CallRecord], list[Any]] = compile_generated(lines, scope, "row", CallRecord)
    return compiled


COLUMNS, _CONVERTERS = _build()

row = _compile_row()
"""``row(record)``: the normalised column values of one record, in :data:`COLUMNS` order."""


def rows(records: Sequence[CallRecord]) -> list[list[Any]]:
    """:func:`row` for each record."""
    return list(map(row, records))


def iso_ms(epoch_ms: int) -> str:
    """``1690423237704`` -> ``"2023-07-27T02:00:37.704Z"``."""
    seconds, millis = divmod(epoch_ms, 1000)
    return f"{time.strftime('%Y-%m-%dT%H:%M:%S', time.gmtime(seconds))}.{millis:03d}Z"
