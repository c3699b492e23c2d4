"""HTTP-level answers shared by both vendors: status codes to errors, Retry-After parsing."""

from __future__ import annotations

import datetime as dt
import email.utils
from collections.abc import Mapping

from nxcc_async._core.errors import (
    APIError,
    AuthError,
    NotFoundError,
    RateLimitError,
    ServerError,
)
from nxcc_async._core.transport import Response


def parse_retry_after(headers: Mapping[str, str], now: dt.datetime | None = None) -> float | None:
    """Seconds to wait from a Retry-After header (seconds or HTTP-date); ``None`` if absent."""
    value = next((v for k, v in headers.items() if k.lower() == "retry-after"), None)
    if value is None or not value.strip():
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.timezone.utc)
    now = now or dt.datetime.now(dt.timezone.utc)
    return max(0.0, (when - now).total_seconds())


def raise_for_http_status(response: Response, endpoint: str) -> None:
    """Raise the error an HTTP status means before any envelope is read (2xx passes)."""
    status = response.status
    if 200 <= status < 300:
        return
    if status == 429:
        raise RateLimitError(retry_after=parse_retry_after(response.headers), endpoint=endpoint)
    if status in (401, 403):
        raise AuthError(status, "authorization rejected", status=status, endpoint=endpoint)
    if status == 404:
        raise NotFoundError(status, "no such path on this server", status=status, endpoint=endpoint)
    if status >= 500:
        raise ServerError(status, f"HTTP {status}", status=status, endpoint=endpoint)
    raise APIError(status, f"HTTP {status}", status=status, endpoint=endpoint)
