"""Time arguments and timestamps: aware datetimes in, UTC datetimes out, no silent local time."""

from __future__ import annotations

import datetime as dt
from typing import TypeAlias

UTC = dt.timezone.utc
_from_timestamp = dt.datetime.fromtimestamp

#: A time argument: a timezone-aware ``datetime`` or Unix seconds.
TimeArg: TypeAlias = dt.datetime | int | float


def utcnow() -> dt.datetime:
    """The current time, aware, in UTC (the default clock of the CEC clients)."""
    return dt.datetime.now(dt.timezone.utc)


def to_epoch_seconds(value: dt.datetime | int | float, name: str) -> int:
    """Unix seconds for a time argument: a timezone-aware ``datetime`` or a number of seconds.

    A naive ``datetime`` is refused: guessing local time silently loses calls at day edges.
    """
    if isinstance(value, bool):
        raise TypeError(f"{name} must be an aware datetime or Unix seconds, not bool")
    if isinstance(value, dt.datetime):
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError(
                f"{name} is a naive datetime; give it a timezone, e.g. "
                f"{name}.replace(tzinfo=datetime.timezone.utc)"
            )
        return int(value.timestamp())
    if isinstance(value, (int, float)):
        if value < 0:
            raise ValueError(f"{name} must not be negative, got {value}")
        if value >= 100_000_000_000:
            raise ValueError(f"{name}={value} looks like milliseconds; pass Unix seconds")
        return int(value)
    raise TypeError(f"{name} must be an aware datetime or Unix seconds, not {type(value).__name__}")


def check_range(
    start: dt.datetime | int | float, end: dt.datetime | int | float
) -> tuple[int, int]:
    """``(start, end)`` as Unix seconds; ``ValueError`` when end is before start."""
    s, e = to_epoch_seconds(start, "start"), to_epoch_seconds(end, "end")
    if e < s:
        raise ValueError(f"end ({e}) is before start ({s})")
    return s, e


def from_epoch_ms(value: int | float | None) -> dt.datetime | None:
    """UTC datetime for epoch milliseconds; ``None`` for 0 or null."""
    return _from_timestamp(value / 1000, UTC) if value else None


def from_epoch_s(value: int | float | str | None) -> dt.datetime | None:
    """UTC datetime for epoch seconds (numbers or digit strings); ``None`` for 0 or null."""
    if value is None or value == "":
        return None
    seconds = float(value)
    return dt.datetime.fromtimestamp(seconds, UTC) if seconds else None


def to_epoch_ms(value: dt.datetime | None) -> int:
    """Epoch milliseconds for a datetime; 0 (the vendor's "no time") for ``None``."""
    if value is None:
        return 0
    return round(value.timestamp() * 1000)


def to_epoch_s(value: dt.datetime | None) -> int:
    """Epoch seconds for a datetime; 0 for ``None``."""
    return 0 if value is None else int(value.timestamp())
