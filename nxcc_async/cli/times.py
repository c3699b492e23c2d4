"""Parsing ``--start``/``--end``: ISO-8601 with an offset, a date, or Unix seconds.

- ``2025-01-01T08:00:00+08:00``, ``2025-01-01T00:00Z``: the instant given;
- ``2025-01-01``: midnight UTC (midnight in ``--tz`` when it is given);
- ``1735689600``: Unix seconds;
- ``2025-01-01T08:00`` (no offset): refused, unless ``--tz Area/City`` says where it is.
"""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo

from nxcc_async._core.timeutil import to_epoch_seconds

_SECONDS = re.compile(r"^\d+(\.\d+)?$")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def zone(name: str | None) -> dt.tzinfo | None:
    """The ``--tz`` zone (``None`` when not given); ``ValueError`` for an unknown name."""
    if name is None:
        return None
    if name.upper() in ("UTC", "Z"):
        return dt.timezone.utc
    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise ValueError(
            f"--tz {name!r} is not a known time zone; use Area/City, e.g. Asia/Shanghai"
        ) from None


def parse_time(text: str, option: str, tz: dt.tzinfo | None = None) -> int:
    """Unix seconds for the value of ``option`` (``--start``/``--end``); ``ValueError`` if bad."""
    value = text.strip()
    if _SECONDS.match(value):
        return to_epoch_seconds(float(value), option)
    if _DATE.match(value):
        try:
            day = dt.datetime.strptime(value, "%Y-%m-%d")
        except ValueError:
            raise ValueError(
                f"{option} {text!r} is not a calendar date; use YYYY-MM-DD with a month of "
                "01..12 and a day that month has (2025-02-28)"
            ) from None
        return int(day.replace(tzinfo=tz or dt.timezone.utc).timestamp())
    iso = value[:-1] + "+00:00" if value[-1:] in ("Z", "z") else value
    try:
        moment = dt.datetime.fromisoformat(iso)
    except ValueError:
        raise ValueError(
            f"{option} {text!r} is not a time; use ISO-8601 with an offset "
            "(2025-01-01T08:00+08:00 or 2025-01-01T00:00Z), a date (2025-01-01, UTC), "
            "or Unix seconds"
        ) from None
    if moment.tzinfo is None:
        if tz is None:
            raise ValueError(
                f"{option} {text!r} has no UTC offset; add one ({value}Z or {value}+08:00) "
                "or pass --tz Area/City"
            )
        moment = moment.replace(tzinfo=tz)
    return to_epoch_seconds(moment, option)


def parse_range(start: str, end: str, tz_name: str | None) -> tuple[int, int]:
    """``(start, end)`` Unix seconds from the options; the end must be after the start."""
    tz = zone(tz_name)
    start_s, end_s = parse_time(start, "--start", tz), parse_time(end, "--end", tz)
    if end_s <= start_s:
        raise ValueError(f"--end ({end}) must be after --start ({start})")
    return start_s, end_s


def iso(seconds: int) -> str:
    """``2025-01-01T00:00:00Z`` for Unix seconds."""
    return dt.datetime.fromtimestamp(seconds, dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
