"""Decoding NXCC answers: ``{"reqId", "code", "msg", "data", ["total"]}``; ``code != 0`` raises.

``code`` must be an integer: a JSON integer (not ``true``/``false``) or a string of one
(optionally signed, surrounding spaces allowed: ``" 0 "``, ``"-1"``). Anything else (``0.5``,
``"0.0"``, ``1e-100``, ``null``, a list) is a malformed reply, never success.

Malformed replies come in two kinds, both :class:`ResponseFormatError` carrying the endpoint, the
HTTP status, the ``reqId`` when readable and a short secret-free excerpt of the body:

- no envelope at all (not JSON, not a JSON object, no ``code``: an HTML page of a gateway, even
  with HTTP 200) -> :class:`MalformedReplyError`, transient: idempotent calls retry it;
- an envelope whose ``code`` has the wrong type -> ``ResponseFormatError``, not retried (the
  same request gets the same reply).
"""

from __future__ import annotations

import re
from typing import Any

import orjson

from nxcc_async._core.errors import (
    APIError,
    AuthError,
    BadRequestError,
    MalformedReplyError,
    MissingHeaderError,
    PermissionDeniedError,
    ResponseFormatError,
    ServerError,
    SignatureError,
    TimestampError,
    ValidationError,
)
from nxcc_async._core.excerpt import excerpt
from nxcc_async._core.http import raise_for_http_status
from nxcc_async._core.transport import Response

ERRORS_BY_CODE: dict[int, type[APIError]] = {
    88: ServerError,
    99: ServerError,
    1001: MissingHeaderError,
    1002: BadRequestError,
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


_INT = re.compile(r"\s*[+-]?[0-9]+\s*", re.ASCII)


def parse_code(value: Any) -> int | None:
    """The integer of a result code (a JSON integer or a string of one), ``None`` if it is not
    one (bools, floats, numeric text with a fraction or an exponent, null, containers)."""
    if value.__class__ is int:
        return int(value)
    if isinstance(value, str) and len(value) <= 64 and _INT.fullmatch(value):
        return int(value)  # bounded: int() refuses strings of more than 4300 digits
    return None


def _req_id(envelope: dict[str, Any]) -> str | None:
    value = envelope.get("reqId")
    if isinstance(value, str):
        return value or None
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return None


def decode(response: Response, endpoint: str) -> dict[str, Any]:
    """The envelope of a successful answer, or the error the answer means."""
    raise_for_http_status(response, endpoint)
    try:
        envelope = orjson.loads(response.body)
    except orjson.JSONDecodeError:
        raise _malformed(response, endpoint, "the answer is not JSON") from None
    if not isinstance(envelope, dict):
        raise _malformed(response, endpoint, "the answer is not a JSON object")
    if "code" not in envelope:
        raise _malformed(response, endpoint, "the answer is not an NXCC envelope (no code)")
    req_id = _req_id(envelope)
    raw_code = envelope["code"]
    code = parse_code(raw_code)
    if code is None:
        raise ResponseFormatError(
            f"the result code is not an integer ({type(raw_code).__name__})",
            excerpt=excerpt(response.body),
            req_id=req_id,
            status=response.status,
            endpoint=endpoint,
        )
    if code != 0:
        raise error_class(code)(
            code,
            str(envelope.get("msg") or ""),
            req_id=req_id,
            status=response.status,
            endpoint=endpoint,
        )
    return envelope


def _malformed(response: Response, endpoint: str, detail: str) -> MalformedReplyError:
    return MalformedReplyError(
        detail, excerpt=excerpt(response.body), status=response.status, endpoint=endpoint
    )
