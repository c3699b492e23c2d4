"""Latency, request-rate cap, fault injection and counters, for NXCC and CEC paths alike.

Order per request: count the arrival → rate cap (HTTP 429 + ``Retry-After``) → latency → draw a
fault → the handler. A drawn fault only fires on a *valid* request: NXCC handlers fire it after
auth and body validation, before or after processing (``Faults.when``); for CEC paths (read-only)
the middleware fires it after the handler, and only if the answer was a success.
"""

from __future__ import annotations

import asyncio
import random
import time
from collections import deque
from collections.abc import Awaitable, Callable
from typing import Any, Literal

import attrs
import orjson
from aiohttp import web
from aiohttp.typedefs import Middleware

from nxcc_async.emulator.config import NO_FAULTS, FaultKind, Faults, Latency, RateLimit
from nxcc_async.emulator.config import draw_latency as _draw_latency
from nxcc_async.emulator.stats import Stats

CEC_PREFIX = "/rest/cmsapp/"


def _key(kind: str, name: str, tp: type) -> Any:
    """A typed request/response storage key on aiohttp >= 3.14 (a plain string warns there),
    the string itself on older releases."""
    factory = getattr(web, kind, None)
    return name if factory is None else factory(name, tp)


Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


@attrs.define
class _Pending:
    kind: FaultKind
    faults: Faults
    fired: bool = False


_FAULT = _key("RequestKey", "nxcc_emulator.fault", _Pending)
_CODE = _key("ResponseKey", "nxcc_emulator.code", object)


class Controls:
    """The runtime knobs and counters one emulator's middleware reads on every request."""

    def __init__(
        self,
        *,
        latency: Latency = 0.0,
        rate_limit: RateLimit | None = None,
        faults: Faults | None = None,
        seed: int = 0,
    ) -> None:
        self.latency = latency
        self.rate_limit = rate_limit
        self.faults = faults or NO_FAULTS
        self.stats = Stats()
        self.fault_rng = random.Random(f"faults:{seed}")
        self.latency_rng = random.Random(f"latency:{seed}")
        self._admitted: deque[float] = deque()

    def admit(self) -> bool:
        """Whether the rate cap lets one more request in now (sliding one-second window)."""
        limit = self.rate_limit
        if limit is None:
            return True
        now = time.monotonic()
        while self._admitted and now - self._admitted[0] >= 1.0:
            self._admitted.popleft()
        if len(self._admitted) >= limit.per_second:
            return False
        self._admitted.append(now)
        return True


CONTROLS: web.AppKey[Controls] = web.AppKey("nxcc_emulator.controls", Controls)


def set_code(response: web.StreamResponse, code: int | str) -> web.StreamResponse:
    """Label ``response`` with its API result code, for the counters."""
    response[_CODE] = code
    return response


def _vendor_error(path: str, kind: FaultKind) -> web.Response:
    body: dict[str, object]
    if path.startswith(CEC_PREFIX):
        code = "0100001" if kind == "code88" else "0100999"
        desc = "call failed" if kind == "code88" else "unknown error (injected fault)"
        body = {"result": "1", "resultCode": code, "resultDesc": desc}
        result: int | str = code
    else:
        result = 88 if kind == "code88" else 99
        msg = "Request failed" if kind == "code88" else "System error"
        body = {"reqId": req_id(), "code": result, "msg": msg, "data": {}}
    response = web.Response(body=orjson.dumps(body), content_type="application/json")
    set_code(response, result)
    return response


def req_id() -> str:
    """A fresh 32-hex request id."""
    return random.getrandbits(128).to_bytes(16, "big").hex()


async def fire_fault(
    request: web.Request, stage: Literal["before", "after", "any"]
) -> web.StreamResponse | None:
    """Fire the fault drawn for this request if it belongs to ``stage``.

    Returns the response to send instead (a dropped connection returns a dummy response that
    is never sent), or ``None`` to carry on (no fault, or a slow fault after its delay).
    """
    pending: _Pending | None = request.get(_FAULT)
    if pending is None or pending.fired or stage not in ("any", pending.faults.when):
        return None
    pending.fired = True
    stats = request.app[CONTROLS].stats
    stats.faults[pending.kind] += 1
    if pending.kind == "slow":
        await asyncio.sleep(pending.faults.slow_delay)
        return None
    if pending.kind == "http5xx":
        status = pending.faults.http_status
        return web.Response(status=status, text=f"{status}: injected server error")
    if pending.kind == "drop":
        if request.transport is not None:
            request.transport.close()
        stats.dropped += 1
        return set_code(web.Response(status=499), "dropped")
    return _vendor_error(request.path, pending.kind)


def _cec_result(response: web.StreamResponse) -> str | None:
    if not isinstance(response, web.Response) or not isinstance(response.body, bytes):
        return None
    try:
        body = orjson.loads(response.body)
    except orjson.JSONDecodeError:
        return None
    if not isinstance(body, dict):
        return None
    code = body.get("resultCode", body.get("returnCode"))
    return None if code is None else str(code)


def make_middleware(controls: Controls) -> Middleware:
    """The aiohttp middleware applying ``controls`` to every request."""

    @web.middleware
    async def emulate(request: web.Request, handler: Handler) -> web.StreamResponse:
        stats = controls.stats
        path = request.path
        stats.arrived(path)
        try:
            if not controls.admit():
                stats.rate_limited += 1
                stats.by_status[429] += 1
                retry = str(controls.rate_limit.retry_after if controls.rate_limit else 1)
                return web.Response(
                    status=429, text="429: Too Many Requests", headers={"Retry-After": retry}
                )
            delay = _draw_latency(controls.latency, controls.latency_rng)
            if delay > 0:
                await asyncio.sleep(delay)
            faults = controls.faults
            if faults is not NO_FAULTS and faults.applies_to(path):
                kind = faults.draw(controls.fault_rng)
                if kind is not None:
                    request[_FAULT] = _Pending(kind, faults)
            response = await handler(request)
            is_cec = path.startswith(CEC_PREFIX)
            if is_cec:
                result = _cec_result(response)
                if result is not None:
                    set_code(response, result)
                if response.status == 200 and result in ("0100000", "0"):
                    response = await fire_fault(request, "any") or response
            code = response.get(_CODE)
            if code == "dropped":
                return response
            stats.by_status[response.status] += 1
            if code is not None:
                stats.by_code[code] += 1
            return response
        finally:
            stats.left()

    return emulate
