"""The optional filters of ``cdr/page``, spelled once.

Each filter is one line of :class:`CdrFilters`: its Python name and type, and in the
``Annotated`` metadata its vendor name, its check, and its ``nxcc`` command-line option. The
client's ``page``/``iter``/``harvest``/``export``, their blocking twins and the CLI all take
``**filters: Unpack[CdrFilters]``; adding a filter is one line here.
"""

from __future__ import annotations

import typing
from collections.abc import Callable, Mapping
from typing import Annotated, Any, TypedDict

import attrs

from nxcc_async._core.endpoint import optional_text
from nxcc_async.nxcc.enums import AnsweredFilter, CallDirection


def answered_code(value: object, name: str) -> int | None:
    """``True``/``False``/:class:`AnsweredFilter` -> the request's numbering."""
    if value is None:
        return None
    if isinstance(value, bool):
        return int(AnsweredFilter.ANSWERED if value else AnsweredFilter.UNANSWERED)
    if isinstance(value, AnsweredFilter):
        return int(value)
    raise TypeError(f"{name} must be a bool or AnsweredFilter, not {type(value).__name__}")


def direction_code(value: object, name: str) -> int | None:
    """A :class:`CallDirection` or its name (``"inbound"``) -> the request's numbering."""
    if value is None:
        return None
    if isinstance(value, str) and not isinstance(value, CallDirection):
        try:
            value = CallDirection(value.lower())
        except ValueError:
            choices = [d.value for d in CallDirection]
            raise ValueError(f"{name} must be one of {choices}, not {value!r}") from None
    if not isinstance(value, CallDirection):
        raise TypeError(f"{name} must be a CallDirection, not {type(value).__name__}")
    return value.filter_code


@attrs.frozen
class Filter:
    """How one filter crosses the wire (``wire`` name, ``check`` -> wire value or ``None``) and
    how ``nxcc`` spells it (``flag``; ``off_flag`` for a yes/no filter; ``choices``)."""

    wire: str
    check: Callable[[object, str], Any]
    flag: str
    help: str
    off_flag: str | None = None
    choices: tuple[str, ...] | None = None


class CdrFilters(TypedDict, total=False):
    """Optional filters of ``cdr/page``; unset or ``None`` filters are not sent."""

    answered: Annotated[
        bool | AnsweredFilter | None,
        Filter("answered", answered_code, "--answered", "answered calls", off_flag="--unanswered"),
    ]
    direction: Annotated[
        CallDirection | str | None,
        Filter(
            "direction",
            direction_code,
            "--direction",
            "call direction",
            choices=tuple(d.value for d in CallDirection),
        ),
    ]
    name: Annotated[str | None, Filter("name", optional_text, "--agent", "the agent's userName")]
    caller: Annotated[str | None, Filter("caller", optional_text, "--caller", "calling number")]
    callee: Annotated[str | None, Filter("callee", optional_text, "--callee", "called number")]
    call_id: Annotated[str | None, Filter("callId", optional_text, "--call-id", "one call")]
    order_id: Annotated[str | None, Filter("orderId", optional_text, "--order-id", "one order")]


def _specs() -> dict[str, Filter]:
    hints = typing.get_type_hints(CdrFilters, include_extras=True)
    return {name: hint.__metadata__[0] for name, hint in hints.items()}


#: Every filter by its Python name, in declaration order.
FILTERS: dict[str, Filter] = _specs()


def filter_fields(filters: Mapping[str, Any]) -> dict[str, Any]:
    """The set filters as ``cdr/page`` fields (vendor names and numbering), checked."""
    unknown = set(filters) - FILTERS.keys()
    if unknown:
        raise TypeError(
            f"unknown CDR filter {sorted(unknown)[0]!r}; the filters are {', '.join(FILTERS)}"
        )
    fields: dict[str, Any] = {}
    for name, spec in FILTERS.items():
        value = spec.check(filters.get(name), name)
        if value is not None:
            fields[spec.wire] = value
    return fields
