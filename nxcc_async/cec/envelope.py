"""Decoding CEC answers into payloads or errors of the tree: pure functions, no I/O.

Two envelopes exist:

- ``{"result", "resultCode", "resultDatas", "resultDesc"}`` (most interfaces): the status is
  ``resultCode`` (``"0100000"`` = success), falling back to the legacy ``result`` (``"0"``); the
  payload is ``resultDesc`` when it is an object or a list, else the legacy ``resultDatas``; on
  failure ``resultDesc`` is the message.
- ``{"returnCode", "description", "data"}`` (``vdn/queryAgentByStatus``): ``"0"`` = success.

HTTP statuses are checked first (401/403 -> ``AuthError``, 404, 429, 5xx); the bodies of such
answers are never copied into messages.
"""

from __future__ import annotations

from typing import Any, Literal

import orjson

from nxcc_async._core.errors import (
    APIError,
    PermissionDeniedError,
    ServerError,
    ValidationError,
)
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


def _code(value: Any) -> str | None:
    if value is None or value == "":
        return None
    if isinstance(value, int) and not isinstance(value, bool) and value > 0:
        return f"{value:07d}"  # a code sent as a number lost its leading zero
    return str(value).strip()


def _fail(code: str, msg: str, status: int, endpoint: str) -> APIError:
    return error_class(code)(code, msg, status=status, endpoint=endpoint)


def _json(response: Response, endpoint: str) -> dict[str, Any]:
    raise_for_http_status(response, endpoint)
    try:
        envelope = orjson.loads(response.body)
    except orjson.JSONDecodeError:
        raise ServerError(
            response.status, "the answer is not JSON", status=response.status, endpoint=endpoint
        ) from None
    if not isinstance(envelope, dict):
        raise ServerError(response.status, "the answer is not a JSON object", endpoint=endpoint)
    return envelope


def decode_result(response: Response, endpoint: str) -> Any:
    """The payload of a ``resultCode``/``result`` envelope, or the error it carries."""
    envelope = _json(response, endpoint)
    code = _code(envelope.get("resultCode"))
    if code is None:
        legacy = _code(envelope.get("result"))
        if legacy is None:
            raise ServerError(
                response.status, "the answer has no resultCode nor result", endpoint=endpoint
            )
        code = SUCCESS if legacy == LEGACY_SUCCESS else legacy
    if code != SUCCESS:
        raise _fail(code, _text(envelope.get("resultDesc")), response.status, endpoint)
    desc = envelope.get("resultDesc")
    if isinstance(desc, (dict, list)):
        return desc
    return envelope.get("resultDatas")


def decode_return(response: Response, endpoint: str) -> Any:
    """The ``data`` of a ``returnCode`` envelope (``vdn/queryAgentByStatus``), or its error."""
    envelope = _json(response, endpoint)
    code = _code(envelope.get("returnCode"))
    if code is None:
        raise ServerError(response.status, "the answer has no returnCode", endpoint=endpoint)
    if code not in (LEGACY_SUCCESS, SUCCESS):
        raise _fail(code, _text(envelope.get("description")), response.status, endpoint)
    return envelope.get("data")


def decode(response: Response, endpoint: str, kind: EnvelopeKind) -> Any:
    """The payload of an answer in envelope ``kind``."""
    if kind == "return":
        return decode_return(response, endpoint)
    return decode_result(response, endpoint)
