"""Retry policy as data, and the per-call decision of what to retry (used with stamina).

Transient: server errors (NXCC 88/99, CEC 0100001/0100999, HTTP 5xx), HTTP 429, connection
failures and timeouts, and one NXCC 1004 (stale ``ts``; a re-signed attempt carries a fresh one).
A call that is not idempotent is retried only when the request certainly did not reach the server
(connection refused, 429, 1004: all answered before any processing).
"""

from __future__ import annotations

from collections.abc import Callable

import attrs

from nxcc_async._core.errors import (
    ConnectError,
    RateLimitError,
    TimestampError,
    TransientError,
    TransportError,
)
from nxcc_async._core.throttle import Throttle


@attrs.frozen(kw_only=True)
class RetryPolicy:
    """How hard to try. ``max_retries`` attempts after the first; waits grow from
    ``wait_initial`` by 2x up to ``wait_max`` plus up to ``wait_jitter`` of random jitter;
    ``timeout`` bounds a whole call, retries included; a server's Retry-After is honoured up to
    ``retry_after_cap`` seconds."""

    max_retries: int = attrs.field(default=3, validator=attrs.validators.ge(0))
    wait_initial: float = attrs.field(default=0.2, validator=attrs.validators.ge(0))
    wait_max: float = attrs.field(default=10.0, validator=attrs.validators.ge(0))
    wait_jitter: float = attrs.field(default=0.5, validator=attrs.validators.ge(0))
    timeout: float | None = 300.0
    retry_after_cap: float = attrs.field(default=60.0, validator=attrs.validators.ge(0))

    @property
    def attempts(self) -> int:
        """Total attempts of one call."""
        return self.max_retries + 1

    def hook(self, throttle: Throttle, *, idempotent: bool) -> Callable[[Exception], bool | float]:
        """A fresh stamina ``on`` hook for one call: ``False`` (raise), ``True`` (back off) or
        a number of seconds to wait (Retry-After). HTTP 429 also pauses the whole client."""
        stale_clock_seen = False

        def decide(exc: Exception) -> bool | float:
            nonlocal stale_clock_seen
            if isinstance(exc, RateLimitError):
                wait = min(
                    exc.retry_after if exc.retry_after is not None else self.wait_initial,
                    self.retry_after_cap,
                )
                throttle.pause(wait)
                return wait
            if isinstance(exc, TimestampError):
                if stale_clock_seen:
                    return False
                stale_clock_seen = True
                return 0.0
            if isinstance(exc, ConnectError):
                return True
            if isinstance(exc, (TransientError, TransportError)):
                return idempotent
            return False

        return decide
