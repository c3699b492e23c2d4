"""A CDR push's body -> :class:`~nxcc_async.nxcc.records.CallRecord`, by the ``cdr/page`` rules."""

from __future__ import annotations

from collections.abc import Mapping

import orjson

from nxcc_async._core.channel import SHAPE_ERRORS
from nxcc_async._core.converter import load
from nxcc_async.nxcc.records import CallRecord
from nxcc_async.webhooks.errors import WebhookBodyError


def parse_webhook(body: bytes | bytearray | memoryview | str) -> CallRecord:
    """The CDR of a push's body: one JSON object with the fields of a ``cdr/page`` row (unknown
    fields kept in ``extra``). :class:`WebhookError` (400) when it is not JSON, not an object,
    has no ``callId``, or a field has the wrong type."""
    if isinstance(body, str):
        body = body.encode()
    if not isinstance(body, (bytes, bytearray, memoryview)):
        raise TypeError(f"body must be the request bytes, not {type(body).__name__}")
    try:
        obj = orjson.loads(body)
    except orjson.JSONDecodeError as exc:
        raise WebhookBodyError(f"the body is not JSON ({exc})", reason="json") from None
    if not isinstance(obj, Mapping):
        raise WebhookBodyError(
            f"the body must be one CDR object, not a JSON {type(obj).__name__}", reason="shape"
        )
    call_id = obj.get("callId")
    if not isinstance(call_id, (str, int)) or isinstance(call_id, bool) or not str(call_id):
        raise WebhookBodyError("the CDR has no callId", reason="call_id")
    try:
        return load(CallRecord, obj)
    except SHAPE_ERRORS as exc:
        raise WebhookBodyError(
            f"the CDR does not have the documented shape ({type(exc).__name__}: {str(exc)[:200]})",
            reason="shape",
        ) from None
