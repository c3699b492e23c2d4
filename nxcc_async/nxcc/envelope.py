"""Decoding NXCC answers: ``{"reqId", "code", "msg", "data", ["total"]}``; ``code != 0`` raises."""

from __future__ import annotations

from typing import Any

import orjson

from nxcc_async._core.errors import (
    APIError,
    AuthError,
    MissingHeaderError,
    PermissionDeniedError,
    ServerError,
    SignatureError,
    TimestampError,
    ValidationError,
)
from nxcc_async._core.http import raise_for_http_status
from nxcc_async._core.transport import Response

ERRORS_BY_CODE: dict[int, type[APIError]] = {
    88: ServerError,
    99: ServerError,
    1001: MissingHeaderError,
    1002: ValidationError,
    1003: SignatureError,
    1004: TimestampError,
    1005: PermissionDeniedError,
    41000: ValidationError,
}


def error_class(code: int) -> type[APIError]:
    """The error class of an NXCC result code (the 1000-1009 band is authentication)."""
    if code in ERRORS_BY_CODE:
        return ERRORS_BY_CODE[code]
    if 1000 <= code <= 1009:
        return AuthError
    return APIError


def decode(response: Response, endpoint: str) -> dict[str, Any]:
    """The envelope of a successful answer, or the error the answer means."""
    raise_for_http_status(response, endpoint)
    try:
        envelope = orjson.loads(response.body)
    except orjson.JSONDecodeError:
        raise ServerError(
            response.status, "the answer is not JSON", status=response.status, endpoint=endpoint
        ) from None
    if not isinstance(envelope, dict) or "code" not in envelope:
        raise ServerError(response.status, "the answer is not an NXCC envelope", endpoint=endpoint)
    req_id = envelope.get("reqId")
    try:
        code = int(envelope["code"])
    except (TypeError, ValueError):
        raise ServerError(
            response.status, f"unreadable result code {envelope['code']!r}", endpoint=endpoint
        ) from None
    if code != 0:
        raise error_class(code)(
            code,
            str(envelope.get("msg") or ""),
            req_id=str(req_id) if req_id is not None else None,
            status=response.status,
            endpoint=endpoint,
        )
    return envelope
