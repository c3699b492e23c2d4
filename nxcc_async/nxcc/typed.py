"""NXCC answers of records decoded straight from their bytes (:mod:`nxcc_async._core.typed`):
the fast path of :func:`~nxcc_async.nxcc.endpoints.rows` and ``pages`` endpoints.

The answer must be an envelope whose ``code`` is the JSON integer 0 and whose ``data`` is a
list of objects (or null, or absent); ``total``, when read, must be an integer or null. Any
other answer, error codes included, goes down the generic path (``None`` here), which raises
what it means.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, TypeVar

import msgspec

from nxcc_async._core.converter import plan_of
from nxcc_async._core.page import Page
from nxcc_async._core.typed import TypedDecoder, typed_rows

T = TypeVar("T")

#: ``quick(body, fields)``: the parsed answer, or ``None`` for the generic path.
Quick = Callable[[bytes, Mapping[str, Any]], T | None]
Converter = Callable[[list[Any]], list[T]]


def build(record: type[Any]) -> tuple[TypedDecoder[Any], Converter[Any]]:
    """A typed decoder of envelopes listing ``record``, and the converter of its rows."""
    rows = typed_rows(plan_of(record))
    listing: Any = list[rows.struct]  # type: ignore[name-defined]  # a type built at run time
    envelope = msgspec.defstruct(
        f"{record.__name__}Envelope",
        [("code", int), ("data", listing | None, None), ("total", Any, None)],
        kw_only=True,
        module=__name__,
    )
    return TypedDecoder(envelope, record.__name__), rows.convert


_ANSWERS: dict[type[Any], tuple[TypedDecoder[Any], Converter[Any]]] = {}


def answers(record: type[Any]) -> tuple[TypedDecoder[Any], Converter[Any]]:
    """The client's typed decoder of answers listing ``record`` (built on first use)."""
    found = _ANSWERS.get(record)
    if found is None:
        found = _ANSWERS[record] = build(record)
    return found


def _items(answer: Any, convert: Converter[T]) -> list[T] | None:
    """The records of a success answer; ``None`` for an error code (the generic path raises
    its error)."""
    if answer.code != 0:
        return None
    return convert(answer.data) if answer.data else []


def quick_rows(record: type[T]) -> Quick[list[T]]:
    """Fast path of :func:`~nxcc_async.nxcc.endpoints.rows` (``data``: a list of ``record``)."""

    def quick(body: bytes, fields: Mapping[str, Any]) -> list[T] | None:
        decoder, convert = answers(record)
        return decoder.decode(body, lambda answer: _items(answer, convert))

    return quick


def quick_pages(record: type[T], *, total: bool = True) -> Quick[Page[T]]:
    """Fast path of :func:`~nxcc_async.nxcc.endpoints.pages`: one page of ``record``."""

    def page(answer: Any, fields: Mapping[str, Any], convert: Converter[T]) -> Page[T] | None:
        items = _items(answer, convert)
        if items is None:
            return None
        count = answer.total if total else None
        if count is not None and count.__class__ is not int:
            raise TypeError("total is not an integer")  # the generic path reads text too
        return Page(items=items, page=fields["page"], size=fields["size"], total=count)

    def quick(body: bytes, fields: Mapping[str, Any]) -> Page[T] | None:
        decoder, convert = answers(record)
        return decoder.decode(body, lambda answer: page(answer, fields, convert))

    return quick
