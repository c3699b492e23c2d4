"""Operations as values: what a vendor's operation is, apart from how it is sent.

An :class:`Endpoint` carries the path, the parser of its answers, its page cap and whether it is
idempotent. Request fields are built and checked before anything is sent by plain functions of
each vendor's ``endpoints`` module; a :class:`~nxcc_async._core.channel.Channel` takes both to
the wire. Vendors subclass it for what only they need (NXCC's tenant id, CEC's body wrapping).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, Generic, TypeVar

import attrs

R = TypeVar("R")

#: ``parse(payload, fields)``: the decoded answer and the fields that were sent -> the result.
Parser = Callable[[Any, Mapping[str, Any]], R]

#: ``quick(body, fields)``: the result straight from a 2xx answer's bytes, or ``None`` to take
#: the generic path (decode, then ``parse``), which must give the same result.
QuickParser = Callable[[bytes, Mapping[str, Any]], R | None]


@attrs.frozen(kw_only=True)
class Endpoint(Generic[R]):
    """One operation: ``prefix + path`` on the server, ``parse`` for its answers,
    ``idempotent`` (retried after it may have reached the server), ``page_cap`` (the largest
    page the server gives, ``None`` when the operation is not paged) and an optional ``quick``
    parser, tried first on the bytes of a successful answer."""

    path: str
    prefix: str
    parse: Parser[R]
    idempotent: bool = True
    page_cap: int | None = None
    quick: QuickParser[R] | None = None

    @property
    def full_path(self) -> str:
        """The URL path of the operation."""
        return self.prefix + self.path


def check_int(value: object, name: str) -> int:
    """``value`` if it is an ``int`` (not a ``bool``), else ``TypeError``."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{name} must be an int, not {type(value).__name__}")
    return value


def in_range(value: object, name: str, low: int, high: int | None) -> int:
    """``value`` if it is an int from ``low`` to ``high`` (``None``: no upper bound)."""
    number = check_int(value, name)
    if number < low or (high is not None and number > high):
        bound = f"between {low} and {high}" if high is not None else f">= {low}"
        raise ValueError(f"{name} must be {bound}, got {number}")
    return number


def check_text(value: object, name: str) -> str:
    """``value`` if it is a non-blank ``str``."""
    if not isinstance(value, str):
        raise TypeError(f"{name} must be a str, not {type(value).__name__}")
    if not value.strip():
        raise ValueError(f"{name} must not be empty")
    return value


def optional_text(value: object, name: str) -> str | None:
    """``None``, or a non-blank ``str``."""
    return None if value is None else check_text(value, name)
