"""Logging of the CLI (the library configures none): retries stay quiet unless ``-v``.

``stamina`` logs every scheduled retry as a warning; without ``-v`` those records are demoted
to DEBUG (hidden); with ``-v`` they read ``nxcc: retry 2 in 0.5 s after ...``; ``-vv`` also
shows the library's DEBUG log (one line per HTTP attempt: endpoint, status, time).
"""

from __future__ import annotations

import contextlib
import logging
import sys
from collections.abc import Iterator

_LOGGERS = ("nxcc_async", "stamina")


class _DemoteRetries(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.levelno, record.levelname = logging.DEBUG, "DEBUG"
        return True


class _Formatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        if record.name == "stamina":
            data = record.__dict__
            return (
                f"nxcc: retry {data.get('stamina.retry_num', '?')} in "
                f"{data.get('stamina.wait_for', '?')} s after {data.get('stamina.caused_by', '?')}"
            )
        return f"nxcc: {record.levelname.lower()}: {record.getMessage()}"


@contextlib.contextmanager
def configured(verbosity: int) -> Iterator[None]:
    """Log to stderr for the duration of one command; undone afterwards."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(_Formatter())
    handler.setLevel(logging.DEBUG if verbosity >= 2 else logging.WARNING)
    demote = _DemoteRetries()
    saved = {name: logging.getLogger(name).level for name in _LOGGERS}
    for name in _LOGGERS:
        logger = logging.getLogger(name)
        logger.addHandler(handler)
        if verbosity >= 2:
            logger.setLevel(logging.DEBUG)
    stamina = logging.getLogger("stamina")
    if verbosity == 0:
        stamina.addFilter(demote)
    try:
        yield
    finally:
        stamina.removeFilter(demote)
        for name, level in saved.items():
            logger = logging.getLogger(name)
            logger.removeHandler(handler)
            logger.setLevel(level)
