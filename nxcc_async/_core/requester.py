"""One logical call: throttle, sign, send and decode each attempt, retry per the policy.

Vendors plug in two pure callbacks: ``prepare()`` builds the signed request of one attempt (a
fresh timestamp every time, signed over the exact bytes sent) and ``decode(response)`` returns the
payload or raises an error of the tree. Signing happens after the throttle let the attempt go, so a
long wait for a rate token never sends a stale timestamp.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import TypeVar

import stamina

from nxcc_async._core.retry import RetryPolicy
from nxcc_async._core.throttle import Throttle
from nxcc_async._core.transport import Request, Response, Transport

T = TypeVar("T")

log = logging.getLogger("nxcc_async")


class Requester:
    """Runs calls through one transport, one throttle and one retry policy."""

    def __init__(self, transport: Transport, throttle: Throttle, policy: RetryPolicy) -> None:
        self.transport = transport
        self.throttle = throttle
        self.policy = policy

    async def call(
        self,
        prepare: Callable[[], Request],
        decode: Callable[[Response], T],
        *,
        idempotent: bool,
        endpoint: str,
    ) -> T:
        """Run one call to completion or to its final error."""
        policy = self.policy
        retrying = stamina.retry_context(
            on=policy.hook(self.throttle, idempotent=idempotent),
            attempts=policy.attempts,
            timeout=policy.timeout,
            wait_initial=policy.wait_initial,
            wait_max=policy.wait_max,
            wait_jitter=policy.wait_jitter,
        )
        async for attempt in retrying:
            with attempt:
                async with self.throttle.slot():
                    request = prepare()
                    started = time.monotonic()
                    response = await self.transport.send(request)
                if log.isEnabledFor(logging.DEBUG):
                    log.debug(
                        "%s attempt %d: HTTP %d in %.3f s",
                        endpoint,
                        attempt.num,
                        response.status,
                        time.monotonic() - started,
                    )
                return decode(response)
        raise AssertionError("unreachable: stamina raises or returns")  # pragma: no cover
