"""The library's logging setup: one ``nxcc_async`` logger, silent unless the application says.

- ``nxcc_async`` gets a ``NullHandler``: with no logging configured, nothing reaches stderr
  (Python's last-resort handler only speaks when no handler exists in the hierarchy).
- stamina drives the retries and, by default, reports every scheduled retry as a WARNING on the
  ``stamina`` logger (its ``LoggingOnRetryHook``). Those records, when emitted during one of our
  calls, are dropped by a filter on the ``stamina`` logger: the same facts are logged on
  ``nxcc_async`` at DEBUG, one :class:`~nxcc_async._core.events.AttemptEvent` per attempt. Two
  exceptions keep stamina's record: records outside our calls (the application's own retries),
  and an application that attached a handler to the ``stamina`` logger itself (an explicit wish
  for those records, e.g. the CLI's ``-v``). stamina's other hooks
  (``stamina.instrumentation.set_on_retry_hooks``: Prometheus, custom) still see our retries.
- Where ``structlog`` is importable, stamina reports retries through structlog instead, whose
  default, until the application configures structlog, prints on stdout (in the middle of
  ``nxcc ... --format jsonl`` output, say). :func:`quiet_stamina_structlog` wraps that hook so
  that it skips our calls while structlog is not configured; a configured structlog is the
  application's wish for those records, and gets them.
"""

from __future__ import annotations

import contextvars
import importlib
import logging
from typing import Any

import stamina.instrumentation
from stamina.instrumentation import RetryDetails

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


#: The module of stamina's structlog hook, and the mark of our wrapper of it.
_STRUCTLOG_HOOK = "stamina.instrumentation._structlog"
_QUIETED = "_nxcc_async_quieted"


def quiet_stamina_structlog() -> None:
    """Wrap stamina's structlog retry hook, if active, so that it skips our calls while structlog
    is not configured (called before each of our retry loops: the application may set its hooks
    at any time, and a wrapped hook is left as it is)."""
    hooks = stamina.instrumentation.get_on_retry_hooks()
    if any(_loud(hook) for hook in hooks):
        stamina.instrumentation.set_on_retry_hooks([_quiet(h) if _loud(h) else h for h in hooks])


def _loud(hook: Any) -> bool:
    return getattr(hook, "__module__", None) == _STRUCTLOG_HOOK and not hasattr(hook, _QUIETED)


def _quiet(hook: Any) -> Any:
    structlog = importlib.import_module("structlog")  # importable: stamina's hook uses it

    def quieted(details: RetryDetails) -> Any:
        if IN_CALL.get() and not structlog.is_configured():
            return None
        return hook(details)

    setattr(quieted, _QUIETED, True)
    return quieted


def setup() -> None:
    """Install the ``NullHandler`` and the stamina filter, once per process."""
    if not any(isinstance(h, logging.NullHandler) for h in log.handlers):
        log.addHandler(logging.NullHandler())
    stamina_logger = logging.getLogger("stamina")
    if not any(isinstance(f, OurStaminaRetries) for f in stamina_logger.filters):
        stamina_logger.addFilter(OurStaminaRetries())


setup()
