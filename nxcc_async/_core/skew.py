"""The server's clock, estimated from the ``Date`` header of its replies.

``Date`` is an HTTP-date with one-second resolution, truncated: the server's time at the reply
lies in ``[date, date + 1)``, so the estimate of the offset (server minus local, seconds) is
``date + 0.5 - local time at receipt``, within about half a second plus the network delay. The
latest reply's header is kept (parsed only when needed: no cost on the hot path).

The estimate is *applied* (``offset``, added to the local clock when signing) only after the
server rejected a timestamp (NXCC 1004, CEC 401 naming the timestamp), and refreshed on each later
rejection: a clock that is right is never second-guessed from a one-second-resolution header.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import logging
import time
from collections.abc import Callable, Mapping

from nxcc_async._core.log import log


class ServerClock:
    """Tracks the latest ``Date`` of the server and the offset applied when signing."""

    def __init__(self, wallclock: Callable[[], float] = time.time) -> None:
        self._wallclock = wallclock
        self._date: str | None = None
        self._received = 0.0
        self._warned = False
        #: Seconds added to the local clock when signing (0.0 until a rejection applied one).
        self.offset = 0.0

    def observe(self, headers: Mapping[str, str]) -> None:
        """Remember the ``Date`` of one reply and when it arrived."""
        date = headers.get("Date") or headers.get("date")
        if date:
            self._date, self._received = date, self._wallclock()

    def estimate(self) -> float | None:
        """The latest estimate of server minus local clock in seconds; ``None`` if unknown."""
        if self._date is None:
            return None
        try:
            when = email.utils.parsedate_to_datetime(self._date)
        except (TypeError, ValueError, IndexError, OverflowError):
            return None
        if when.tzinfo is None:  # "-0000": UTC by RFC 5322
            when = when.replace(tzinfo=dt.timezone.utc)
        return when.timestamp() + 0.5 - self._received

    def disagrees(self, threshold: float) -> bool:
        """Whether the estimate differs from the applied offset by more than ``threshold`` s."""
        estimate = self.estimate()
        return estimate is not None and abs(estimate - self.offset) > threshold

    def correct(self, endpoint: str) -> None:
        """Apply the latest estimate after a timestamp rejection (logged at WARNING once)."""
        estimate = self.estimate()
        if estimate is None:
            return
        self.offset = estimate
        if not self._warned:
            self._warned = True
            log.warning(
                "%s: the server rejected the request's timestamp; its clock is %+.1f s off the "
                "local clock (from its Date header): signing with the corrected time",
                endpoint,
                estimate,
            )
        elif log.isEnabledFor(logging.DEBUG):
            log.debug("%s: clock offset re-estimated at %+.1f s", endpoint, estimate)
