"""One logical call: throttle, sign, send and decode each attempt, retry per the policy.

Vendors plug in two pure callbacks: ``prepare(clock_offset)`` builds the signed request of one
attempt (a fresh timestamp every time: the local clock plus ``clock_offset`` seconds, signed over
the exact bytes sent) and ``decode(response)`` returns the payload or raises an error of the tree.
Signing happens after the throttle let the attempt go, so a long wait for a rate token never sends
a stale timestamp.

- Time budget: ``RetryPolicy.timeout`` bounds the whole call; each attempt (throttle wait
  included) is cut at what is left of it (see ``_core/retry.py``).
- Clock skew: the ``Date`` header of every reply feeds an estimate of the server's clock; after a
  timestamp rejection (NXCC 1004, CEC ``CECTimestampError``, or a bare HTTP 401 while ``Date``
  shows the signing clock more than 30 s off) the estimate is applied and the call re-signed and
  retried once (see ``_core/skew.py``). ``clock_offset`` is the applied offset.
- First contact: until the client's first attempt is over (answered, skew corrected, or failed),
  its other attempts wait for it. A skewed clock then costs one rejected request, not one per
  request in flight; the price is one round trip, once per client, for a concurrent start.
- Observability: one :class:`AttemptEvent` per attempt, logged on ``nxcc_async`` at DEBUG and
  passed to ``on_attempt``; a hook that raises is logged at WARNING once and ignored.
- stamina runs the retries (so ``stamina.set_active`` / ``set_testing`` apply); every wait is
  decided here and handed to it. A first attempt that succeeds never builds stamina's machinery:
  it is entered after a retryable failure, which its attempt 1 replays.
"""

from __future__ import annotations

import asyncio
import logging
import sys
import time
from collections.abc import Awaitable, Callable
from typing import Any, NoReturn, TypeVar

import stamina

from nxcc_async._core.errors import APIError, AuthError, ResponseFormatError, TimestampError
from nxcc_async._core.events import AttemptEvent
from nxcc_async._core.excerpt import without_credentials
from nxcc_async._core.log import IN_CALL, log, quiet_stamina_structlog
from nxcc_async._core.retry import CallRetry, RetryPolicy
from nxcc_async._core.skew import ServerClock
from nxcc_async._core.throttle import Throttle
from nxcc_async._core.transport import Request, Response, Transport

T = TypeVar("T")

#: A bare 401 counts as a timestamp rejection when the server's Date differs from the signing
#: clock by more than this many seconds (CEC does not document its window; NXCC's is 60 s).
SUSPECT_SKEW = 30.0

__all__ = ["AttemptEvent", "Requester"]


if sys.version_info >= (3, 11):

    async def _within(awaitable: Awaitable[T], seconds: float) -> T:
        """``awaitable``, cut after ``seconds`` (``TimeoutError``), in the calling task."""
        async with asyncio.timeout(seconds):
            return await awaitable

else:  # pragma: no cover - Python 3.10

    async def _within(awaitable: Awaitable[T], seconds: float) -> T:
        """``awaitable``, cut after ``seconds`` (``TimeoutError``), in a task of its own."""
        return await asyncio.wait_for(awaitable, seconds)


class Requester:
    """Runs calls through one transport, one throttle and one retry policy.

    ``on_attempt`` is called with an :class:`AttemptEvent` after every attempt. ``wallclock`` is
    the local clock the server's ``Date`` is compared with (the clients sign with ``time.time``
    or a datetime clock of the same time base).
    """

    def __init__(
        self,
        transport: Transport,
        throttle: Throttle,
        policy: RetryPolicy,
        *,
        on_attempt: Callable[[AttemptEvent], None] | None = None,
        wallclock: Callable[[], float] = time.time,
    ) -> None:
        self.transport = transport
        self.throttle = throttle
        self.policy = policy
        self.on_attempt = on_attempt
        self.server_clock = ServerClock(wallclock)
        self._hook_failed = False
        self._first_contact: asyncio.Event | None = None
        self._contacted = False

    @property
    def clock_offset(self) -> float:
        """Seconds added to the local clock when signing: 0.0 until the server rejected a
        timestamp, then the server's clock minus the local one (estimated from ``Date``)."""
        return self.server_clock.offset

    async def call(
        self,
        prepare: Callable[[float], Request],
        decode: Callable[[Response], T],
        *,
        idempotent: bool,
        endpoint: str,
    ) -> T:
        """Run one call to completion or to its final error.

        The first attempt is a plain await; stamina's machinery is built only after it failed
        with an error the plan retries.
        """
        plan = self.policy.start(self.throttle, idempotent=idempotent, active=stamina.is_active())
        token = IN_CALL.set(True)
        try:
            try:
                return await self._attempt(1, plan, prepare, decode, endpoint)
            except Exception as exc:
                if plan.verdict(exc) is False:  # no retry (a 0.0 wait is one: ``is``, not ``not``)
                    _raise_final(plan, exc)
                first = exc
            return await self._retry(first, plan, prepare, decode, endpoint)
        finally:
            IN_CALL.reset(token)

    async def _retry(
        self,
        first: Exception,
        plan: CallRetry,
        prepare: Callable[[float], Request],
        decode: Callable[[Response], T],
        endpoint: str,
    ) -> T:
        """The attempts after a first one that failed with ``first``: stamina's loop, whose
        attempt 1 replays ``first`` so that stamina waits, counts and reports it as before."""
        quiet_stamina_structlog()
        retrying = stamina.retry_context(
            on=plan.verdict,
            attempts=plan.max_attempts,
            timeout=None,  # the budget is enforced by ``plan``, to the attempt
            wait_initial=0.0,
            wait_max=0.0,
            wait_jitter=0.0,
        )
        try:
            async for attempt in retrying:
                with attempt:
                    if attempt.num == 1:
                        raise first
                    return await self._attempt(attempt.num, plan, prepare, decode, endpoint)
        except Exception as exc:
            _raise_final(plan, exc)
        raise AssertionError("unreachable: stamina raises or returns")  # pragma: no cover

    async def _attempt(
        self,
        num: int,
        plan: CallRetry,
        prepare: Callable[[float], Request],
        decode: Callable[[Response], T],
        endpoint: str,
    ) -> T:
        timing = [0.0, 0.0]  # monotonic time sent, answered
        sent: list[Request] = []  # the request, once signed
        response: Response | None = None
        gate: asyncio.Event | None = None  # set when this attempt, the first contact, is done
        if not self._contacted and self._first_contact is None:
            gate = self._first_contact = asyncio.Event()
        wait_for = None if gate is not None or self._contacted else self._first_contact
        try:
            response = await self._send(prepare, plan, timing, sent, wait_for)
            result = decode(response)
        except Exception as exc:
            if isinstance(exc, APIError) and sent:
                _scrub(exc, sent[0])
            stale = self._stale_clock(exc)
            if stale:
                self.server_clock.correct(endpoint)
            wait = plan.decide(exc, stale_clock=stale)
            if self._observed():
                self._emit(_event(endpoint, num, response, timing, wait, exc=exc))
            raise
        finally:
            if gate is not None:  # the outcome, skew correction included, is known
                self._contacted = True
                gate.set()
        if self._observed():
            self._emit(_event(endpoint, num, response, timing, None, result=result))
        return result

    async def _send(
        self,
        prepare: Callable[[float], Request],
        plan: CallRetry,
        timing: list[float],
        sent: list[Request],
        first_contact: asyncio.Event | None,
    ) -> Response:
        remaining = plan.remaining()
        if remaining is None:
            return await self._exchange(prepare, timing, sent, first_contact)
        if remaining <= 0:
            raise plan.out_of_time()
        try:
            return await _within(self._exchange(prepare, timing, sent, first_contact), remaining)
        except asyncio.TimeoutError:
            raise plan.out_of_time() from None

    async def _exchange(
        self,
        prepare: Callable[[float], Request],
        timing: list[float],
        sent: list[Request],
        first_contact: asyncio.Event | None,
    ) -> Response:
        if first_contact is not None:
            await first_contact.wait()
        async with self.throttle.slot():
            request = prepare(self.server_clock.offset)
            sent.append(request)
            timing[0] = time.monotonic()
            response = await self.transport.send(request)
        timing[1] = time.monotonic()
        self.server_clock.observe(response.headers)
        return response

    def _stale_clock(self, exc: Exception) -> bool:
        if isinstance(exc, TimestampError):
            return True
        return (
            type(exc) is AuthError
            and exc.status == 401
            and self.server_clock.disagrees(SUSPECT_SKEW)
        )

    def _observed(self) -> bool:
        """Whether anyone takes attempt events (a hook, or DEBUG logging): else none is built."""
        return self.on_attempt is not None or log.isEnabledFor(logging.DEBUG)

    def _emit(self, event: AttemptEvent) -> None:
        if log.isEnabledFor(logging.DEBUG):
            log.debug("%s", event.describe())
        hook = self.on_attempt
        if hook is None:
            return
        try:
            hook(event)
        except Exception:
            if not self._hook_failed:
                self._hook_failed = True
                log.warning(
                    "the on_attempt hook raised; calls go on (logged once per client)",
                    exc_info=True,
                )


def _scrub(exc: APIError, request: Request) -> None:
    """Take the request's credentials out of a server's message that echoed them (the message
    goes into the error's text, its repr, tracebacks and logs)."""
    clean = without_credentials(exc.msg, request.headers)
    if clean != exc.msg:
        exc.msg = clean
        exc.args = (exc._text(),)


def _raise_final(plan: CallRetry, exc: Exception) -> NoReturn:
    """Raise the call's final error: ``exc``, or the plan's own (chained to ``exc``)."""
    final = plan.final
    if final is not None and final is not exc:
        raise final from exc
    raise exc


def _event(
    endpoint: str,
    num: int,
    response: Response | None,
    timing: list[float],
    wait: float | None,
    *,
    exc: Exception | None = None,
    result: Any = None,
) -> AttemptEvent:
    sent, answered = timing
    duration = (answered or time.monotonic()) - sent if sent else 0.0
    code: int | str | None = None
    req_id: str | None = None
    if isinstance(exc, APIError):
        req_id = exc.req_id
        if not isinstance(exc, ResponseFormatError):
            code = exc.code
    elif exc is None and isinstance(result, dict):
        value = result.get("reqId")  # NXCC: decode returns the envelope
        req_id = value if isinstance(value, str) and value else None
    return AttemptEvent(
        operation=endpoint,
        attempt=num,
        status=None if response is None else response.status,
        code=code,
        duration=duration,
        req_id=req_id,
        wait=wait,
        error=None if exc is None else type(exc).__name__,
    )
