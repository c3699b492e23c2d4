"""SIGTERM for long-running commands (``cdrs sync``, ``cdrs export``, ``webhook serve``): cancel
the command's task so it stops as on Ctrl-C (a transaction, a checkpoint saved), and remember
why it stopped."""

from __future__ import annotations

import asyncio
import contextlib
import signal
from collections.abc import Iterator

import attrs


@attrs.define
class Termination:
    """Whether SIGTERM arrived (the task was cancelled for it, not by Ctrl-C)."""

    requested: bool = False


@contextlib.contextmanager
def cancel_on_sigterm() -> Iterator[Termination]:
    """While inside, SIGTERM cancels the current task and sets ``requested``."""
    termination = Termination()
    task = asyncio.current_task()
    loop = asyncio.get_running_loop()

    def on_sigterm() -> None:
        termination.requested = True
        if task is not None:
            task.cancel()

    loop.add_signal_handler(signal.SIGTERM, on_sigterm)
    try:
        yield termination
    finally:
        loop.remove_signal_handler(signal.SIGTERM)
