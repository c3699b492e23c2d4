"""The library's logging setup: one ``nxcc_async`` logger, silent unless the application says.

- ``nxcc_async`` gets a ``NullHandler``: with no logging configured, nothing reaches stderr
  (Python's last-resort handler only speaks when no handler exists in the hierarchy).
- stamina drives the retries and, by default, reports every scheduled retry as a WARNING on the
  ``stamina`` logger (its ``LoggingOnRetryHook``). Those records, when emitted during one of our
  calls, are dropped by a filter on the ``stamina`` logger: the same facts are logged on
  ``nxcc_async`` at DEBUG, one :class:`~nxcc_async._core.events.AttemptEvent` per attempt. Two
  exceptions keep stamina's record: records outside our calls (the application's own retries),
  and an application that attached a handler to the ``stamina`` logger itself (an explicit wish
  for those records, e.g. the CLI's ``-v``). stamina's hooks themselves
  (``stamina.instrumentation.set_on_retry_hooks``: Prometheus, structlog, custom) are left
  untouched and still see our retries.
"""

from __future__ import annotations

import contextvars
import logging

LOGGER_NAME = "nxcc_async"

log = logging.getLogger(LOGGER_NAME)

#: True while the current task runs a call of this library (read by the stamina filter).
IN_CALL: contextvars.ContextVar[bool] = contextvars.ContextVar("nxcc_async_in_call", default=False)


class OurStaminaRetries(logging.Filter):
    """Drops stamina's retry records of our calls unless ``stamina`` has handlers of its own."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not IN_CALL.get():
            return True
        return bool(logging.getLogger("stamina").handlers)


def setup() -> None:
    """Install the ``NullHandler`` and the stamina filter, once per process."""
    if not any(isinstance(h, logging.NullHandler) for h in log.handlers):
        log.addHandler(logging.NullHandler())
    stamina_logger = logging.getLogger("stamina")
    if not any(isinstance(f, OurStaminaRetries) for f in stamina_logger.filters):
        stamina_logger.addFilter(OurStaminaRetries())


setup()
