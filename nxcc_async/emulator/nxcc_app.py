"""The NXCC side of the emulator: header and signature checks, then the endpoint, as HTTP.

Check order: missing header → 1001; wrong ``bizType``/``action`` or unknown ``algorithm`` → 1002;
unknown ``accessKey`` → 1005; ``ts`` not a number or more than 60 s off → 1004; Content-Type not
JSON or signature mismatch (over the raw body bytes) → 1003; body not a JSON object → 1002;
body validation → 41000 (wrong ``tenantId`` → 1005). Every answer is HTTP 200 with the envelope.
"""

from __future__ import annotations

import hmac
import time
from collections.abc import Callable
from typing import Any

import orjson
from aiohttp import web

from nxcc_async.emulator.endpoints import Body, Endpoints, Outcome
from nxcc_async.emulator.middleware import Handler, fire_fault, req_id, set_code
from nxcc_async.emulator.validate import Invalid
from nxcc_async.nxcc.signing import ACTION, ALGORITHMS, BIZ_TYPE, check_algorithm, sign

PREFIX = "/saas/cc/openapi/"
MAX_SKEW_MS = 60_000
_REQUIRED_HEADERS = ("accessKey", "ts", "bizType", "action", "sign")


def envelope(code: int, msg: str, data: Any = None, total: int | None = None) -> web.Response:
    """An NXCC answer: HTTP 200, ``{reqId, code, msg, data[, total]}``; data ``{}`` on error."""
    payload: dict[str, Any] = {
        "reqId": req_id(),
        "code": code,
        "msg": msg,
        "data": data if code == 0 else {},
    }
    if total is not None and code == 0:
        payload["total"] = total
    response = web.Response(body=orjson.dumps(payload), content_type="application/json")
    set_code(response, code)
    return response


class NXCCService:
    """Serves every NXCC endpoint of the spec for one access key / secret / tenant."""

    def __init__(
        self,
        endpoints: Endpoints,
        *,
        access_key: str,
        access_secret: str,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.endpoints = endpoints
        self.access_key = access_key
        self._access_secret = access_secret
        self._clock = clock

    def __repr__(self) -> str:
        return f"NXCCService(access_key={self.access_key!r})"

    def add_routes(self, app: web.Application) -> None:
        """Register ``POST /saas/cc/openapi/<endpoint>`` for every endpoint."""
        for path, handler in self.endpoints.table().items():
            app.router.add_post(PREFIX + path, self._route(handler))

    def authenticate(self, headers: Any, body: bytes) -> Invalid | None:
        """The error the real service would answer for these headers and body, or ``None``."""
        values = {name: headers.get(name) for name in _REQUIRED_HEADERS}
        if not all(values.values()):
            return Invalid("Authorization Failed", 1001)
        if values["bizType"] != BIZ_TYPE or values["action"] != ACTION:
            return Invalid("Invalid bizType or action", 1002)
        algorithm = (headers.get("algorithm") or "md5").lower()  # as the push verifier reads it
        if algorithm not in ALGORITHMS:
            return Invalid("Unsupported algorithm", 1002)
        if values["accessKey"] != self.access_key:
            return Invalid("No permission", 1005)
        ts = values["ts"]
        if not ts.isdigit() or abs(int(ts) - self._clock() * 1000) > MAX_SKEW_MS:
            return Invalid("Timestamp expired", 1004)
        content_type = headers.get("Content-Type", "").split(";")[0].strip().lower()
        expected = sign(
            access_key=self.access_key,
            access_secret=self._access_secret,
            ts=ts,
            body=body,
            algorithm=check_algorithm(algorithm),
        )
        if content_type != "application/json" or not hmac.compare_digest(
            expected.encode(), values["sign"].encode()
        ):
            return Invalid("Signature verification failed", 1003)
        return None

    def _route(self, handler: Callable[[Body], Outcome]) -> Handler:
        async def route(request: web.Request) -> web.StreamResponse:
            raw = await request.read()
            error = self.authenticate(request.headers, raw)
            if error is not None:
                return envelope(error.code, error.msg)
            try:
                body = orjson.loads(raw)
            except orjson.JSONDecodeError:
                return envelope(1002, "Invalid request body: not JSON")
            if not isinstance(body, dict):
                return envelope(1002, "Invalid request body: not a JSON object")
            try:
                outcome = handler(body)  # validates; a change to state comes back as a thunk
            except Invalid as exc:
                return envelope(exc.code, exc.msg)
            fault = await fire_fault(request, "before")
            if fault is not None:
                return fault
            data, total = outcome() if callable(outcome) else outcome
            fault = await fire_fault(request, "after")
            return fault or envelope(0, "Success", data, total)

        return route
