"""Validation of NXCC request bodies: each helper returns the clean value or raises ``Invalid``.

Messages follow the vendor's style ("End date cannot be empty"); the code is 41000 unless said.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from nxcc_async.emulator.cdrs import CdrFilter

VALIDATION = 41000
BAD_PARAMETER = 1002


class Invalid(Exception):
    """A request the server refuses: the NXCC ``code`` and ``msg`` to answer with."""

    def __init__(self, msg: str, code: int = VALIDATION) -> None:
        super().__init__(msg)
        self.code = code
        self.msg = msg


def as_int(value: Any) -> int | None:
    """An int from a JSON int or a string of digits, else ``None`` (bools refused)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        return int(value)
    return None


def required(body: Mapping[str, Any], key: str, label: str | None = None) -> Any:
    """``body[key]``; missing, null or "" → "<label> cannot be empty"."""
    value = body.get(key)
    if value is None or value == "":
        raise Invalid(f"{label or key} cannot be empty")
    return value


def integer(body: Mapping[str, Any], key: str, label: str | None = None) -> int:
    """A required integer (a JSON string of digits is accepted too)."""
    value = as_int(required(body, key, label))
    if value is None:
        raise Invalid(f"{label or key} must be an integer")
    return value


def text(body: Mapping[str, Any], key: str) -> str | None:
    """An optional string filter; "" counts as absent."""
    value = body.get(key)
    if value is None or value == "":
        return None
    if not isinstance(value, str | int) or isinstance(value, bool):
        raise Invalid(f"{key} must be a string")
    return str(value)


def paging(body: Mapping[str, Any], max_size: int) -> tuple[int, int]:
    """``(page, size)`` with page >= 1 and 1 <= size <= ``max_size``."""
    page = integer(body, "page")
    size = integer(body, "size")
    if page < 1:
        raise Invalid("page must be greater than or equal to 1")
    if not 1 <= size <= max_size:
        raise Invalid(f"size must be between 1 and {max_size}")
    return page, size


def time_range(body: Mapping[str, Any], start_key: str, end_key: str) -> tuple[int, int]:
    """A required range of Unix seconds; millisecond values and end < start are refused."""
    start = integer(body, start_key, "Start date")
    end = integer(body, end_key, "End date")
    for value in (start, end):
        if not 0 <= value < 100_000_000_000:
            raise Invalid("Time must be Unix seconds")
    if end < start:
        raise Invalid("End date cannot be earlier than start date")
    return start, end


def day_span(body: Mapping[str, Any], start_key: str, end_key: str) -> list[dt.date]:
    """The days a required range of ``"YYYY-MM-DD HH:MM:SS"`` strings covers: a range that
    ends exactly at midnight does not cover the day that starts there."""
    values = []
    for key, label in ((start_key, "Start date"), (end_key, "End date")):
        raw = required(body, key, label)
        try:
            values.append(dt.datetime.strptime(str(raw), "%Y-%m-%d %H:%M:%S"))
        except ValueError:
            raise Invalid(f"{label} must be formatted as yyyy-MM-dd HH:mm:ss") from None
    first, last = values
    if last < first:
        raise Invalid("End date cannot be earlier than start date")
    end = last.date()
    if last > first and last.time() == dt.time(0) and end > first.date():
        end -= dt.timedelta(days=1)
    return [first.date() + dt.timedelta(days=k) for k in range((end - first.date()).days + 1)]


def tenant(body: Mapping[str, Any], tenant_id: int) -> None:
    """``tenantId`` must be present and the emulator's tenant (else 1005, no permission)."""
    if integer(body, "tenantId") != tenant_id:
        raise Invalid("No permission for this tenant", 1005)


_DIRECTIONS = {0: None, 1: 0, 2: 1, 3: 2}  # filter numbering -> record numbering


def _answered(value: Any) -> bool | None:
    if value is True or value in ("true", "True"):
        return True
    if value is False or value in ("false", "False"):
        return False
    number = as_int(value)
    if number not in (0, 1, 2):
        raise Invalid("answered must be 0, 1 or 2")
    return None if number == 0 else number == 2


def cdr_filter(body: Mapping[str, Any]) -> CdrFilter:
    """The ``cdr/page`` filters of a body (``direction`` translated to the record numbering)."""
    direction = None
    if body.get("direction") not in (None, ""):
        code = as_int(body["direction"])
        if code not in _DIRECTIONS:
            raise Invalid("direction must be 0, 1, 2 or 3")
        direction = _DIRECTIONS[code]
    answered = None if body.get("answered") in (None, "") else _answered(body["answered"])
    return CdrFilter(
        direction=direction,
        answered=answered,
        name=text(body, "name"),
        caller=text(body, "caller"),
        callee=text(body, "callee"),
        call_id=text(body, "callId"),
        order_id=text(body, "orderId"),
    )
