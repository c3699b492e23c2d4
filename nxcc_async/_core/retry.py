"""Retry policy as data, and the per-call decisions of what to retry and how long to wait.

Transient: server errors (NXCC 88/99, CEC 0100001/0100999, HTTP 5xx), HTTP 429, connection
failures and timeouts, and replies that are no envelope at all (``MalformedReplyError``: an HTML
page of a gateway, even with HTTP 200). Not retried: an envelope whose fields have the wrong type
(``ResponseFormatError``): the same request gets the same reply.
A call that is not idempotent is retried only when the request certainly did not reach the server
(connection refused, 429, a timestamp rejection: all answered before any processing).

A timestamp rejection (NXCC 1004, CEC ``CECTimestampError``) gets one immediate extra attempt per
call, on top of ``max_retries``, signed with the server's clock (see ``_core/skew.py``).

``timeout`` is a hard bound on a whole call: every attempt (throttle wait included) is capped by
what is left of it, a backoff that does not fit ends the call with the last error, and a server's
Retry-After that does not fit raises a ``RateLimitError`` at once instead of sleeping.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from typing import Any

import attrs

from nxcc_async._core.errors import (
    ConnectError,
    RateLimitError,
    RequestTimeoutError,
    TimestampError,
    TransientError,
    TransportError,
)
from nxcc_async._core.throttle import Throttle


def _positive_or_none(_: object, attribute: attrs.Attribute[Any], value: Any) -> None:
    if value is not None and not (isinstance(value, (int, float)) and value > 0):
        raise ValueError(f"{attribute.name} must be a positive number of seconds or None")


@attrs.frozen(kw_only=True)
class RetryPolicy:
    """How hard to try. ``max_retries`` attempts after the first; waits grow from
    ``wait_initial`` by 2x up to ``wait_max`` plus up to ``wait_jitter`` of random jitter;
    ``timeout`` bounds a whole call in seconds (attempts, waits and Retry-After included; ``None``
    for no bound); a server's Retry-After is honoured up to ``retry_after_cap`` seconds."""

    max_retries: int = attrs.field(default=3, validator=attrs.validators.ge(0))
    wait_initial: float = attrs.field(default=0.2, validator=attrs.validators.ge(0))
    wait_max: float = attrs.field(default=10.0, validator=attrs.validators.ge(0))
    wait_jitter: float = attrs.field(default=0.5, validator=attrs.validators.ge(0))
    timeout: float | None = attrs.field(default=300.0, validator=_positive_or_none)
    retry_after_cap: float = attrs.field(default=60.0, validator=attrs.validators.ge(0))

    @property
    def attempts(self) -> int:
        """Total attempts of one call (not counting the one timestamp-rejection retry)."""
        return self.max_retries + 1

    def backoff(self, retry_num: int) -> float:
        """The wait before retry ``retry_num`` (1-based): exponential, jittered, capped."""
        jitter = random.uniform(0, self.wait_jitter) if self.wait_jitter else 0.0
        try:
            return min(self.wait_max, self.wait_initial * 2.0 ** (retry_num - 1) + jitter)
        except OverflowError:
            return self.wait_max

    def start(
        self,
        throttle: Throttle,
        *,
        idempotent: bool,
        active: bool = True,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> CallRetry:
        """The decisions of one call starting now (``active=False``: a single attempt)."""
        return CallRetry(self, throttle, idempotent=idempotent, active=active, monotonic=monotonic)


class CallRetry:
    """The retry state of one call: retries used, the time budget, the last decision.

    :meth:`decide` is called by the requester when an attempt fails; :meth:`verdict` replays the
    decision to stamina (its ``on`` hook). When the call must end with another error than the
    attempt's (a Retry-After that does not fit the budget), ``final`` holds it.
    """

    def __init__(
        self,
        policy: RetryPolicy,
        throttle: Throttle,
        *,
        idempotent: bool,
        active: bool,
        monotonic: Callable[[], float],
    ) -> None:
        self.policy = policy
        self.idempotent = idempotent
        self._throttle = throttle
        self._active = active
        self._monotonic = monotonic
        self.deadline = None if policy.timeout is None else monotonic() + policy.timeout
        self.retries = 0
        self.clock_retry_used = False
        self.final: Exception | None = None
        self._last: tuple[BaseException, float | None] | None = None

    @property
    def max_attempts(self) -> int:
        """The bound given to stamina: the policy's attempts plus the one clock retry."""
        return self.policy.attempts + 1 if self._active else 1

    def remaining(self) -> float | None:
        """Seconds left of the call's budget (may be negative); ``None`` without a budget."""
        return None if self.deadline is None else self.deadline - self._monotonic()

    def out_of_time(self) -> RequestTimeoutError:
        """The error of an attempt cut short by the end of the call's budget."""
        return RequestTimeoutError(
            f"the call's time budget of {self.policy.timeout} s ran out (RetryPolicy.timeout)"
        )

    def decide(self, exc: BaseException, *, stale_clock: bool = False) -> float | None:
        """Seconds to wait before the next attempt after ``exc``, or ``None`` to give up.

        ``stale_clock``: the requester judged ``exc`` a timestamp rejection (every
        ``TimestampError`` is one anyway).
        """
        wait = self._decide(exc, stale_clock=stale_clock or isinstance(exc, TimestampError))
        self._last = (exc, wait)
        return wait

    def verdict(self, exc: Exception) -> bool | float:
        """stamina's ``on`` hook: the decision :meth:`decide` took for ``exc``."""
        if self._last is None or self._last[0] is not exc or self._last[1] is None:
            return False
        return self._last[1]

    def _decide(self, exc: BaseException, *, stale_clock: bool) -> float | None:
        self.final = None
        if not isinstance(exc, Exception) or not self._active:
            return None
        remaining = self.remaining()
        if remaining is not None and remaining <= 0:
            return None
        if stale_clock:
            if self.clock_retry_used:
                return None
            self.clock_retry_used = True
            return 0.0
        if isinstance(exc, RateLimitError):
            return self._after_rate_limit(exc, remaining)
        if not isinstance(exc, ConnectError) and not (
            self.idempotent and isinstance(exc, (TransientError, TransportError))
        ):
            return None
        if self.retries >= self.policy.max_retries:
            return None
        wait = self.policy.backoff(self.retries + 1)
        if remaining is not None and wait >= remaining:
            return None  # the wait would end past the budget: give up now, with this error
        self.retries += 1
        return wait

    def _after_rate_limit(self, exc: RateLimitError, remaining: float | None) -> float | None:
        asked = exc.retry_after if exc.retry_after is not None else self.policy.wait_initial
        wait = min(asked, self.policy.retry_after_cap)
        self._throttle.pause(wait)  # the server's word holds for every task of the client
        if self.retries >= self.policy.max_retries:
            return None
        if remaining is not None and wait >= remaining:
            what = "Retry-After" if exc.retry_after is not None else "a wait"
            self.final = RateLimitError(
                exc.code,
                f"{exc.msg}; the server asks to wait {wait:g} s ({what}) and only "
                f"{max(remaining, 0.0):.2f} s are left of the call's {self.policy.timeout:g} s "
                "budget (RetryPolicy.timeout)",
                retry_after=exc.retry_after,
                req_id=exc.req_id,
                status=exc.status,
                endpoint=exc.endpoint,
            )
            return None
        self.retries += 1
        return wait
