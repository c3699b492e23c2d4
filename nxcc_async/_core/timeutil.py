"""Time arguments and timestamps: aware datetimes in, UTC datetimes out, no silent local time."""

from __future__ import annotations

import datetime as dt
import math
from typing import Final, TypeAlias

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
        if isinstance(value, float) and not math.isfinite(value):
            raise ValueError(f"{name} must be a finite number of Unix seconds, got {value}")
        if value >= 100_000_000_000_000:  # beyond milliseconds too: no time at all
            raise ValueError(f"{name} must be a finite number of Unix seconds, got {value:.6g}")
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


#: The range of Unix seconds a ``datetime`` can hold (years 1-9999). Checked before converting:
#: beyond it ``fromtimestamp`` raises ``OSError`` on some platforms instead of ``ValueError``.
_MIN_S = -62_135_596_800.0
_MAX_S = 253_402_300_799.0
#: The last whole Unix second a ``datetime`` can hold (9999-12-31T23:59:59Z).
MAX_EPOCH_S: Final = 253_402_300_799


def _utc(seconds: float) -> dt.datetime:
    if not _MIN_S <= seconds <= _MAX_S:  # NaN fails this too
        raise ValueError(f"{seconds:.6g} s is not a time a datetime can hold (years 1-9999)")
    return _from_timestamp(seconds, UTC)


def from_epoch_ms(value: int | float | str | None) -> dt.datetime | None:
    """UTC datetime for epoch milliseconds (numbers or digit strings); ``None`` for 0, ``""``
    or null. ``ValueError`` (or ``TypeError``/``OverflowError``) for what is no time."""
    if isinstance(value, str):
        if not value:
            return None
        value = float(value)
    return _utc(value / 1000) if value else None


def from_epoch_s(value: int | float | str | None) -> dt.datetime | None:
    """UTC datetime for epoch seconds (numbers or digit strings); ``None`` for 0 or null."""
    if value is None or value == "":
        return None
    seconds = float(value)
    return _utc(seconds) if seconds else None


def to_epoch_ms(value: dt.datetime | None) -> int:
    """Epoch milliseconds for a datetime; 0 (the vendor's "no time") for ``None``."""
    if value is None:
        return 0
    return round(value.timestamp() * 1000)


def as_epoch_ms(value: dt.datetime | int | None) -> int | None:
    """A time slot's content as epoch milliseconds: an ``int`` (a lazy field's raw value)
    already is; a ``datetime`` is converted; ``None`` stays ``None``."""
    return to_epoch_ms(value) if isinstance(value, dt.datetime) else value


def to_epoch_s(value: dt.datetime | None) -> int:
    """Epoch seconds for a datetime; 0 for ``None``."""
    return 0 if value is None else int(value.timestamp())
