"""Decoding CEC answers into payloads or errors of the tree: pure functions, no I/O.

Two envelopes exist:

- ``{"result", "resultCode", "resultDatas", "resultDesc"}`` (most interfaces): the status is
  ``resultCode`` (``"0100000"`` = success; ``"0"``, the legacy success, is taken as one too),
  falling back to the legacy ``result`` (``"0"``); the payload is ``resultDesc`` unless it is
  null or a string (a message), else the legacy ``resultDatas``; on failure ``resultDesc`` is
  the message.
- ``{"returnCode", "description", "data"}`` (``vdn/queryAgentByStatus``): ``"0"`` = success.

HTTP statuses are checked first (401/403 -> ``AuthError``, 404, 429, 5xx); the bodies of such
answers are never copied into messages. A 401 whose body names the timestamp (the emulator
answers ``{"error": "Unauthorized", "reason": "timestamp outside the allowed window ..."}``) is a
:class:`CECTimestampError`, which the requester answers by re-signing once with the server's clock.

Codes must be integer codes: a string of digits (optionally signed, surrounding spaces allowed;
kept as text, leading zeros matter: ``"0100000"``) or a JSON integer (a positive one lost its
leading zero and is padded back to 7 digits). ``null``/``""`` count as absent. Anything else
(``true``, ``0.5``, ``"0.0"``, a list) is a :class:`ResponseFormatError`, not retried. A body
that is not an envelope at all (not JSON, not an object, no code field) is a
:class:`MalformedReplyError`, transient. Both carry the endpoint, the HTTP status and a short
secret-free excerpt of the body.
"""

from __future__ import annotations

import re
from typing import Any, Literal

import orjson

from nxcc_async._core.errors import (
    APIError,
    CECTimestampError,
    MalformedReplyError,
    PermissionDeniedError,
    ResponseFormatError,
    ServerError,
    ValidationError,
)
from nxcc_async._core.excerpt import excerpt
from nxcc_async._core.http import raise_for_http_status
from nxcc_async._core.transport import Response

SUCCESS = "0100000"
LEGACY_SUCCESS = "0"

ERRORS_BY_CODE: dict[str, type[APIError]] = {
    "0100001": ServerError,
    "0100002": ValidationError,
    "0100999": ServerError,
    "0101003": PermissionDeniedError,
}

EnvelopeKind = Literal["result", "return"]


def error_class(code: str) -> type[APIError]:
    """The error class of a CEC result code (``APIError`` for codes without a better one)."""
    return ERRORS_BY_CODE.get(code, APIError)


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""


_INT = re.compile(r"\s*[+-]?[0-9]+\s*", re.ASCII)
_TIMESTAMP = re.compile(rb"time[\s_-]?stamp", re.IGNORECASE)


def _code(value: Any, field: str, response: Response, endpoint: str) -> str | None:
    """The text of a result code; ``None`` when absent; ``ResponseFormatError`` when it is not
    an integer code."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if value.__class__ is int:
        return f"{value:07d}" if value > 0 else str(value)  # a number lost its leading zero
    if isinstance(value, str) and _INT.fullmatch(value):
        return value.strip()
    raise ResponseFormatError(
        f"{field} is not an integer code ({type(value).__name__})",
        excerpt=excerpt(response.body),
        status=response.status,
        endpoint=endpoint,
    )


def _fail(code: str, msg: str, status: int, endpoint: str) -> APIError:
    return error_class(code)(code, msg, status=status, endpoint=endpoint)


def _malformed(response: Response, endpoint: str, detail: str) -> MalformedReplyError:
    return MalformedReplyError(
        detail, excerpt=excerpt(response.body), status=response.status, endpoint=endpoint
    )


def _json(response: Response, endpoint: str) -> dict[str, Any]:
    if response.status == 401 and _TIMESTAMP.search(response.body[:4096]):
        raise CECTimestampError(
            401,
            "authorization rejected: the timestamp is outside the server's window "
            "(check the local clock)",
            status=401,
            endpoint=endpoint,
        )
    raise_for_http_status(response, endpoint)
    try:
        envelope = orjson.loads(response.body)
    except orjson.JSONDecodeError:
        raise _malformed(response, endpoint, "the answer is not JSON") from None
    if not isinstance(envelope, dict):
        raise _malformed(response, endpoint, "the answer is not a JSON object")
    return envelope


def decode_result(response: Response, endpoint: str) -> Any:
    """The payload of a ``resultCode``/``result`` envelope, or the error it carries."""
    envelope = _json(response, endpoint)
    code = _code(envelope.get("resultCode"), "resultCode", response, endpoint)
    if code is None:
        legacy = _code(envelope.get("result"), "result", response, endpoint)
        if legacy is None:
            raise _malformed(response, endpoint, "the answer has no resultCode nor result")
        code = SUCCESS if legacy == LEGACY_SUCCESS else legacy
    if code not in (SUCCESS, LEGACY_SUCCESS):  # a resultCode of 0: the legacy success
        raise _fail(code, _text(envelope.get("resultDesc")), response.status, endpoint)
    desc = envelope.get("resultDesc")
    if desc is not None and not isinstance(desc, str):  # a string is a message, not a payload
        return desc
    return envelope.get("resultDatas")


def decode_return(response: Response, endpoint: str) -> Any:
    """The ``data`` of a ``returnCode`` envelope (``vdn/queryAgentByStatus``), or its error."""
    envelope = _json(response, endpoint)
    code = _code(envelope.get("returnCode"), "returnCode", response, endpoint)
    if code is None:
        raise _malformed(response, endpoint, "the answer has no returnCode")
    if code not in (LEGACY_SUCCESS, SUCCESS):
        raise _fail(code, _text(envelope.get("description")), response.status, endpoint)
    return envelope.get("data")


def decode(response: Response, endpoint: str, kind: EnvelopeKind) -> Any:
    """The payload of an answer in envelope ``kind``."""
    if kind == "return":
        return decode_return(response, endpoint)
    return decode_result(response, endpoint)
